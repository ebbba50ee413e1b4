//! Ticket rules: who may see and change what, how a change becomes events, and how stale
//! writes are refused instead of silently overwriting.

use chrono::{DateTime, Utc};

use crate::domain::{
    BOARD_MAX, BOARD_PAGE, BULK_MAX, BoardColumn, BoardView, BulkOutcome, AssigneeFilter, COUNT_CAP, Cursor, TicketQuery, TicketSearchPage, AttachmentView, CommentView, EventKind, EventView, NewComment, NewTicket, Priority, Problem, Shown, StatusCategory,
    StatusView, TicketEdit, TicketListItem, TicketView, display_number,
};
use crate::error::AppError;
use crate::server::render::{markdown, shown};
use crate::server::store::tickets::{self as store, FieldChange, TicketRow, TicketUpdate, UpdateOutcome};
use crate::server::store::{agents, customers};
use crate::server::{Actor, Db};

/// The largest attachment accepted, in bytes.
pub const MAX_ATTACHMENT: usize = crate::domain::MAX_ATTACHMENT_BYTES;
/// Ticket list page size.
pub const PAGE_SIZE: i64 = 50;

fn at(actor: &Actor, t: DateTime<Utc>) -> Shown {
    shown(t, actor.timezone, actor.language)
}

/// Builds a status view from stored columns.
pub fn status_view(id: i64, name: &str, category: &str, key: Option<&str>) -> StatusView {
    StatusView {
        id,
        name: name.to_owned(),
        category: StatusCategory::parse(category).unwrap_or(StatusCategory::Active),
        system_key: key.map(str::to_owned),
    }
}

fn list_item(actor: &Actor, r: &TicketRow, now: DateTime<Utc>) -> TicketListItem {
    TicketListItem {
        id: r.id,
        number: display_number(r.number),
        title: r.title.clone(),
        status: status_view(r.status_id, &r.status_name, &r.status_category, r.status_key.as_deref()),
        priority: Priority::parse(&r.priority).unwrap_or(Priority::Normal),
        customer_id: r.customer_id,
        customer_name: r.customer_name.clone(),
        assignee_id: r.assignee_id,
        assignee_name: r.assignee_name.clone(),
        updated: at(actor, r.updated_at),
        age_secs: (now - r.created_at).num_seconds().max(0),
        version: r.version,
        can_edit: can_edit(actor, r.assignee_id),
        sla: None,
    }
}

/// Whether `actor` may change the fields of a ticket assigned to `assignee`: managers always;
/// agents when it is theirs or nobody's. Anyone signed in may comment.
pub fn can_edit(actor: &Actor, assignee: Option<i64>) -> bool {
    actor.role.is_manager() || assignee.is_none_or(|a| a == actor.id)
}

/// The day `d` begins in `tz`, in UTC (a DST gap falls forward to the first valid instant).
fn day_start(d: chrono::NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        chrono::LocalResult::None => tz
            .from_local_datetime(&(midnight + chrono::TimeDelta::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&midnight)),
    }
}

/// A page of the filtered, sorted list. Dates are whole days in the viewer's timezone.
///
/// # Errors
/// Database errors.
pub async fn search(db: &Db, actor: &Actor, q: &TicketQuery, now: DateTime<Utc>) -> Result<TicketSearchPage, AppError> {
    search_page(db, actor, q, PAGE_SIZE, now).await
}

/// The store's query for a list query, as `actor` sees it, pages of `size`. Dates are whole
/// days in the viewer's timezone.
fn to_search(actor: &Actor, q: &TicketQuery, size: i64, now: DateTime<Utc>) -> crate::server::store::search::Search {
    use crate::domain::SlaFilter;
    let (due_after, due_until) = match q.sla {
        Some(SlaFilter::Breached) => (None, Some(now)),
        Some(SlaFilter::DueWithin(m)) => (Some(now), Some(now + chrono::TimeDelta::minutes(m))),
        None => (None, None),
    };
    use crate::server::store::search::Search;
    let next_day = |d: chrono::NaiveDate| d.succ_opt().unwrap_or(d);
    Search {
        statuses: q.statuses.clone(),
        priorities: q.priorities.iter().map(|p| p.as_str().to_owned()).collect(),
        assignee: q.assignee.map(|a| match a {
            AssigneeFilter::Me => Some(actor.id),
            AssigneeFilter::Unassigned => None,
            AssigneeFilter::Agent(id) => Some(id),
        }),
        customer_id: q.customer_id,
        text: q.text.clone(),
        created_from: q.created_from.map(|d| day_start(d, actor.timezone)),
        created_before: q.created_to.map(|d| day_start(next_day(d), actor.timezone)),
        updated_from: q.updated_from.map(|d| day_start(d, actor.timezone)),
        updated_before: q.updated_to.map(|d| day_start(next_day(d), actor.timezone)),
        due_after,
        due_until,
        sort: q.sort,
        desc: q.desc,
        after: q.after.as_ref().map(|c| (c.value.clone(), c.id)),
        limit: size + 1,
        many: false,
        probe_text: false,
        text_first: false,
        walk_text: false,
    }
}

/// How many tickets a list query matches, exact up to [`COUNT_CAP`]: the count a page leaves
/// out when it would cost more than the page.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db, actor: &Actor, q: &TicketQuery) -> Result<i64, AppError> {
    Ok(crate::server::store::search::count(db, &to_search(actor, q, 0, chrono::Utc::now()), COUNT_CAP).await?)
}

/// [`search`] with its own page size (board columns use smaller pages).
async fn search_page(db: &Db, actor: &Actor, q: &TicketQuery, size: i64, now: DateTime<Utc>) -> Result<TicketSearchPage, AppError> {
    use crate::server::store::search::{Search, cursor_value, page, plan};
    let s = to_search(actor, q, size, now);
    let plan = plan(db, &s, COUNT_CAP).await?;
    let s = Search { many: plan.many, probe_text: plan.probe_text, text_first: plan.text_first, walk_text: plan.walk_text, ..s };
    let total = plan.total;
    let rows = page(db, &s).await?;
    let more = rows.len() as i64 > size;
    let shown = &rows[..rows.len().min(size as usize)];
    let next = if more { shown.last().map(|r| Cursor { value: cursor_value(q.sort, r), id: r.id }) } else { None };
    let ids: Vec<i64> = shown.iter().map(|r| r.id).collect();
    let (live, calendars) = super::sla::countdowns(db, &ids, now).await?;
    let items = shown
        .iter()
        .map(|r| TicketListItem { sla: live.iter().find(|(id, _)| *id == r.id).map(|(_, c)| c.clone()), ..list_item(actor, r, now) })
        .collect();
    Ok(TicketSearchPage { items, next, total, calendars })
}

/// The board for a list query: a column per status the query admits (all when it names
/// none), each holding its first `per_column` tickets in the query's sort.
///
/// # Errors
/// Database errors.
pub async fn board(db: &Db, actor: &Actor, q: &TicketQuery, per_column: i64, now: DateTime<Utc>) -> Result<BoardView, AppError> {
    let per_column = per_column.clamp(1, BOARD_MAX);
    let shown = statuses(db).await?.into_iter().filter(|s| q.statuses.is_empty() || q.statuses.contains(&s.id));
    // The columns are independent queries: asked at once, over the pool's connections.
    let columns = shown.map(|status| async move {
        let one = TicketQuery { statuses: vec![status.id], after: None, ..q.clone() };
        let p = search_page(db, actor, &one, per_column, now).await?;
        Ok::<_, AppError>((BoardColumn { status, items: p.items, next: p.next, total: p.total }, p.calendars))
    });
    let mut calendars: Vec<crate::domain::CalendarSpans> = Vec::new();
    let mut out = Vec::new();
    for (column, cals) in futures::future::try_join_all(columns).await? {
        out.push(column);
        for c in cals {
            if !calendars.iter().any(|x| x.id == c.id) {
                calendars.push(c);
            }
        }
    }
    Ok(BoardView { columns: out, calendars })
}

/// The next cards of one board column: `q` names the column's status and where to continue.
///
/// # Errors
/// `Invalid` when `q` does not name exactly one status; database errors.
pub async fn board_column(db: &Db, actor: &Actor, q: &TicketQuery, now: DateTime<Utc>) -> Result<TicketSearchPage, AppError> {
    if q.statuses.len() != 1 {
        return Err(AppError::invalid("status", Problem::Required));
    }
    search_page(db, actor, q, BOARD_PAGE, now).await
}

/// Moves a ticket to another status, as the board does: refused with `Conflict` when the
/// ticket changed since `version`, `Forbidden` without the right, `Invalid` for an unknown
/// status. Returns the card as it is now.
///
/// # Errors
/// As above; `NotFound` for an unknown ticket.
pub async fn move_to(db: &Db, actor: &Actor, id: i64, version: i64, status_id: i64, now: DateTime<Utc>) -> Result<TicketListItem, AppError> {
    let change = TicketEdit { version, status_id: Some(status_id), ..TicketEdit::default() };
    apply(db, actor, id, change, now).await?;
    Ok(list_item(actor, &store::get(db, id).await?, now))
}

/// Every status, for pickers.
///
/// # Errors
/// Database errors.
pub async fn statuses(db: &Db) -> Result<Vec<StatusView>, AppError> {
    Ok(store::statuses(db)
        .await?
        .iter()
        .map(|s| status_view(s.id, &s.name, &s.category, s.system_key.as_deref()))
        .collect())
}

async fn check_assignee(db: &Db, actor: &Actor, assignee: Option<i64>) -> Result<(), AppError> {
    let Some(id) = assignee else { return Ok(()) };
    if id != actor.id && !actor.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    match agents::get(db, id).await {
        Ok(a) if a.active => Ok(()),
        Ok(_) | Err(sqlx::Error::RowNotFound) => Err(AppError::invalid("assignee_id", Problem::NotAvailable)),
        Err(e) => Err(e.into()),
    }
}

/// Opens a ticket. Agents may assign it to themselves; managers to anyone.
///
/// # Errors
/// `Invalid` for an unknown customer, a requester of another customer or an inactive
/// assignee; `Forbidden` when an agent assigns it to someone else.
pub async fn create(db: &Db, actor: &Actor, t: NewTicket, now: DateTime<Utc>) -> Result<(i64, String), AppError> {
    if !customers::exists(db, t.customer_id).await? {
        return Err(AppError::invalid("customer_id", Problem::NotAvailable));
    }
    if let Some(r) = t.requester_id {
        match customers::contact(db, r).await {
            Ok(c) if c.customer_id == t.customer_id => {}
            Ok(_) | Err(sqlx::Error::RowNotFound) => return Err(AppError::invalid("requester_id", Problem::NotAvailable)),
            Err(e) => return Err(e.into()),
        }
    }
    check_assignee(db, actor, t.assignee_id).await?;
    if let Some(sid) = t.service_id {
        match crate::server::store::services::get(db, sid).await {
            Ok(s) if s.active => {}
            Ok(_) | Err(sqlx::Error::RowNotFound) => return Err(AppError::invalid("service_id", Problem::NotAvailable)),
            Err(e) => return Err(e.into()),
        }
    }
    let (agreement_id, notes) = coverage(db, &t).await?;
    let status = store::statuses(db).await?.into_iter().next().ok_or(AppError::Internal)?;
    let (id, number) = store::insert(
        db,
        &store::NewTicketRow {
            title: &t.title,
            description: &t.description,
            status_id: status.id,
            priority: t.priority.as_str(),
            customer_id: t.customer_id,
            requester_id: t.requester_id,
            assignee_id: t.assignee_id,
            created_by: Some(actor.id),
            service_id: t.service_id,
            agreement_id,
            notes: &notes,
        },
        crate::server::db::now_micros(now),
    )
    .await?;
    clocks_follow(db, id, now).await;
    Ok((id, display_number(number)))
}

/// The agreement a new ticket falls under, and what its history records about that (see
/// [`crate::domain::Cover::decide`]): an agent's pick of another covering agreement, or the
/// reason an uncovered request was opened anyway.
async fn coverage(db: &Db, t: &NewTicket) -> Result<(Option<i64>, Vec<(&'static str, Option<String>, Option<String>)>), AppError> {
    use crate::domain::Coverage;
    let cover = super::agreements::covers(db, Some(t.customer_id)).await?.remove(&t.customer_id).unwrap_or_default();
    match cover.decide(t.service_id, t.agreement_id, t.override_reason.as_deref()) {
        Ok(Coverage::Under { agreement, instead_of: None }) => Ok((Some(agreement), Vec::new())),
        Ok(Coverage::Under { agreement, instead_of: Some(other) }) => Ok((Some(agreement), vec![("agreement_chosen", Some(other.to_string()), Some(agreement.to_string()))])),
        Ok(Coverage::Open) => Ok((None, Vec::new())),
        Ok(Coverage::Overridden(reason)) => Ok((None, vec![("coverage_override", None, Some(reason))])),
        Err((field, problem)) => Err(AppError::invalid(field, problem)),
    }
}

/// Recomputes a ticket's SLA clocks right after a change. The change already marked the ticket
/// stale in its own transaction, so a failure here is logged and the re-apply worker retries.
async fn clocks_follow(db: &Db, id: i64, now: DateTime<Utc>) {
    if let Err(e) = super::sla::refresh_ticket(db, id, now).await {
        tracing::warn!(ticket_id = id, "sla: recompute after a change failed (the worker retries): {e}");
    }
}

/// Everything the ticket page shows, by display number (`ACC-1042`).
///
/// # Errors
/// `NotFound` for an unknown number.
pub async fn view_by_number(db: &Db, actor: &Actor, number: &str) -> Result<TicketView, AppError> {
    let n = crate::domain::parse_display_number(number).ok_or(AppError::NotFound)?;
    let row = store::by_number(db, n).await?;
    view(db, actor, row).await
}

/// Everything the ticket page shows, by id.
///
/// # Errors
/// `NotFound` for an unknown id.
pub async fn view_by_id(db: &Db, actor: &Actor, id: i64) -> Result<TicketView, AppError> {
    let row = store::get(db, id).await?;
    view(db, actor, row).await
}

async fn view(db: &Db, actor: &Actor, row: TicketRow) -> Result<TicketView, AppError> {
    let statuses = statuses(db).await?;
    let attachments = store::attachments(db, row.id).await?;
    let attachment_view = |a: &store::AttachmentRow| AttachmentView {
        id: a.id,
        filename: a.filename.clone(),
        size: a.size,
        url: format!("/attachments/{}/{}", a.id, urlencode(&a.filename)),
    };
    let comments = store::comments(db, row.id)
        .await?
        .into_iter()
        .map(|c| CommentView {
            id: c.id,
            author: c.author_name.unwrap_or_default(),
            internal: c.internal,
            body_html: markdown(&c.body),
            at: at(actor, c.created_at),
            attachments: attachments.iter().filter(|a| a.comment_id == Some(c.id)).map(attachment_view).collect(),
        })
        .collect();
    let policy_names = super::sla::policy_names(db).await?;
    let event_rows = store::events(db, row.id).await?;
    // The agreements the ticket and its history name, by id: (number, title, status).
    let mut agreements = std::collections::HashMap::new();
    let named = event_rows
        .iter()
        .filter(|e| matches!(e.kind.as_str(), "agreement_chosen" | "agreement_expired"))
        .flat_map(|e| [e.old_value.as_deref(), e.new_value.as_deref()])
        .filter_map(|v| v.and_then(|v| v.parse::<i64>().ok()))
        .chain(row.agreement_id);
    for id in named {
        if let std::collections::hash_map::Entry::Vacant(slot) = agreements.entry(id) {
            if let Ok(g) = crate::server::store::agreements::get(db, id).await {
                slot.insert((super::agreements::display_number(g.number), g.title, crate::domain::AgreementStatus::parse(&g.status)));
            }
        }
    }
    let number_of = |v: Option<&str>| {
        v.and_then(|v| v.parse::<i64>().ok()).and_then(|id| agreements.get(&id)).map(|(n, _, _)| n.clone()).unwrap_or_default()
    };
    let events = event_rows
        .into_iter()
        .map(|e| EventView {
            actor: e.actor_name.unwrap_or_default(),
            at: at(actor, e.at),
            kind: match e.kind.as_str() {
                "created" => EventKind::Created,
                "replied" => EventKind::Commented { internal: false },
                "noted" => EventKind::Commented { internal: true },
                "customer_replied" => EventKind::Commented { internal: false },
                "attached" => EventKind::Attached { filename: e.new_value.unwrap_or_default() },
                "agreement_chosen" => EventKind::AgreementChosen { instead_of: number_of(e.old_value.as_deref()), chosen: number_of(e.new_value.as_deref()) },
                "agreement_expired" => EventKind::AgreementExpired { number: number_of(e.new_value.as_deref()) },
                "coverage_override" => EventKind::CoverageOverride { reason: e.new_value.unwrap_or_default() },
                "sla_terms" => super::sla::terms_switch(&policy_names, &e.kind, e.field.as_deref(), e.old_value.as_deref(), e.new_value.as_deref())
                    .unwrap_or(EventKind::Created),
                kind @ ("sla_warning" | "sla_breach") => match crate::sla::Target::ALL.into_iter().find(|t| Some(t.as_str()) == e.field.as_deref()) {
                    Some(target) => EventKind::Sla { target, breach: kind == "sla_breach" },
                    None => EventKind::Changed { field: e.field.unwrap_or_default(), old: None, new: None },
                },
                _ => {
                    let field = e.field.unwrap_or_default();
                    let shown_value = |v: Option<String>| v.map(|v| event_value(&field, &v, &statuses));
                    EventKind::Changed { old: shown_value(e.old_value), new: shown_value(e.new_value), field }
                }
            },
        })
        .collect();
    let requester = match row.requester_id {
        Some(id) => customers::contact(db, id).await.ok().map(|c| crate::domain::ContactView {
            id: c.id,
            name: c.name,
            email: c.email,
            language: crate::domain::Lang::parse(&c.language).unwrap_or(crate::domain::Lang::En),
        }),
        None => None,
    };
    let sla = super::sla::ticket_sla(db, actor, row.id, chrono::Utc::now()).await?;
    let service = match row.service_id {
        Some(id) => crate::server::store::services::get(db, id).await.ok().map(|s| (s.id, s.name)),
        None => None,
    };
    let agreement = row.agreement_id.and_then(|id| {
        agreements.get(&id).map(|(number, title, status)| (id, number.clone(), title.clone(), status.unwrap_or(crate::domain::AgreementStatus::Active)))
    });
    Ok(TicketView {
        agreement,
        service,
        id: row.id,
        number: display_number(row.number),
        title: row.title.clone(),
        description_html: markdown(&row.description),
        description: row.description.clone(),
        status: status_view(row.status_id, &row.status_name, &row.status_category, row.status_key.as_deref()),
        priority: Priority::parse(&row.priority).unwrap_or(Priority::Normal),
        customer_id: row.customer_id,
        customer_name: row.customer_name.clone(),
        requester,
        assignee_id: row.assignee_id,
        assignee_name: row.assignee_name.clone(),
        version: row.version,
        created: at(actor, row.created_at),
        updated: at(actor, row.updated_at),
        comments,
        sla,
        events,
        attachments: attachments.iter().filter(|a| a.comment_id.is_none()).map(attachment_view).collect(),
        can_edit: can_edit(actor, row.assignee_id),
    })
}

/// Status changes are stored by id; the page shows the status's (translated) name via a
/// `status:<key or name>` marker the UI understands.
fn event_value(field: &str, v: &str, statuses: &[StatusView]) -> String {
    if field == "status" {
        if let Some(s) = v.parse::<i64>().ok().and_then(|id| statuses.iter().find(|s| s.id == id)) {
            return match &s.system_key {
                Some(k) => format!("status:{k}"),
                None => s.name.clone(),
            };
        }
    }
    if field == "priority" {
        return format!("priority:{v}");
    }
    v.to_owned()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Applies an edit made on `edit.version`. Only changed fields are written and logged.
///
/// # Errors
/// `Forbidden` when the actor may not edit this ticket (or assign it to someone else),
/// `Conflict` when someone changed it since the actor read it, `Invalid` for an unknown
/// status or an inactive assignee.
pub async fn edit(db: &Db, actor: &Actor, id: i64, edit: TicketEdit, now: DateTime<Utc>) -> Result<TicketView, AppError> {
    apply(db, actor, id, edit, now).await?;
    view_by_id(db, actor, id).await
}

/// [`edit`] without reading the ticket back.
async fn apply(db: &Db, actor: &Actor, id: i64, edit: TicketEdit, now: DateTime<Utc>) -> Result<(), AppError> {
    let row = store::get(db, id).await?;
    if !can_edit(actor, row.assignee_id) {
        return Err(AppError::Forbidden);
    }
    if row.version != edit.version {
        return Err(stale(db, id).await?);
    }
    let mut u = TicketUpdate::default();
    let mut changes = Vec::new();
    if let Some(title) = edit.title.filter(|t| *t != row.title) {
        changes.push(FieldChange { field: "title", old: Some(row.title.clone()), new: Some(title.clone()) });
        u.title = Some(title);
    }
    if let Some(d) = edit.description.filter(|d| *d != row.description) {
        changes.push(FieldChange { field: "description", old: None, new: None });
        u.description = Some(d);
    }
    if let Some(s) = edit.status_id.filter(|s| *s != row.status_id) {
        if !store::statuses(db).await?.iter().any(|x| x.id == s) {
            return Err(AppError::invalid("status_id", Problem::NotAvailable));
        }
        changes.push(FieldChange { field: "status", old: Some(row.status_id.to_string()), new: Some(s.to_string()) });
        u.status_id = Some(s);
    }
    if let Some(p) = edit.priority.filter(|p| p.as_str() != row.priority) {
        changes.push(FieldChange { field: "priority", old: Some(row.priority.clone()), new: Some(p.as_str().to_owned()) });
        u.priority = Some(p.as_str().to_owned());
    }
    if let Some(a) = edit.assignee_id.filter(|a| *a != row.assignee_id) {
        check_assignee(db, actor, a).await?;
        let new_name = match a {
            Some(id) => Some(agents::get(db, id).await?.name),
            None => None,
        };
        changes.push(FieldChange { field: "assignee", old: row.assignee_name.clone(), new: new_name });
        u.assignee_id = Some(a);
    }
    if changes.is_empty() {
        return Ok(());
    }
    match store::update(db, id, edit.version, &u, &changes, actor.id, crate::server::db::now_micros(now)).await? {
        UpdateOutcome::Saved { .. } => {
            clocks_follow(db, id, now).await;
            Ok(())
        }
        UpdateOutcome::Stale { current_version, last_actor } => {
            Err(AppError::Conflict { by: last_actor.unwrap_or_default(), current_version })
        }
    }
}

/// Applies the same change to many tickets, each on its current version and with the
/// actor's rights checked per ticket. A ticket that cannot be changed is reported, not fatal.
///
/// # Errors
/// `Invalid` for more than [`BULK_MAX`] tickets or an empty change; database errors.
pub async fn bulk_edit(db: &Db, actor: &Actor, ids: &[i64], change: &TicketEdit, now: DateTime<Utc>) -> Result<BulkOutcome, AppError> {
    if ids.is_empty() || ids.len() > BULK_MAX {
        return Err(AppError::invalid("ids", if ids.is_empty() { Problem::Required } else { Problem::TooLong(BULK_MAX) }));
    }
    if change.is_empty() {
        return Err(AppError::invalid("change", Problem::Required));
    }
    let mut out = BulkOutcome { updated: Vec::new(), refused: Vec::new() };
    for id in ids {
        let row = match store::get(db, *id).await {
            Ok(r) => r,
            Err(sqlx::Error::RowNotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let number = display_number(row.number);
        let one = TicketEdit { version: row.version, ..change.clone() };
        match apply(db, actor, *id, one, now).await {
            Ok(_) => out.updated.push(number),
            Err(AppError::Forbidden | AppError::Conflict { .. } | AppError::Invalid(_)) => out.refused.push(number),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

async fn stale(db: &Db, id: i64) -> Result<AppError, AppError> {
    let row = store::get(db, id).await?;
    let by = store::events(db, id)
        .await?
        .into_iter()
        .rev()
        .find(|e| e.kind == "changed" || e.kind == "created")
        .and_then(|e| e.actor_name)
        .unwrap_or_default();
    Ok(AppError::Conflict { by, current_version: row.version })
}

/// Adds a public reply or an internal note.
///
/// # Errors
/// `NotFound` for an unknown ticket.
pub async fn comment(db: &Db, actor: &Actor, ticket_id: i64, c: NewComment, now: DateTime<Utc>) -> Result<i64, AppError> {
    store::get(db, ticket_id).await?;
    let id = store::insert_comment(db, ticket_id, actor.id, &c.body, c.internal, crate::server::db::now_micros(now)).await?;
    clocks_follow(db, ticket_id, now).await;
    Ok(id)
}

/// A customer's public reply (from the portal or an email): stored as the contact's comment; a
/// ticket waiting on the customer goes back to Open; the clocks follow (a next-response cycle
/// may start). Returns the comment id and whether the ticket was reopened.
///
/// # Errors
/// `NotFound` for an unknown ticket; `Forbidden` for a contact of another customer; `Invalid`
/// for an empty body.
pub async fn customer_reply(db: &Db, ticket_id: i64, contact_id: i64, body: &str, now: DateTime<Utc>) -> Result<(i64, bool), AppError> {
    let row = store::get(db, ticket_id).await?;
    match customers::contact(db, contact_id).await {
        Ok(c) if c.customer_id == row.customer_id => {}
        Ok(_) | Err(sqlx::Error::RowNotFound) => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    }
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("body", Problem::Required));
    }
    let out = store::insert_customer_comment(db, ticket_id, contact_id, body, crate::server::db::now_micros(now)).await?;
    clocks_follow(db, ticket_id, now).await;
    Ok(out)
}

/// Where an upload goes: the ticket, and optionally one of its comments.
#[derive(Clone, Copy, Debug)]
pub struct AttachTo {
    pub ticket_id: i64,
    pub comment_id: Option<i64>,
}

/// Stores an uploaded file on a ticket or on one of its comments.
///
/// # Errors
/// `NotFound` for an unknown ticket, `Invalid` for an empty or oversized file, a bad name,
/// or a comment of another ticket.
pub async fn attach(db: &Db, actor: &Actor, to: AttachTo, filename: &str, content_type: &str, data: &[u8], now: DateTime<Utc>) -> Result<i64, AppError> {
    let ticket_id = to.ticket_id;
    store::get(db, ticket_id).await?;
    if let Some(c) = to.comment_id {
        match store::comment_ticket(db, c).await {
            Ok(t) if t == ticket_id => {}
            Ok(_) | Err(sqlx::Error::RowNotFound) => return Err(AppError::invalid("comment_id", Problem::NotAvailable)),
            Err(e) => return Err(e.into()),
        }
    }
    let name: String = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("file", Problem::Required));
    }
    if data.is_empty() {
        return Err(AppError::invalid("file", Problem::Required));
    }
    if data.len() > MAX_ATTACHMENT {
        return Err(AppError::invalid("file", Problem::TooLong(MAX_ATTACHMENT)));
    }
    let ct = if content_type.is_empty() || content_type.len() > 100 { "application/octet-stream" } else { content_type };
    Ok(store::insert_attachment(db, ticket_id, to.comment_id, name, ct, data, actor.id, crate::server::db::now_micros(now)).await?)
}

/// An attachment's metadata and bytes, for those who may see its ticket (every agent).
///
/// # Errors
/// `NotFound` for an unknown attachment.
pub async fn attachment(db: &Db, _actor: &Actor, id: i64) -> Result<(store::AttachmentRow, Vec<u8>), AppError> {
    Ok(store::attachment(db, id).await?)
}
