//! The page for unknown addresses, answered with status 404.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::set_status;
use crate::ui::use_tr;

/// 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(404);
    let t = use_tr();
    view! {
        <Title text=t.not_found_title/>
        <main class="auth">
            <div class="auth-card">
                <div class="auth-brand"><span class="logo" aria-hidden="true">"◆"</span>{t.app_name}</div>
                <h1>{t.not_found_title}</h1>
                <p>{t.not_found_body}</p>
                <a class="button primary" href="/tickets">{t.go_home}</a>
            </div>
        </main>
    }
}
