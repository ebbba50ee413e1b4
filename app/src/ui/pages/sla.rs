//! SLA administration: business calendars (weekly hours, holidays, a due-time preview, export
//! and import) and SLA policies (goals per priority, pausing categories, warning point, the
//! corporate default). Everyone signed in may read them; managers change them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::sla::{
    CreateCalendar, CreatePolicy, ImportCalendar, UpdateCalendar, UpdatePolicy, get_calendar, get_policy, list_calendars, list_policies,
};
use crate::domain::{CalendarView, PolicyView, Priority, StatusCategory, format_minutes};
use crate::error::AppError;
use crate::i18n::{Tr, fill};
use crate::ui::components::{use_id_param, ErrorNotice, FieldMsg, FormError, Page, action_error};
use crate::ui::pages::customers::TimezoneList;
use crate::ui::use_tr;

fn weekdays(t: &'static Tr) -> [(&'static str, &'static str); 7] {
    [("mon", t.wd_mon), ("tue", t.wd_tue), ("wed", t.wd_wed), ("thu", t.wd_thu), ("fri", t.wd_fri), ("sat", t.wd_sat), ("sun", t.wd_sun)]
}

fn hours(minutes: u32) -> String {
    let h = f64::from(minutes) / 60.0;
    if minutes % 60 == 0 { format!("{}", minutes / 60) } else { format!("{h:.1}") }
}

/// The SLA section's tabs.
#[component]
fn SlaTabs(active: &'static str) -> impl IntoView {
    let t = use_tr();
    let class = move |tab: &str| if tab == active { "tab active" } else { "tab" };
    view! {
        <nav class="tabs" aria-label=t.nav_sla>
            <a class=class("policies") href="/admin/policies">{t.sla_policies}</a>
            <a class=class("calendars") href="/admin/calendars">{t.sla_calendars}</a>
        </nav>
    }
}

/// The calendar fields, filled from `c` when editing.
#[component]
fn CalendarFields(c: Option<CalendarView>, err: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_tr();
    let always = RwSignal::new(c.as_ref().is_some_and(|c| c.always));
    let days = weekdays(t)
        .into_iter()
        .enumerate()
        .map(|(i, (key, label))| {
            let value = c.as_ref().map(|c| c.days[i].clone()).unwrap_or_else(|| if i < 5 { "08:00-17:00".into() } else { String::new() });
            view! {
                <label class="day">
                    <span>{label}</span>
                    <input name=format!("form[{key}]") value=value placeholder=t.day_closed autocomplete="off" prop:disabled=move || always.get()/>
                    <FieldMsg err field=key/>
                </label>
            }
        })
        .collect_view();
    let name = c.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let tz = c.as_ref().map(|c| c.timezone.clone()).unwrap_or_else(|| "Europe/Stockholm".into());
    let holidays = c.as_ref().map(|c| c.holidays.clone()).unwrap_or_default();
    view! {
        <div class="stack">
            <label>{t.name}
                <input name="form[name]" required maxlength="100" value=name/>
                <FieldMsg err field="name"/>
            </label>
            <label>{t.timezone}
                <input name="form[timezone]" list="timezones" required value=tz/>
                <FieldMsg err field="timezone"/>
            </label>
            <TimezoneList/>
            <fieldset class="week">
                <legend>{t.working_hours}</legend>
                <label class="check">
                    <input type="checkbox" name="form[always]" value="on" prop:checked=move || always.get() on:change=move |ev| always.set(event_target_checked(&ev))/>
                    {t.always_open}
                </label>
                {days}
                <p class="hint">{t.day_hint}</p>
                <FieldMsg err field="week"/>
            </fieldset>
            <label>{t.holidays}
                <textarea name="form[holidays]" rows="6" placeholder="2026-12-24 Christmas Eve&#10;12-25 Christmas Day">{holidays}</textarea>
                <span class="hint">{t.holidays_hint}</span>
                <FieldMsg err field="holidays"/>
            </label>
            <FormError err/>
        </div>
    }
}

/// `/admin/calendars`: the list, a form for a new one, and an import.
#[component]
pub fn CalendarsPage() -> impl IntoView {
    let t = use_tr();
    let list = Resource::new(|| (), |_| list_calendars());
    let create = ServerAction::<CreateCalendar>::new();
    let import = ServerAction::<ImportCalendar>::new();
    let err = action_error(create.value());
    let import_err = action_error(import.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get().or_else(|| import.value().get()) {
            navigate(&format!("/admin/calendars/{id}"), Default::default());
        }
    });
    let body = move || Suspend::new(async move {
        match list.await {
            Ok(cs) if cs.is_empty() => view! { <p class="empty">{t.no_calendars}</p> }.into_any(),
            Ok(cs) => {
                let rows = cs
                    .into_iter()
                    .map(|c| view! {
                        <tr>
                            <td data-label=t.name><a href=format!("/admin/calendars/{}", c.id)>{c.name}</a></td>
                            <td data-label=t.timezone>{c.timezone}</td>
                            <td data-label=t.working_hours>{fill(t.hours_a_week, &[("h", &hours(c.weekly_minutes))])}</td>
                            <td data-label=t.holidays class="n">{c.holidays}</td>
                            <td data-label=t.sla_policies class="n">{c.policies}</td>
                        </tr>
                    })
                    .collect_view();
                view! {
                    <div class="card flush">
                        <table class="list">
                            <thead><tr><th>{t.name}</th><th>{t.timezone}</th><th>{t.working_hours}</th><th class="n">{t.holidays}</th><th class="n">{t.sla_policies}</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
            Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
        }
    });
    view! {
        <Title text=t.sla_calendars/>
        <Page>
            <div class="page-head"><h1>{t.sla_calendars}</h1></div>
            <SlaTabs active="calendars"/>
            <div class="split">
                <div>
                    <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
                    <div class="card">
                        <h2>{t.import_calendar}</h2>
                        <ActionForm action=import>
                            <div class="stack">
                                <label>{t.name}<input name="name" required maxlength="100"/><FieldMsg err=import_err field="name"/></label>
                                <label>{t.import_json}
                                    <textarea name="json" rows="4" class="mono" placeholder=r#"{"timezone":"Europe/Stockholm","week":{"mon":[["08:00","17:00"]]},"holidays":[]}"#></textarea>
                                    <span class="hint">{t.import_hint}</span>
                                    <FieldMsg err=import_err field="import"/>
                                </label>
                                <FormError err=import_err/>
                                <div class="row"><button type="submit" class="button">{t.import}</button></div>
                            </div>
                        </ActionForm>
                    </div>
                </div>
                <div class="card">
                    <h2>{t.new_calendar}</h2>
                    <ActionForm action=create>
                        <CalendarFields c=None err/>
                        <div class="row"><button type="submit" class="button primary">{t.create}</button></div>
                    </ActionForm>
                </div>
            </div>
        </Page>
    }
}

/// `/admin/calendars/:id`: the editor with its preview.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let t = use_tr();
    let id = use_id_param();
    let update = ServerAction::<UpdateCalendar>::new();
    let calendar = Resource::new(move || (id(), update.version().get()), |(id, _)| get_calendar(id));
    let err = action_error(update.value());
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let body = move || Suspend::new(async move {
        match calendar.await {
            Ok(c) => view! { <CalendarEditor c update err saved=Signal::derive(saved)/> }.into_any(),
            Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
        }
    });
    view! {
        <Page>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

#[component]
fn CalendarEditor(c: CalendarView, update: ServerAction<UpdateCalendar>, err: Signal<Option<AppError>>, saved: Signal<bool>) -> impl IntoView {
    let t = use_tr();
    let p = c.preview.clone();
    let lead = fill(t.preview_text, &[("h", &p.hours.to_string()), ("now", &p.now.text)]);
    let local = p.due_local.as_ref().map_or_else(|| t.never_due.to_owned(), |d| d.text.clone());
    let viewer = p.due_viewer.as_ref().map(|d| d.text.clone());
    let (cal_tz, viewer_tz) = (fill(t.in_calendar_tz, &[("tz", &p.calendar_tz)]), fill(t.in_your_tz, &[("tz", &p.viewer_tz)]));
    let used_by = if c.policies.is_empty() { t.not_used.to_owned() } else { c.policies.join(", ") };
    let export = format!("/api/v1/calendars/{}/export", c.id);
    let id = c.id.to_string();
    view! {
        <Title text=c.name.clone()/>
        <div class="page-head">
            <div>
                <h1>{c.name.clone()}</h1>
                <p class="muted">{c.timezone.clone()}" · "{fill(t.hours_a_week, &[("h", &hours(c.weekly_minutes))])}" · "{fill(t.version_n, &[("n", &c.version.to_string())])}" · "{c.updated.text.clone()}</p>
            </div>
            <div class="row"><a class="button" href=export download>{t.export_json}</a></div>
        </div>
        <SlaTabs active="calendars"/>
        <div class="split">
            <div class="card">
                <ActionForm action=update>
                    <input type="hidden" name="id" value=id/>
                    <CalendarFields c=Some(c.clone()) err/>
                    <div class="row">
                        <button type="submit" class="button primary">{t.save}</button>
                        <Show when=move || saved.get()><span class="ok" role="status">{t.saved}</span></Show>
                    </div>
                </ActionForm>
            </div>
            <div>
                <section class="card preview" data-testid="preview">
                    <h2>{t.preview}</h2>
                    <p>{lead}":"</p>
                    <p class="due"><strong>{local}</strong>" "<span class="muted">{cal_tz}</span></p>
                    {viewer.map(|v| view! { <p class="due"><strong>{v}</strong>" "<span class="muted">{viewer_tz}</span></p> })}
                </section>
                <section class="card">
                    <h2>{t.used_by}</h2>
                    <p>{used_by}</p>
                </section>
            </div>
        </div>
    }
}

fn category_name(t: &'static Tr, c: StatusCategory) -> &'static str {
    match c {
        StatusCategory::New => t.cat_new,
        StatusCategory::Active => t.cat_active,
        StatusCategory::WaitingOnCustomer => t.cat_waiting_customer,
        _ => t.cat_waiting_third,
    }
}

/// The policy fields, filled from `p` when editing.
#[component]
fn PolicyFields(p: Option<PolicyView>, calendars: Vec<(i64, String)>, err: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_tr();
    let goals = p.as_ref().map(|p| p.summary.goals.clone()).unwrap_or_default();
    let chosen = p.as_ref().map(|p| p.summary.calendar_id);
    let options = calendars
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string() selected=chosen == Some(id)>{name}</option> })
        .collect_view();
    let defaults = [(60, 120, 480), (120, 240, 960), (240, 480, 2880), (480, 960, 7200)];
    let rows = Priority::ALL
        .iter()
        .zip(defaults)
        .map(|(pr, d)| {
            let g = goals.iter().find(|(x, _)| x == pr).map(|(_, g)| *g);
            let val = |m: Option<i64>| m.map(format_minutes).unwrap_or_default();
            let (first, next, res) = match (g, p.is_some()) {
                (Some(g), _) => (val(Some(g.first_response)), val(g.next_response), val(Some(g.resolution))),
                (None, _) => (format_minutes(d.0), format_minutes(d.1), format_minutes(d.2)),
            };
            let key = pr.as_str();
            let f = |w: &str| format!("form[{key}_{w}]");
            view! {
                <tr>
                    <th scope="row">{t.priority(*pr)}</th>
                    <td data-label=t.goal_first><input name=f("first") value=first size="7"/><FieldMsg err field=field(key, "first")/></td>
                    <td data-label=t.goal_next><input name=f("next") value=next size="7"/><FieldMsg err field=field(key, "next")/></td>
                    <td data-label=t.goal_resolution><input name=f("resolution") value=res size="7"/><FieldMsg err field=field(key, "resolution")/></td>
                </tr>
            }
        })
        .collect_view();
    let pause = p.as_ref().map(|p| p.pause.clone()).unwrap_or_else(|| vec![StatusCategory::WaitingOnCustomer]);
    let checks = [StatusCategory::New, StatusCategory::Active, StatusCategory::WaitingOnCustomer, StatusCategory::WaitingOnThirdParty]
        .into_iter()
        .map(|c| view! {
            <label class="check"><input type="checkbox" name=format!("form[pause_{}]", c.as_str()) value="on" checked=pause.contains(&c)/>{category_name(t, c)}</label>
        })
        .collect_view();
    let name = p.as_ref().map(|p| p.summary.name.clone()).unwrap_or_default();
    let warning = p.as_ref().map_or(80, |p| p.warning_percent).to_string();
    let is_default = p.as_ref().is_some_and(|p| p.summary.is_default);
    view! {
        <div class="stack">
            <label>{t.name}<input name="form[name]" required maxlength="100" value=name/><FieldMsg err field="name"/></label>
            <label>{t.calendar}<select name="form[calendar_id]" required>{options}</select><FieldMsg err field="calendar_id"/></label>
            <fieldset>
                <legend>{t.goals}</legend>
                <table class="goals">
                    <thead><tr><th>{t.col_priority}</th><th>{t.goal_first}</th><th>{t.goal_next}</th><th>{t.goal_resolution}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <p class="hint">{t.goals_hint}</p>
            </fieldset>
            <fieldset><legend>{t.pause_title}</legend>{checks}</fieldset>
            <label>{t.warning_point}<input name="form[warning_percent]" value=warning inputmode="numeric" size="4"/><FieldMsg err field="warning_percent"/></label>
            <label class="check"><input type="checkbox" name="form[is_default]" value="on" checked=is_default/>{t.default_policy}</label>
            <FormError err/>
        </div>
    }
}

/// A goal field's name, e.g. `urgent_first` (leaked once per name: there are twelve).
fn field(priority: &'static str, which: &'static str) -> &'static str {
    match (priority, which) {
        ("urgent", "first") => "urgent_first",
        ("urgent", "next") => "urgent_next",
        ("urgent", _) => "urgent_resolution",
        ("high", "first") => "high_first",
        ("high", "next") => "high_next",
        ("high", _) => "high_resolution",
        ("normal", "first") => "normal_first",
        ("normal", "next") => "normal_next",
        ("normal", _) => "normal_resolution",
        (_, "first") => "low_first",
        (_, "next") => "low_next",
        _ => "low_resolution",
    }
}

/// `/admin/policies`: the list and a form for a new one.
#[component]
pub fn PoliciesPage() -> impl IntoView {
    let t = use_tr();
    let list = Resource::new(|| (), |_| async move { Ok::<_, AppError>((list_policies().await?, list_calendars().await?)) });
    let create = ServerAction::<CreatePolicy>::new();
    let err = action_error(create.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/admin/policies/{id}"), Default::default());
        }
    });
    let body = move || Suspend::new(async move {
        match list.await {
            Ok((ps, cals)) => {
                let empty = ps.is_empty();
                let rows = ps
                    .into_iter()
                    .map(|p| {
                        let goal = |pr: Priority| p.goals.iter().find(|(x, _)| *x == pr).map(|(_, g)| format!("{} / {}", format_minutes(g.first_response), format_minutes(g.resolution))).unwrap_or_default();
                        view! {
                            <tr>
                                <td data-label=t.name>
                                    <a href=format!("/admin/policies/{}", p.id)>{p.name.clone()}</a>
                                    {p.is_default.then(|| view! { " "<span class="badge">{t.is_default}</span> })}
                                </td>
                                <td data-label=t.calendar><a href=format!("/admin/calendars/{}", p.calendar_id)>{p.calendar_name.clone()}</a></td>
                                <td data-label=t.p_urgent>{goal(Priority::Urgent)}</td>
                                <td data-label=t.p_normal>{goal(Priority::Normal)}</td>
                                <td data-label=t.nav_customers class="n">{p.customers}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let calendars: Vec<(i64, String)> = cals.into_iter().map(|c| (c.id, c.name)).collect();
                let table = if empty {
                    view! { <p class="empty">{t.no_policies}</p> }.into_any()
                } else {
                    view! {
                        <div class="card flush">
                            <table class="list">
                                <thead><tr><th>{t.name}</th><th>{t.calendar}</th><th>{t.p_urgent}" ("{t.goal_first}" / "{t.goal_resolution}")"</th><th>{t.p_normal}</th><th class="n">{t.nav_customers}</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                };
                let form = if calendars.is_empty() {
                    view! { <p><a href="/admin/calendars">{t.new_calendar}</a></p> }.into_any()
                } else {
                    view! {
                        <ActionForm action=create>
                            <PolicyFields p=None calendars err/>
                            <div class="row"><button type="submit" class="button primary">{t.create}</button></div>
                        </ActionForm>
                    }
                    .into_any()
                };
                view! {
                    <div class="split">
                        <div>{table}</div>
                        <div class="card"><h2>{t.new_policy}</h2>{form}</div>
                    </div>
                }
                .into_any()
            }
            Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
        }
    });
    view! {
        <Title text=t.sla_policies/>
        <Page>
            <div class="page-head"><h1>{t.sla_policies}</h1></div>
            <SlaTabs active="policies"/>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

/// `/admin/policies/:id`: the editor.
#[component]
pub fn PolicyPage() -> impl IntoView {
    let t = use_tr();
    let id = use_id_param();
    let update = ServerAction::<UpdatePolicy>::new();
    let policy = Resource::new(move || (id(), update.version().get()), |(id, _)| get_policy(id));
    let err = action_error(update.value());
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let body = move || Suspend::new(async move {
        match policy.await {
            Ok(p) => {
                let calendars = p.calendars.clone();
                let head = format!("{} · {} · {}", p.summary.calendar_name, fill(t.version_n, &[("n", &p.summary.version.to_string())]), p.updated.text);
                let customers = if p.customer_names.is_empty() { t.none.to_owned() } else { p.customer_names.join(", ") };
                let id = p.summary.id.to_string();
                view! {
                    <Title text=p.summary.name.clone()/>
                    <div class="page-head">
                        <div><h1>{p.summary.name.clone()}</h1><p class="muted">{head}</p></div>
                    </div>
                    <SlaTabs active="policies"/>
                    <div class="split">
                        <div class="card">
                            <ActionForm action=update>
                                <input type="hidden" name="id" value=id/>
                                <PolicyFields p=Some(p.clone()) calendars err/>
                                <div class="row">
                                    <button type="submit" class="button primary">{t.save}</button>
                                    <Show when=saved><span class="ok" role="status">{t.saved}</span></Show>
                                </div>
                            </ActionForm>
                        </div>
                        <section class="card"><h2>{t.nav_customers}</h2><p>{customers}</p></section>
                    </div>
                }
                .into_any()
            }
            Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
        }
    });
    view! {
        <Page>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}
