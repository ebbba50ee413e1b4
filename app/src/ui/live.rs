//! Following ticket changes from the page: one `EventSource` on `/api/live/tickets` while a
//! board or list is open. The browser reconnects by itself; after a reconnect the page
//! reloads its data, since changes made while it was away were not heard.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys;

/// Where the live feed is served.
pub const LIVE_URL: &str = "/api/live/tickets";

/// Calls `on_change` when tickets change (or may have changed while disconnected); the
/// returned signal says whether the feed is connected (`None` until the page is live).
/// Does nothing during server rendering.
pub fn use_live_tickets(on_change: impl Fn() + Clone + 'static) -> ReadSignal<Option<bool>> {
    let (connected, set_connected) = signal(None::<bool>);
    Effect::new(move |_| {
        let Ok(es) = web_sys::EventSource::new(LIVE_URL) else { return };
        let opened_before = StoredValue::new_local(false);
        let on_ready = {
            let on_change = on_change.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                set_connected.set(Some(true));
                // The first `ready` is the page's own start; a later one follows a reconnect.
                if opened_before.get_value() {
                    on_change();
                }
                opened_before.set_value(true);
            })
        };
        let on_tickets = {
            let on_change = on_change.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_change())
        };
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| set_connected.set(Some(false)));
        let _ = es.add_event_listener_with_callback("ready", on_ready.as_ref().unchecked_ref());
        let _ = es.add_event_listener_with_callback("tickets", on_tickets.as_ref().unchecked_ref());
        let _ = es.add_event_listener_with_callback("resync", on_tickets.as_ref().unchecked_ref());
        let _ = es.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
        // The listeners live as long as the source; it is closed when the page goes.
        on_ready.forget();
        on_tickets.forget();
        on_error.forget();
        // Effects run only in the browser, so the source never meets a server thread.
        let source = StoredValue::new_local(es);
        on_cleanup(move || {
            if let Some(es) = source.try_get_value() {
                es.close();
            }
        });
    });
    connected
}

/// The small "Live" / "Reconnecting…" mark of a page that follows changes.
#[component]
pub fn LiveMark(connected: ReadSignal<Option<bool>>) -> impl IntoView {
    let t = crate::ui::use_tr();
    view! {
        <span class="live" class:on=move || connected.get() == Some(true) role="status">
            <span class="dot" aria-hidden="true"></span>
            {move || match connected.get() {
                Some(true) => t.live_on,
                Some(false) => t.live_off,
                None => "",
            }}
        </span>
    }
}

/// `f`, called at most once per `LIVE_DEBOUNCE_MS` however many changes arrive together.
pub fn debounced(f: impl Fn() + Clone + Send + Sync + 'static) -> impl Fn() + Clone + 'static {
    let pending = StoredValue::new(false);
    move || {
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        let f = f.clone();
        set_timeout(
            move || {
                pending.set_value(false);
                f();
            },
            std::time::Duration::from_millis(LIVE_DEBOUNCE_MS),
        );
    }
}

/// How long live changes are gathered before a page reloads its data.
pub const LIVE_DEBOUNCE_MS: u64 = 250;
