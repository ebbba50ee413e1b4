//! The board: a column per status, cards dragged between columns with a mouse, a finger
//! (long-press, then drag; the board scrolls near its edges) or the keyboard (space, arrows,
//! space). A move shows at once and is saved with the card's version; when the server
//! refuses it the card goes back and the board says why. Other agents' changes arrive live;
//! a card being held stays where it is until it is dropped.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use leptos_meta::Title;

use crate::api::tickets::{board_column, board_tickets, count_tickets, list_statuses, move_ticket, new_ticket_options};
use crate::domain::{BOARD_MAX, BOARD_PAGE, BoardColumn, BoardView, COUNT_CAP, SortKey, TicketListItem, TicketQuery, age_text};
use crate::error::AppError;
use crate::i18n::{Tr, fill};
use crate::ui::components::{Countdown, ErrorNotice, Page, PriorityBadge};
use crate::ui::live::{LiveMark, debounced, use_live_tickets};
use crate::ui::pages::tickets::{FilterPanel, ViewSwitch, use_ticket_query};
use crate::ui::use_tr;

/// A touch must rest this long before the card lifts (shorter moves scroll the board).
const LONG_PRESS_MS: u64 = 350;
/// A mouse must move this far (px) with the button down before a drag starts (so a click
/// still opens the ticket).
const MOUSE_SLOP: f64 = 5.0;
/// A finger moving this far (px) before the long-press ends is scrolling, not picking up.
const TOUCH_SLOP: f64 = 10.0;
/// Near an edge of the board (px) a held card scrolls it.
const EDGE: f64 = 48.0;
/// Auto-scroll step (px) per tick, and the tick.
const SCROLL_STEP: f64 = 14.0;
const SCROLL_TICK_MS: u64 = 20;

/// `/board?…`: the same query as the list.
#[component]
pub fn BoardPage() -> impl IntoView {
    let t = use_tr();
    let query = use_ticket_query();
    let data = Resource::new(move || query.get().first_page().to_query_string(), |q| board_tickets(q, BOARD_PAGE));
    let statuses = Resource::new(|| (), |_| list_statuses());
    let options = Resource::new(|| (), |_| new_ticket_options());
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok(b) => view! { <Board initial=b query=query.get_untracked()/> }.into_any(),
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.board_title/>
        <Page>
            <div class="page-head">
                <h1>{t.board_title}</h1>
                <ViewSwitch query board=true/>
            </div>
            <FilterPanel query statuses options base="/board"/>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

/// A card being held: by a pointer (with where it was grabbed) or by the keyboard.
#[derive(Clone, Debug, PartialEq)]
struct Held {
    id: i64,
    from: i64,
    /// The column under the card now.
    over: Option<i64>,
    pointer: Option<Grab>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Grab {
    pointer_id: i32,
    /// Where in the card it was grabbed, and its width, so the lifted copy sits under the finger.
    dx: f64,
    dy: f64,
    width: f64,
}

/// A pointer that went down on a card and may yet become a drag.
#[derive(Clone, Copy, Debug)]
struct Press {
    id: i64,
    from: i64,
    pointer_id: i32,
    x0: f64,
    y0: f64,
    grab: Grab,
    touch: bool,
    timer: Option<TimeoutHandle>,
}

/// Everything the board's handlers share; all handles, so it is `Copy`.
#[derive(Clone, Copy)]
struct BoardState {
    t: &'static Tr,
    /// The page's clock, which learns the cards' calendars.
    clock: crate::ui::tick::PageClock,
    cols: RwSignal<Vec<BoardColumn>>,
    held: RwSignal<Option<Held>>,
    press: StoredValue<Option<Press>>,
    /// The pointer's last position while a card is held.
    pos: RwSignal<(f64, f64)>,
    notice: RwSignal<Option<String>>,
    announce: RwSignal<String>,
    in_flight: StoredValue<usize>,
    /// A live change arrived while a card was held or a move was saving.
    dirty: StoredValue<bool>,
    suppress_click: StoredValue<bool>,
    scroller: StoredValue<Option<IntervalHandle>>,
    query: StoredValue<TicketQuery>,
    board: NodeRef<leptos::html::Div>,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn card_element(id: i64) -> Option<web_sys::HtmlElement> {
    document()?.query_selector(&format!("[data-card=\"{id}\"]")).ok()??.dyn_into().ok()
}

/// The status id of the column under a point.
fn column_at(x: f64, y: f64) -> Option<i64> {
    let el = document()?.element_from_point(x as f32, y as f32)?;
    el.closest("[data-status]").ok()??.get_attribute("data-status")?.parse().ok()
}

impl BoardState {
    fn status_name(self, status_id: i64) -> String {
        self.cols.with_untracked(|cs| cs.iter().find(|c| c.status.id == status_id).map(|c| self.t.status(&c.status)).unwrap_or_default())
    }

    fn card(self, id: i64) -> Option<TicketListItem> {
        self.cols.with_untracked(|cs| cs.iter().flat_map(|c| c.items.iter()).find(|i| i.id == id).cloned())
    }

    fn number(self, id: i64) -> String {
        self.card(id).map(|c| c.number).unwrap_or_default()
    }

    /// Reloads every column (as many cards as each shows now), unless a card is held or a
    /// move is saving: then it happens once they are done.
    fn refresh(self) {
        if self.held.with_untracked(Option::is_some) || self.in_flight.get_value() > 0 {
            self.dirty.set_value(true);
            return;
        }
        self.dirty.set_value(false);
        let per = self.cols.with_untracked(|cs| cs.iter().map(|c| c.items.len() as i64).max().unwrap_or(0)).clamp(BOARD_PAGE, BOARD_MAX);
        let q = self.query.get_value().to_query_string();
        leptos::task::spawn_local(async move {
            match board_tickets(q, per).await {
                Ok(b) if self.held.with_untracked(Option::is_none) && self.in_flight.get_value() == 0 => {
                    self.clock.learn(&b.calendars);
                    self.cols.set(b.columns);
                }
                Ok(_) => self.dirty.set_value(true),
                Err(_) => {}
            }
        });
    }

    fn settle(self) {
        if self.dirty.get_value() && self.held.with_untracked(Option::is_none) && self.in_flight.get_value() == 0 {
            self.refresh();
        }
    }

    fn lift(self, p: Press) {
        self.press.set_value(None);
        self.held.set(Some(Held { id: p.id, from: p.from, over: Some(p.from), pointer: Some(p.grab) }));
        if let Some(el) = card_element(p.id) {
            let _ = el.set_pointer_capture(p.pointer_id);
        }
        self.start_scrolling();
        self.announce.set(fill(self.t.picked_up, &[("number", &self.number(p.id)), ("status", &self.status_name(p.from))]));
    }

    fn start_scrolling(self) {
        if let Ok(h) = set_interval_with_handle(move || self.scroll_tick(), std::time::Duration::from_millis(SCROLL_TICK_MS)) {
            if let Some(old) = self.scroller.get_value() {
                old.clear();
            }
            self.scroller.set_value(Some(h));
        }
    }

    fn stop_scrolling(self) {
        if let Some(h) = self.scroller.get_value() {
            h.clear();
        }
        self.scroller.set_value(None);
    }

    /// Near the board's left or right edge, or a column's top or bottom, scroll that way.
    fn scroll_tick(self) {
        if !self.held.with_untracked(|h| h.as_ref().is_some_and(|h| h.pointer.is_some())) {
            return;
        }
        let (x, y) = self.pos.get_untracked();
        if let Some(board) = self.board.get_untracked() {
            let r = board.get_bounding_client_rect();
            if x < r.left() + EDGE {
                board.scroll_by_with_x_and_y(-SCROLL_STEP, 0.0);
            } else if x > r.right() - EDGE {
                board.scroll_by_with_x_and_y(SCROLL_STEP, 0.0);
            }
        }
        let body = document().and_then(|d| d.element_from_point(x as f32, y as f32)).and_then(|e| e.closest(".col-body").ok().flatten());
        if let Some(body) = body {
            let r = body.get_bounding_client_rect();
            if y < r.top() + EDGE {
                body.scroll_by_with_x_and_y(0.0, -SCROLL_STEP);
            } else if y > r.bottom() - EDGE {
                body.scroll_by_with_x_and_y(0.0, SCROLL_STEP);
            }
        }
        self.hover(x, y);
    }

    fn hover(self, x: f64, y: f64) {
        let over = column_at(x, y);
        if self.held.with_untracked(|h| h.as_ref().is_some_and(|h| h.over != over)) {
            self.held.update(|h| {
                if let Some(h) = h {
                    h.over = over;
                }
            });
        }
    }

    fn on_down(self, ev: web_sys::PointerEvent, id: i64, from: i64) {
        let touch = ev.pointer_type() == "touch";
        if self.held.with_untracked(Option::is_some) || (!touch && ev.button() != 0) {
            return;
        }
        let Some(el) = card_element(id) else { return };
        let r = el.get_bounding_client_rect();
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let grab = Grab { pointer_id: ev.pointer_id(), dx: x - r.left(), dy: y - r.top(), width: r.width() };
        let mut p = Press { id, from, pointer_id: ev.pointer_id(), x0: x, y0: y, grab, touch, timer: None };
        self.pos.set((x, y));
        if touch {
            p.timer = set_timeout_with_handle(
                move || {
                    if let Some(p) = self.press.get_value().filter(|q| q.id == id) {
                        self.lift(p);
                    }
                },
                std::time::Duration::from_millis(LONG_PRESS_MS),
            )
            .ok();
        }
        self.press.set_value(Some(p));
    }

    fn on_move(self, ev: web_sys::PointerEvent) {
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        if self.held.with_untracked(|h| h.as_ref().and_then(|h| h.pointer).is_some_and(|g| g.pointer_id == ev.pointer_id())) {
            ev.prevent_default();
            self.pos.set((x, y));
            self.hover(x, y);
            return;
        }
        let Some(p) = self.press.get_value().filter(|p| p.pointer_id == ev.pointer_id()) else { return };
        let moved = (x - p.x0).hypot(y - p.y0);
        if p.touch && moved > TOUCH_SLOP {
            self.forget_press();
        } else if !p.touch && moved > MOUSE_SLOP {
            self.pos.set((x, y));
            self.lift(p);
            self.hover(x, y);
        }
    }

    fn forget_press(self) {
        if let Some(t) = self.press.get_value().and_then(|p| p.timer) {
            t.clear();
        }
        self.press.set_value(None);
    }

    fn on_up(self, ev: web_sys::PointerEvent) {
        self.forget_press();
        let held = self.held.get_untracked();
        if let Some(h) = held.filter(|h| h.pointer.is_some_and(|g| g.pointer_id == ev.pointer_id())) {
            // The click that follows this release must not open the ticket.
            self.suppress_click.set_value(true);
            set_timeout(move || self.suppress_click.set_value(false), std::time::Duration::from_millis(50));
            self.drop_on(h.over);
        }
    }

    fn on_cancel(self, ev: web_sys::PointerEvent) {
        self.forget_press();
        if self.held.with_untracked(|h| h.as_ref().and_then(|h| h.pointer).is_some_and(|g| g.pointer_id == ev.pointer_id())) {
            self.put_back();
        }
    }

    fn put_back(self) {
        self.stop_scrolling();
        if let Some(h) = self.held.get_untracked() {
            self.announce.set(fill(self.t.drop_cancelled, &[("number", &self.number(h.id))]));
        }
        self.held.set(None);
        self.settle();
    }

    fn drop_on(self, to: Option<i64>) {
        self.stop_scrolling();
        let Some(h) = self.held.get_untracked() else { return };
        let keyboard = h.pointer.is_none();
        match to {
            Some(to) if to != h.from => {
                self.held.set(None);
                self.move_card(h.id, h.from, to, keyboard);
            }
            _ => self.put_back(),
        }
    }

    /// Shows the move at once, saves it, and undoes it with a message if the server refuses.
    fn move_card(self, id: i64, from: i64, to: i64, keyboard: bool) {
        let Some(card) = self.card(id) else { return };
        let Some(index) = self.cols.with_untracked(|cs| cs.iter().find(|c| c.status.id == from).and_then(|c| c.items.iter().position(|i| i.id == id))) else {
            return;
        };
        let (sort, desc) = self.query.with_value(|q| (q.sort, q.desc));
        // A move updates the ticket, so when the board is sorted by "updated" it belongs at
        // the newest end; otherwise it shows on top until the next reload places it.
        let at_end = sort == SortKey::Updated && !desc;
        self.cols.update(|cs| {
            let Some(target_status) = cs.iter().find(|c| c.status.id == to).map(|c| c.status.clone()) else { return };
            if let Some(c) = cs.iter_mut().find(|c| c.status.id == from) {
                c.items.retain(|i| i.id != id);
                if let Some(n) = c.total.as_mut() { *n -= 1 }
            }
            if let Some(c) = cs.iter_mut().find(|c| c.status.id == to) {
                let moved = TicketListItem { status: target_status, ..card.clone() };
                if at_end { c.items.push(moved) } else { c.items.insert(0, moved) }
                if let Some(n) = c.total.as_mut() { *n += 1 }
            }
        });
        self.notice.set(None);
        self.announce.set(fill(self.t.dropped, &[("number", &card.number), ("status", &self.status_name(to))]));
        if keyboard {
            request_animation_frame(move || focus_card(id));
        }
        self.in_flight.update_value(|n| *n += 1);
        leptos::task::spawn_local(async move {
            let result = move_ticket(id, card.version, to).await;
            self.in_flight.update_value(|n| *n -= 1);
            match result {
                Ok(saved) => {
                    self.cols.update(|cs| {
                        if let Some(slot) = cs.iter_mut().flat_map(|c| c.items.iter_mut()).find(|i| i.id == id) {
                            *slot = saved;
                        }
                    });
                    if keyboard {
                        request_animation_frame(move || focus_card(id));
                    }
                }
                Err(e) => {
                    self.cols.update(|cs| {
                        if let Some(c) = cs.iter_mut().find(|c| c.status.id == to) {
                            c.items.retain(|i| i.id != id);
                            if let Some(n) = c.total.as_mut() { *n -= 1 }
                        }
                        if let Some(c) = cs.iter_mut().find(|c| c.status.id == from) {
                            c.items.insert(index.min(c.items.len()), card.clone());
                            if let Some(n) = c.total.as_mut() { *n += 1 }
                        }
                    });
                    let msg = refusal(self.t, &card.number, &e);
                    self.announce.set(msg.clone());
                    self.notice.set(Some(msg));
                    // A stale card is refreshed so the next try starts from what is stored.
                    if matches!(e, AppError::Conflict { .. } | AppError::NotFound) {
                        self.dirty.set_value(true);
                    }
                }
            }
            self.settle();
        });
    }

    fn on_key(self, ev: web_sys::KeyboardEvent, id: i64, from: i64) {
        let key = ev.key();
        let held = self.held.get_untracked();
        match held {
            None => match key.as_str() {
                " " | "Spacebar" => {
                    ev.prevent_default();
                    self.held.set(Some(Held { id, from, over: Some(from), pointer: None }));
                    self.announce.set(fill(self.t.picked_up, &[("number", &self.number(id)), ("status", &self.status_name(from))]));
                }
                "Enter" => {
                    // Through the card's own link, so the router handles it like a click.
                    let link = card_element(id).and_then(|c| c.query_selector("a.bcard-title").ok().flatten());
                    if let Some(a) = link.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
                        a.click();
                    }
                }
                _ => {}
            },
            Some(h) if h.id == id && h.pointer.is_none() => match key.as_str() {
                "ArrowRight" | "ArrowLeft" | "ArrowDown" | "ArrowUp" => {
                    ev.prevent_default();
                    let step = if key == "ArrowRight" || key == "ArrowDown" { 1 } else { -1 };
                    let ids: Vec<i64> = self.cols.with_untracked(|cs| cs.iter().map(|c| c.status.id).collect());
                    let now = ids.iter().position(|s| Some(*s) == h.over).unwrap_or(0);
                    let next = if step > 0 { (now + 1).min(ids.len().saturating_sub(1)) } else { now.saturating_sub(1) };
                    let Some(&over) = ids.get(next) else { return };
                    self.held.update(|x| {
                        if let Some(x) = x {
                            x.over = Some(over);
                        }
                    });
                    if let Some(col) = document().and_then(|d| d.query_selector(&format!("[data-status=\"{over}\"]")).ok().flatten()) {
                        let opts = web_sys::ScrollIntoViewOptions::new();
                        opts.set_inline(web_sys::ScrollLogicalPosition::Nearest);
                        opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
                        col.scroll_into_view_with_scroll_into_view_options(&opts);
                    }
                    self.announce.set(fill(self.t.over_column, &[("number", &self.number(id)), ("status", &self.status_name(over))]));
                }
                " " | "Spacebar" | "Enter" => {
                    ev.prevent_default();
                    self.drop_on(h.over);
                }
                "Escape" | "Tab" => {
                    if key == "Escape" {
                        ev.prevent_default();
                    }
                    self.put_back();
                }
                _ => {}
            },
            Some(_) => {}
        }
    }
}

fn focus_card(id: i64) {
    if let Some(el) = card_element(id) {
        let _ = el.focus();
    }
}

/// Why a move was refused, for the person who tried it.
fn refusal(t: &Tr, number: &str, e: &AppError) -> String {
    match e {
        AppError::Forbidden => fill(t.move_forbidden, &[("number", number)]),
        AppError::Conflict { by, .. } => fill(t.move_conflict, &[("number", number), ("by", by)]),
        AppError::Invalid(_) => fill(t.move_invalid, &[("number", number)]),
        AppError::NotFound => fill(t.move_gone, &[("number", number)]),
        _ => fill(t.move_failed, &[("number", number)]),
    }
}

/// The live board for one query.
#[component]
fn Board(initial: BoardView, query: TicketQuery) -> impl IntoView {
    let t = use_tr();
    let clock = crate::ui::tick::use_page_clock();
    clock.learn(&initial.calendars);
    let b = BoardState {
        t,
        clock,
        cols: RwSignal::new(initial.columns),
        held: RwSignal::new(None),
        press: StoredValue::new(None),
        pos: RwSignal::new((0.0, 0.0)),
        notice: RwSignal::new(None),
        announce: RwSignal::new(String::new()),
        in_flight: StoredValue::new(0),
        dirty: StoredValue::new(false),
        suppress_click: StoredValue::new(false),
        scroller: StoredValue::new(None),
        query: StoredValue::new(query),
        board: NodeRef::new(),
    };
    let connected = use_live_tickets(debounced(move || b.refresh()));
    // A finger holding a card must not scroll the page: touchmove is cancelled while a card
    // is held. (Listeners on the board element may cancel; the page's may not.)
    Effect::new(move |_| {
        let Some(el) = b.board.get() else { return };
        let stop = leptos::wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::TouchEvent)>::new(move |ev: web_sys::TouchEvent| {
            if b.held.with_untracked(Option::is_some) {
                ev.prevent_default();
            }
        });
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_passive(false);
        let _ = el.add_event_listener_with_callback_and_add_event_listener_options("touchmove", stop.as_ref().unchecked_ref(), &opts);
        stop.forget();
    });
    on_cleanup(move || {
        if let Some(h) = b.scroller.try_get_value().flatten() {
            h.clear();
        }
    });
    let column_ids = move || b.cols.with(|cs| cs.iter().map(|c| c.status.id).collect::<Vec<_>>());
    view! {
        <div class="board-bar">
            <LiveMark connected/>
            <p id="board-hint" class="muted hint">{t.board_hint}</p>
        </div>
        {move || b.notice.get().map(|m| view! {
            <div class="notice error board-notice" role="alert">
                <span>{m}</span>
                <button type="button" class="link" on:click=move |_| b.notice.set(None)>{t.dismiss}</button>
            </div>
        })}
        <p class="sr-only" aria-live="assertive">{move || b.announce.get()}</p>
        <div class="board" node_ref=b.board class:dragging=move || b.held.with(|h| h.as_ref().is_some_and(|h| h.pointer.is_some()))>
            <For each=column_ids key=|id| *id let:status_id>
                <Column b status_id/>
            </For>
        </div>
        <Ghost b/>
    }
}

#[component]
fn Column(b: BoardState, status_id: i64) -> impl IntoView {
    let t = b.t;
    let col = move || b.cols.with(|cs| cs.iter().find(|c| c.status.id == status_id).cloned());
    let name = move || col().map(|c| t.status(&c.status)).unwrap_or_default();
    // A column whose count would cost more than its cards (a common word searched) is counted
    // on its own, after the cards show.
    // Asked again when the column's card count changes (a move), not on every live refresh.
    let key = Memo::new(move |_| col().map(|c| (c.total.is_none(), c.items.len())));
    let deferred = LocalResource::new(move || {
        let ask = key.get().is_some_and(|(unknown, _)| unknown);
        let q = b.query.with_value(|q| TicketQuery { statuses: vec![status_id], after: None, ..q.clone() }).to_query_string();
        async move { if ask { count_tickets(q).await.ok() } else { None } }
    });
    let shown = |n: i64| if n > COUNT_CAP { format!("{COUNT_CAP}+") } else { n.to_string() };
    let count = move || match col().map(|c| c.total) {
        Some(Some(n)) => shown(n),
        Some(None) => deferred.get().flatten().map_or_else(|| "…".to_owned(), shown),
        None => String::new(),
    };
    let items = move || b.cols.with(|cs| cs.iter().find(|c| c.status.id == status_id).map(|c| c.items.clone()).unwrap_or_default());
    let over = move || b.held.with(|h| h.as_ref().is_some_and(|h| h.over == Some(status_id) && h.from != status_id));
    let more = RwSignal::new(false);
    let load_more = move |_| {
        let Some(next) = col().and_then(|c| c.next) else { return };
        let q = b.query.with_value(|q| TicketQuery { statuses: vec![status_id], after: Some(next), ..q.clone() }).to_query_string();
        more.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(p) = board_column(q).await {
                b.clock.learn(&p.calendars);
                b.cols.update(|cs| {
                    if let Some(c) = cs.iter_mut().find(|c| c.status.id == status_id) {
                        let known: Vec<i64> = c.items.iter().map(|i| i.id).collect();
                        c.items.extend(p.items.into_iter().filter(|i| !known.contains(&i.id)));
                        c.next = p.next;
                    }
                });
            }
            more.set(false);
        });
    };
    let category = move || col().map(|c| c.status.category.as_str()).unwrap_or_default();
    view! {
        <section class="col" class:over=over data-status=status_id.to_string() aria-label=name>
            <header class="col-head" data-category=category>
                <h2>{name}</h2>
                <span class="count">{count}</span>
            </header>
            <div class="col-body" role="list">
                <For each=items key=|i| (i.id, i.version) let:item>
                    <Card b item status_id/>
                </For>
                <Show when=move || col().is_some_and(|c| c.next.is_some())>
                    <button type="button" class="button more" disabled=move || more.get() on:click=load_more>{t.show_more}</button>
                </Show>
            </div>
        </section>
    }
}

#[component]
fn Card(b: BoardState, item: TicketListItem, status_id: i64) -> impl IntoView {
    let t = b.t;
    let id = item.id;
    let href = format!("/tickets/{}", item.number);
    let lifted = move || b.held.with(|h| h.as_ref().is_some_and(|h| h.id == id && h.pointer.is_some()));
    let kb_held = move || b.held.with(|h| h.as_ref().is_some_and(|h| h.id == id && h.pointer.is_none()));
    let label = format!("{} {}", item.number, item.title);
    let locked = !item.can_edit;
    view! {
        <article
            class="bcard"
            class:lifted=lifted
            class:held=kb_held
            class:locked=locked
            data-card=id.to_string()
            role="listitem"
            tabindex="0"
            aria-label=label
            aria-describedby="board-hint"
            on:pointerdown=move |ev| b.on_down(ev, id, status_id)
            on:pointermove=move |ev| b.on_move(ev)
            on:pointerup=move |ev| b.on_up(ev)
            on:pointercancel=move |ev| b.on_cancel(ev)
            on:contextmenu=move |ev| {
                if b.press.get_value().is_some() || b.held.with_untracked(Option::is_some) {
                    ev.prevent_default();
                }
            }
            on:click=move |ev| {
                if b.suppress_click.get_value() {
                    ev.prevent_default();
                }
            }
            on:keydown=move |ev| b.on_key(ev, id, status_id)
        >
            <CardBody item t href/>
        </article>
    }
}

#[component]
fn CardBody(item: TicketListItem, t: &'static Tr, href: String) -> impl IntoView {
    let lock = (!item.can_edit).then(|| view! { <span class="lock" title=t.cannot_move_hint aria-label=t.cannot_move_hint>"🔒"</span> });
    view! {
        <div class="bcard-top">
            <a class="num" href=href.clone() tabindex="-1" draggable="false">{item.number.clone()}</a>
            <PriorityBadge priority=item.priority/>
            {lock}
            <span class="age" title=item.updated.text.clone()>{age_text(item.age_secs)}</span>
        </div>
        <a class="bcard-title" href=href tabindex="-1" draggable="false">{item.title.clone()}</a>
        <div class="bcard-meta">
            <span class="customer">{item.customer_name.clone()}</span>
            <span class="assignee">{item.assignee_name.clone().unwrap_or_else(|| t.unassigned.to_owned())}</span>
        </div>
        {item.sla.clone().map(|c| view! { <div class="bcard-sla"><Countdown c/></div> })}
    }
}

/// The lifted copy of a card that follows the pointer.
#[component]
fn Ghost(b: BoardState) -> impl IntoView {
    let grabbed = Memo::new(move |_| b.held.with(|h| h.as_ref().and_then(|h| h.pointer.map(|g| (h.id, g)))));
    move || {
        grabbed.get().and_then(|(id, g)| {
            let item = b.card(id)?;
            let href = format!("/tickets/{}", item.number);
            let style = move || {
                let (x, y) = b.pos.get();
                format!("width:{}px;transform:translate({}px,{}px) rotate(2deg)", g.width, x - g.dx, y - g.dy)
            };
            Some(view! {
                <div class="bcard ghost" style=style aria-hidden="true">
                    <CardBody item t=b.t href/>
                </div>
            })
        })
    }
}
