//! Pages and components. The app shell, the router, and what every page shares: the
//! signed-in agent, the language, the navigation bar and error notices.

pub mod components;
pub mod live;
pub mod pages;
pub mod tick;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::domain::{Lang, SessionInfo};
use crate::i18n::{Tr, tr};
use pages::*;

/// What every component may ask for: who is signed in and the language to speak.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub session: Option<SessionInfo>,
    pub lang: Lang,
}

/// The strings of the page's language.
pub fn use_tr() -> &'static Tr {
    tr(use_context::<Ctx>().map(|c| c.lang).unwrap_or(Lang::En))
}

/// The signed-in agent, if any.
pub fn use_session() -> Option<SessionInfo> {
    use_context::<Ctx>().and_then(|c| c.session)
}

/// The element id of the JSON the server embeds about the session.
const SESSION_ELEMENT: &str = "accord-session";

/// On the server: the session and language of the current request.
#[cfg(feature = "ssr")]
fn initial_ctx() -> Ctx {
    let session = crate::server::actor().ok().map(|a| a.session_info());
    let lang = session.as_ref().map(|s| s.language).unwrap_or_else(crate::server::request_lang);
    Ctx { session, lang }
}

/// In the browser: what the server embedded in the page, so hydration renders the same.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn initial_ctx() -> Ctx {
    let doc = web_sys::window().and_then(|w| w.document());
    let session = doc
        .as_ref()
        .and_then(|d| d.get_element_by_id(SESSION_ELEMENT))
        .and_then(|e| e.text_content())
        .and_then(|s| serde_json::from_str::<Option<SessionInfo>>(&s).ok())
        .flatten();
    let lang = doc
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::parse(&l).ok())
        .unwrap_or(Lang::En);
    Ctx { session, lang }
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn initial_ctx() -> Ctx {
    Ctx { session: None, lang: Lang::En }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let ctx = initial_ctx();
    // `<` is escaped so no value can close the script element early.
    let session_json = serde_json::to_string(&ctx.session).unwrap_or_else(|_| "null".into()).replace('<', "\\u003c");
    let lang = ctx.lang.as_str();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href="/pkg/accord.css"/>
                <script id=SESSION_ELEMENT type="application/json" inner_html=session_json></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: context, title and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(initial_ctx());
    tick::provide_page_clock();
    let t = use_tr();
    view! {
        <Title formatter=move |page: String| if page.is_empty() { t.app_name.to_owned() } else { format!("{page} · {}", t.app_name) }/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=|| view! { <Redirect path="/tickets"/> }/>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async/>
                <Route path=path!("/tickets") view=TicketListPage ssr=SsrMode::Async/>
                <Route path=path!("/board") view=BoardPage ssr=SsrMode::Async/>
                <Route path=path!("/tickets/new") view=NewTicketPage ssr=SsrMode::Async/>
                <Route path=path!("/tickets/:number") view=TicketPage ssr=SsrMode::Async/>
                <Route path=path!("/customers") view=CustomersPage ssr=SsrMode::Async/>
                <Route path=path!("/customers/:id") view=CustomerPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/agents") view=AgentsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/calendars") view=CalendarsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/calendars/:id") view=CalendarPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/policies") view=PoliciesPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/policies/:id") view=PolicyPage ssr=SsrMode::Async/>
                <Route path=path!("/agreements") view=AgreementsPage ssr=SsrMode::Async/>
                <Route path=path!("/agreements/new") view=NewAgreementPage ssr=SsrMode::Async/>
                <Route path=path!("/agreements/:id") view=AgreementPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/services") view=ServicesPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/services/:id") view=ServicePage ssr=SsrMode::Async/>
                <Route path=path!("/profile") view=ProfilePage ssr=SsrMode::Async/>
                <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
