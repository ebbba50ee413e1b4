//! The page's one clock: a single gloo-timers tick a second that every countdown on the page
//! reads (never a timer per card), and the calendars' working spans the countdowns count over,
//! which the list, board and ticket pages add as their data arrives.

use leptos::prelude::*;

use crate::domain::CalendarSpans;

/// Now (UTC seconds, ticking in the browser) and the working spans known to the page.
#[derive(Clone, Copy)]
pub struct PageClock {
    /// `None` while the page is rendered on the server and hydrated: a countdown then shows
    /// itself at the instant the server computed it, so the browser's first render matches
    /// the server's HTML, and the first tick moves it to the browser's time.
    pub now: ReadSignal<Option<i64>>,
    pub spans: RwSignal<Vec<CalendarSpans>>,
}

impl PageClock {
    /// Adds (or refreshes) calendars' spans.
    pub fn learn(&self, calendars: &[CalendarSpans]) {
        if calendars.is_empty() {
            return;
        }
        self.spans.update(|known| {
            for c in calendars {
                match known.iter_mut().find(|k| k.id == c.id) {
                    Some(k) => *k = c.clone(),
                    None => known.push(c.clone()),
                }
            }
        });
    }
}

#[cfg(feature = "hydrate")]
fn current() -> i64 {
    (leptos::web_sys::js_sys::Date::now() / 1000.0).floor() as i64
}

/// Starts the page's clock (once, in the app).
pub fn provide_page_clock() {
    let (now, _set_now) = signal(None::<i64>);
    let spans = RwSignal::new(Vec::new());
    // Effects run in the browser only, after hydration: the one tick of the page, for as
    // long as it is open.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        _set_now.set(Some(current()));
        gloo_timers::callback::Interval::new(1_000, move || _set_now.set(Some(current()))).forget();
    });
    provide_context(PageClock { now, spans });
}

/// The page's clock.
pub fn use_page_clock() -> PageClock {
    use_context::<PageClock>().unwrap_or_else(|| PageClock { now: signal(None).0, spans: RwSignal::new(Vec::new()) })
}
