//! Sign-in and invitation pages. Both post plain HTML forms to `/auth/*`, so they work
//! before the app has loaded and a successful sign-in starts a fresh page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::ui::use_tr;

/// The sign-in page. Messages come back in the query: `error=bad|throttled|session`,
/// `signed_out`, `password_set`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_tr();
    let q = use_query_map();
    let next = move || q.read().get("next").filter(|n| n.starts_with('/') && !n.starts_with("//")).unwrap_or_else(|| "/tickets".into());
    let message = move || {
        let q = q.read();
        let (class, text) = match q.get("error").as_deref() {
            Some("bad") => ("error", t.bad_credentials),
            Some("throttled") => ("error", t.throttled),
            Some("session") => ("info", t.session_ended),
            Some(_) => ("error", t.server_error),
            None if q.get("signed_out").is_some() => ("info", t.signed_out),
            None if q.get("password_set").is_some() => ("ok", t.password_set),
            None => return None,
        };
        Some(view! { <div class=format!("notice {class}") role="alert">{text}</div> })
    };
    let email = move || q.read().get("email").unwrap_or_default();
    view! {
        <Title text=t.sign_in/>
        <main class="auth">
            <div class="auth-card">
                <div class="auth-brand"><span class="logo" aria-hidden="true">"◆"</span>{t.app_name}</div>
                <p class="tagline">{t.tagline}</p>
                <h1>{t.sign_in_title}</h1>
                {message}
                <form method="post" action="/auth/login" class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label>{t.email}
                        <input type="email" name="email" autocomplete="username" required autofocus value=email/>
                    </label>
                    <label>{t.password}
                        <input type="password" name="password" autocomplete="current-password" required/>
                    </label>
                    <button type="submit" class="button primary wide">{t.sign_in}</button>
                </form>
            </div>
        </main>
    }
}

/// Where an invited agent (or one whose password was reset) chooses a password.
#[component]
pub fn InvitePage() -> impl IntoView {
    let t = use_tr();
    let params = use_params_map();
    let q = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let message = move || {
        let text = match q.read().get("error").as_deref() {
            Some("invalid") => t.invite_invalid.to_owned(),
            Some("too_short") => t.problem(&crate::domain::Problem::TooShort(crate::domain::MIN_PASSWORD)),
            Some("mismatch") => t.problem(&crate::domain::Problem::Mismatch),
            Some(_) => t.server_error.to_owned(),
            None => return None,
        };
        Some(view! { <div class="notice error" role="alert">{text}</div> })
    };
    view! {
        <Title text=t.invite_title/>
        <main class="auth">
            <div class="auth-card">
                <div class="auth-brand"><span class="logo" aria-hidden="true">"◆"</span>{t.app_name}</div>
                <h1>{t.invite_title}</h1>
                {message}
                <form method="post" action="/auth/invite" class="stack">
                    <input type="hidden" name="token" value=token/>
                    <label>{t.new_password}
                        <input type="password" name="password" autocomplete="new-password" required minlength="10"/>
                    </label>
                    <label>{t.confirm_password}
                        <input type="password" name="confirm" autocomplete="new-password" required/>
                    </label>
                    <button type="submit" class="button primary wide">{t.save_password}</button>
                </form>
            </div>
        </main>
    }
}
