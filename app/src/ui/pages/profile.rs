//! The agent's own profile: name, language, timezone, password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::agents::{ChangePassword, UpdateProfile};
use crate::domain::Lang;
use crate::ui::components::{FieldMsg, FormError, Page, action_error};
use crate::ui::pages::customers::TimezoneList;
use crate::ui::{use_session, use_tr};

/// `/profile`.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let t = use_tr();
    let me = use_session();
    let update = ServerAction::<UpdateProfile>::new();
    let password = ServerAction::<ChangePassword>::new();
    let update_err = action_error(update.value());
    let password_err = action_error(password.value());
    // A new language or timezone changes every page: load afresh.
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    let changed = move || matches!(password.value().get(), Some(Ok(())));
    let name = me.as_ref().map(|s| s.name.clone()).unwrap_or_default();
    let tz = me.as_ref().map(|s| s.timezone.clone()).unwrap_or_default();
    let lang = me.as_ref().map(|s| s.language).unwrap_or(Lang::En);
    let email = me.as_ref().map(|s| s.email.clone()).unwrap_or_default();
    let lang_options = Lang::ALL
        .iter()
        .map(|l| view! { <option value=l.as_str() selected=*l == lang>{l.native_name()}</option> })
        .collect_view();
    view! {
        <Title text=t.profile_title/>
        <Page>
            <div class="page-head"><div><h1>{t.profile_title}</h1><p class="muted">{email}</p></div></div>
            <div class="split even">
                <div class="card">
                    <ActionForm action=update>
                        <div class="stack">
                            <label>{t.name}
                                <input name="form[name]" required value=name/>
                                <FieldMsg err=update_err field="name"/>
                            </label>
                            <label>{t.language}
                                <select name="form[language]">{lang_options}</select>
                            </label>
                            <label>{t.timezone}
                                <input name="form[timezone]" list="timezones" required value=tz/>
                                <FieldMsg err=update_err field="timezone"/>
                            </label>
                            <TimezoneList/>
                            <FormError err=update_err/>
                            <div class="row"><button type="submit" class="button primary">{t.save}</button></div>
                        </div>
                    </ActionForm>
                </div>
                <div class="card">
                    <h2>{t.change_password}</h2>
                    <Show when=changed>
                        <div class="notice ok" role="status">{t.password_changed}</div>
                    </Show>
                    <ActionForm action=password>
                        <div class="stack">
                            <label>{t.current_password}
                                <input type="password" name="current" autocomplete="current-password" required/>
                                <FieldMsg err=password_err field="current"/>
                            </label>
                            <label>{t.new_password}
                                <input type="password" name="password" autocomplete="new-password" required/>
                                <FieldMsg err=password_err field="password"/>
                            </label>
                            <label>{t.confirm_password}
                                <input type="password" name="confirm" autocomplete="new-password" required/>
                                <FieldMsg err=password_err field="confirm"/>
                            </label>
                            <FormError err=password_err/>
                            <div class="row"><button type="submit" class="button primary">{t.change_password}</button></div>
                        </div>
                    </ActionForm>
                </div>
            </div>
        </Page>
    }
}
