//! The ticket list query: filters, sort by any shown column, keyset paging (never OFFSET)
//! and full-text search, which is the one place the backends differ (SQLite FTS5, a
//! PostgreSQL `tsvector`), behind this one function.

use chrono::{DateTime, Utc};

use super::tickets::TicketRow;
use crate::domain::SortKey;
use crate::on_db;
use crate::server::db::Db;

/// A resolved list query: ids and instants, ready for SQL.
#[derive(Clone, Debug, Default)]
pub struct Search {
    pub statuses: Vec<i64>,
    pub priorities: Vec<String>,
    /// `Some(None)`: unassigned; `Some(Some(id))`: that agent.
    pub assignee: Option<Option<i64>>,
    pub customer_id: Option<i64>,
    pub text: String,
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    pub updated_from: Option<DateTime<Utc>>,
    pub updated_before: Option<DateTime<Utc>>,
    /// The soonest SLA due instant after this (`sla_due_at > …`).
    pub due_after: Option<DateTime<Utc>>,
    /// The soonest SLA due instant at or before this (`sla_due_at <= …`): breached at now.
    pub due_until: Option<DateTime<Utc>>,
    pub sort: SortKey,
    pub desc: bool,
    /// The last row of the previous page: its sort value and id.
    pub after: Option<(String, i64)>,
    pub limit: i64,
    /// Many rows match (the capped count hit its cap): walking the sort's index and skipping
    /// non-matches finds a page sooner than sorting every match. SQLite's planner cannot
    /// know this (it keeps no value histograms), so the filters are kept off their indexes;
    /// PostgreSQL's planner has statistics and decides itself.
    pub many: bool,
    /// SQLite: test the words row by row (a seek into the full-text index per row the page
    /// walks) instead of collecting every matching ticket first. See [`plan`].
    pub probe_text: bool,
    /// PostgreSQL: collect the matches of the words first (through the GIN index) and sort
    /// them, instead of walking the sort's index and testing each row. See [`plan`].
    pub text_first: bool,
    /// SQLite, sorted by `updated` with words and nothing else: the page walks the full-text
    /// index itself, newest first (it is keyed by the update sequence, which is in updated
    /// order, migration 0010), and stops after a page. See [`plan`].
    pub walk_text: bool,
}

enum Bind {
    I(i64),
    S(String),
    T(DateTime<Utc>),
}

/// What a ticket without an SLA due instant sorts as: after every real one (migration 0009
/// indexes the same expression).
pub const NO_DUE: &str = "9999-12-31T23:59:59+00:00";

/// The SQL expression a sort key orders by, and how its cursor value is typed.
fn sort_expr(db: &Db, k: SortKey) -> (&'static str, fn(&str) -> Option<Bind>) {
    let int = |v: &str| v.parse().ok().map(Bind::I);
    let text = |v: &str| Some(Bind::S(v.to_owned()));
    let time = |v: &str| DateTime::parse_from_rfc3339(v).ok().map(|t| Bind::T(t.with_timezone(&Utc)));
    match k {
        SortKey::Number => ("t.number", int),
        SortKey::Title => ("t.title", text),
        SortKey::Status => ("t.status_id", int),
        SortKey::Priority => ("t.priority_rank", int),
        // Copies of the names kept on the ticket (migration 0003), so the sort walks an index.
        SortKey::Customer => ("t.customer_sort", text),
        SortKey::Assignee => ("t.assignee_sort", text),
        SortKey::Created => ("t.created_at", time),
        SortKey::Updated => ("t.updated_at", time),
        // Stored instants on SQLite are RFC 3339 text with `+00:00`, as `NO_DUE` is written.
        SortKey::Due => match db {
            Db::Sqlite(_) => ("COALESCE(t.sla_due_at, '9999-12-31T23:59:59+00:00')", time),
            Db::Postgres(_) => ("COALESCE(t.sla_due_at, '9999-12-31T23:59:59+00:00'::timestamptz)", time),
        },
    }
}

/// The cursor value of a row for a sort key (what `after` must hold to continue after it).
pub fn cursor_value(k: SortKey, r: &TicketRow) -> String {
    match k {
        SortKey::Number => r.number.to_string(),
        SortKey::Title => r.title.clone(),
        SortKey::Status => r.status_id.to_string(),
        SortKey::Priority => crate::server::store::tickets::priority_rank(&r.priority).to_string(),
        SortKey::Customer => r.customer_name.clone(),
        SortKey::Assignee => r.assignee_name.clone().unwrap_or_default(),
        SortKey::Created => r.created_at.to_rfc3339(),
        SortKey::Updated => r.updated_at.to_rfc3339(),
        SortKey::Due => r.sla_due_at.map_or_else(|| NO_DUE.to_owned(), |d| d.to_rfc3339()),
    }
}

/// Words of a search as an FTS5 query: each word quoted (so no user text is syntax); all
/// words must occur, as whole words, or as a prefix where the word ends in `*`.
fn fts5_query(text: &str) -> String {
    words(text).iter().map(|w| if w.prefix { format!("\"{}\"*", w.text) } else { format!("\"{}\"", w.text) }).collect::<Vec<_>>().join(" ")
}

/// Words of a search as a PostgreSQL `tsquery`: whole words (`word*` a prefix), all required.
fn tsquery(text: &str) -> String {
    words(text).iter().map(|w| if w.prefix { format!("{}:*", w.text) } else { w.text.clone() }).collect::<Vec<_>>().join(" & ")
}

/// A word of a search: its letters and digits, lower-cased, and whether it is a prefix.
struct Word {
    text: String,
    prefix: bool,
}

/// The words of a search: letters and digits; everything else separates words, and a `*`
/// right after a word makes it a prefix. Whole words by default, as in the commercial desks:
/// a whole word is one posting list the index walks in order (and PostgreSQL keeps statistics
/// for), while a prefix merges every word it starts, which at a million tickets costs tens of
/// milliseconds for a common one.
fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
            if chars.peek().is_some_and(|n| n.is_alphanumeric()) {
                continue;
            }
            let prefix = chars.peek() == Some(&'*');
            out.push(Word { text: std::mem::take(&mut cur), prefix });
            if out.len() == 12 {
                break;
            }
        }
    }
    out
}

struct Sql {
    conds: Vec<String>,
    binds: Vec<Bind>,
}

impl Sql {
    fn param(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
}

fn where_clause(db: &Db, s: &Search, with_cursor: bool) -> Option<Sql> {
    let mut q = Sql { conds: Vec::new(), binds: Vec::new() };
    // SQLite's unary `+` keeps a column's index out of the plan; the sort's index (and the
    // composite (filter, updated) indexes of the default sort) stay usable.
    // Sorted by `updated`, single-valued filters on status, assignee or customer keep their
    // composite (column, [status,] updated_at) indexes, which serve filter and order at once.
    let off = matches!(db, Db::Sqlite(_)) && s.many;
    let one_status = s.statuses.len() == 1;
    let one_priority = s.priorities.len() == 1;
    let keep: &[&str] = match (s.sort == SortKey::Updated, one_status, s.assignee.is_some(), s.customer_id.is_some()) {
        (false, ..) => &[],
        (true, true, true, _) => &["status", "assignee"],
        (true, true, false, true) => &["status", "customer"],
        // (status, priority_rank, updated_at): a board column of one priority.
        (true, true, false, false) if one_priority => &["status", "priority"],
        (true, true, false, false) => &["status"],
        (true, false, true, _) => &["assignee"],
        (true, false, false, true) => &["customer"],
        (true, false, false, false) => &[],
    };
    let plus_for = |col: &str| if off && !keep.contains(&col) { "+" } else { "" };
    let plus = if off { "+" } else { "" };
    if !s.statuses.is_empty() {
        let ps: Vec<_> = s.statuses.iter().map(|v| q.param(Bind::I(*v))).collect();
        q.conds.push(format!("{}t.status_id IN ({})", plus_for("status"), ps.join(", ")));
    }
    if !s.priorities.is_empty() {
        // By the rank, which (status, priority_rank) indexes hold: a board column's count of
        // "urgent and high" reads the index alone.
        let ps: Vec<_> = s.priorities.iter().map(|v| q.param(Bind::I(crate::server::store::tickets::priority_rank(v)))).collect();
        q.conds.push(format!("{}t.priority_rank IN ({})", plus_for("priority"), ps.join(", ")));
    }
    match s.assignee {
        Some(None) => q.conds.push(format!("{}t.assignee_id IS NULL", plus_for("assignee"))),
        Some(Some(id)) => {
            let p = q.param(Bind::I(id));
            q.conds.push(format!("{}t.assignee_id = {p}", plus_for("assignee")));
        }
        None => {}
    }
    if let Some(c) = s.customer_id {
        let p = q.param(Bind::I(c));
        q.conds.push(format!("{}t.customer_id = {p}", plus_for("customer")));
    }
    if !s.text.trim().is_empty() {
        match db {
            Db::Sqlite(_) => {
                let fts = fts5_query(&s.text);
                if fts.is_empty() {
                    return None;
                }
                let p = q.param(Bind::S(fts));
                if s.walk_text {
                    q.conds.push(format!("f.tickets_fts MATCH {p}"));
                } else if s.probe_text {
                    q.conds.push(format!("EXISTS (SELECT 1 FROM tickets_fts f WHERE f.tickets_fts MATCH {p} AND f.rowid = t.update_seq)"));
                } else {
                    q.conds.push(format!("{plus}t.update_seq IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH {p})"));
                }
            }
            Db::Postgres(_) => {
                let ts = tsquery(&s.text);
                if ts.is_empty() {
                    return None;
                }
                let p = q.param(Bind::S(ts));
                if s.text_first {
                    // `OFFSET 0` keeps the planner from folding the matches back into a walk.
                    q.conds.push(format!("t.id IN (SELECT m.id FROM (SELECT id FROM tickets WHERE search @@ to_tsquery('simple', {p}) OFFSET 0) m)"));
                } else {
                    q.conds.push(format!("t.search @@ to_tsquery('simple', {p})"));
                }
            }
        }
    }
    for (col, key, op, v) in [
        ("t.created_at", SortKey::Created, ">=", s.created_from),
        ("t.created_at", SortKey::Created, "<", s.created_before),
        ("t.updated_at", SortKey::Updated, ">=", s.updated_from),
        ("t.updated_at", SortKey::Updated, "<", s.updated_before),
        ("t.sla_due_at", SortKey::Due, ">", s.due_after),
        ("t.sla_due_at", SortKey::Due, "<=", s.due_until),
    ] {
        if let Some(v) = v {
            let p = q.param(Bind::T(v));
            // The SLA filters are read through their index on SQLite (see `by_due`).
            let plus = if off && key != s.sort && key != SortKey::Due { "+" } else { "" };
            q.conds.push(format!("{plus}{col} {op} {p}"));
        }
    }
    if with_cursor {
        if let (true, Some((value, id))) = (s.walk_text, &s.after) {
            // The sequence is in updated order: the page goes on from the nearest ticket past
            // the cursor (the cursor's own ticket may have moved since).
            if let Some(Bind::T(v)) = sort_expr(db, SortKey::Updated).1(value) {
                let pv = q.param(Bind::T(v));
                let pi = q.param(Bind::I(*id));
                let (op, dir) = if s.desc { ("<", "DESC") } else { (">", "ASC") };
                q.conds.push(format!(
                    "f.rowid {op}= (SELECT update_seq FROM tickets WHERE (updated_at, id) {op} ({pv}, {pi}) ORDER BY updated_at {dir}, id {dir} LIMIT 1)"
                ));
            }
        } else if let Some((value, id)) = &s.after {
            let (expr, parse) = sort_expr(db, s.sort);
            // A cursor that does not fit the sort (edited by hand) restarts at the top.
            if let Some(b) = parse(value) {
                let pv = q.param(b);
                let pi = q.param(Bind::I(*id));
                let op = if s.desc { "<" } else { ">" };
                q.conds.push(format!("({expr}, t.id) {op} ({pv}, {pi})"));
            }
        }
    }
    Some(q)
}

/// Whether SQLite must read an SLA filter through its due index. Most tickets have no due
/// instant (every stopped clock clears it), so SQLite's statistics see one value covering the
/// table and judge the index useless; it then walked a million tickets to find no breach
/// (half a second a page). The index holds only tickets with a due instant, so a range on it
/// reads just those, whatever else filters. PostgreSQL's statistics know the column is mostly
/// empty and choose well.
fn by_due(db: &Db, s: &Search) -> bool {
    matches!(db, Db::Sqlite(_)) && (s.due_after.is_some() || s.due_until.is_some())
}

/// The joins of a page. On SQLite they are `CROSS JOIN`s, which SQLite reads as "keep this
/// order": tickets drive, through the index its filters and sort pick, and names are looked up
/// per row. Without it SQLite 3.46 carries a keyset cursor on `t.status_id` over to
/// `s.id` and starts from the statuses table, sorting a million rows (page 2 of the list by
/// status took 4–7 s at 1,000,000 tickets; 0.6 ms with the order kept).
fn from(db: &Db, s: &Search) -> &'static str {
    match db {
        Db::Sqlite(_) if by_due(db, s) => "FROM tickets t INDEXED BY tickets_sla_due
            CROSS JOIN customers c ON c.id = t.customer_id
            CROSS JOIN statuses s ON s.id = t.status_id
            LEFT JOIN agents a ON a.id = t.assignee_id",
        Db::Sqlite(_) if s.walk_text => "FROM tickets_fts f
            CROSS JOIN tickets t ON t.update_seq = f.rowid
            CROSS JOIN customers c ON c.id = t.customer_id
            CROSS JOIN statuses s ON s.id = t.status_id
            LEFT JOIN agents a ON a.id = t.assignee_id",
        Db::Sqlite(_) => "FROM tickets t
            CROSS JOIN customers c ON c.id = t.customer_id
            CROSS JOIN statuses s ON s.id = t.status_id
            LEFT JOIN agents a ON a.id = t.assignee_id",
        Db::Postgres(_) => "FROM tickets t
            JOIN customers c ON c.id = t.customer_id
            JOIN statuses s ON s.id = t.status_id
            LEFT JOIN agents a ON a.id = t.assignee_id",
    }
}

const COLUMNS: &str = "SELECT t.id, t.number, t.title, t.description, t.priority, t.customer_id, c.name AS customer_name,
    t.requester_id, t.assignee_id, a.name AS assignee_name, t.version, t.created_at, t.updated_at,
    s.id AS status_id, s.name AS status_name, s.category AS status_category, s.system_key AS status_key, t.sla_due_at, t.service_id, t.agreement_id";

/// Binds a list query's values. The statement is not kept prepared: PostgreSQL then plans each
/// search for its own values. A kept statement gets a generic plan after five runs, which knows
/// neither the words nor the filter values and so guesses their frequency (5,000 rows for any
/// word): a common word then built a bitmap of 60,000 tickets (35 ms) where a scan stops after
/// a thousand matches (12 ms). Planning per search costs a fraction of a millisecond.
macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q.persistent(false);
        for b in $binds {
            q = match b {
                Bind::I(v) => q.bind(*v),
                Bind::S(v) => q.bind(v.clone()),
                Bind::T(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// One page of the list for `s`.
///
/// # Errors
/// Database errors.
pub async fn page(db: &Db, s: &Search) -> Result<Vec<TicketRow>, sqlx::Error> {
    let Some(mut q) = where_clause(db, s, true) else { return Ok(Vec::new()) };
    let dir = if s.desc { "DESC" } else { "ASC" };
    // The key is unique: ordered by it alone, FTS5 gives its rows in that order and SQLite
    // adds no sort (with `t.id` after it, it would sort every match).
    let order = if s.walk_text { format!("f.rowid {dir}") } else { format!("{} {dir}, t.id {dir}", sort_expr(db, s.sort).0) };
    let limit = q.param(Bind::I(s.limit));
    let conds = if q.conds.is_empty() { String::new() } else { format!("WHERE {}", q.conds.join(" AND ")) };
    let sql = format!("{COLUMNS} {} {conds} ORDER BY {order} LIMIT {limit}", from(db, s));
    on_db!(db, |p| bind_all!(sqlx::query_as::<_, TicketRow>(&sql), &q.binds).fetch_all(p).await)
}

/// How many tickets match, counted up to `cap` (so a count never scans a million rows).
///
/// # Errors
/// Database errors.
pub async fn count_capped(db: &Db, s: &Search, cap: i64) -> Result<i64, sqlx::Error> {
    let s = &Search { walk_text: false, ..s.clone() };
    let Some(mut q) = where_clause(db, s, false) else { return Ok(0) };
    let limit = q.param(Bind::I(cap));
    let conds = if q.conds.is_empty() { String::new() } else { format!("WHERE {}", q.conds.join(" AND ")) };
    // Every filter is on the ticket row itself, so the count needs no joins.
    let table = if by_due(db, s) { "tickets t INDEXED BY tickets_sla_due" } else { "tickets t" };
    let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {table} {conds} LIMIT {limit}) capped");
    on_db!(db, |p| bind_all!(sqlx::query_scalar::<_, i64>(&sql), &q.binds).fetch_one(p).await)
}

/// How a list query is answered: its count, when that is cheap, and the page's plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// How many tickets match, exact up to the cap (a value above it means "more"); `None`
    /// when counting would cost more than the page: [`count_capped`] answers it on its own.
    pub total: Option<i64>,
    /// For [`Search::many`].
    pub many: bool,
    /// For [`Search::probe_text`].
    pub probe_text: bool,
    /// For [`Search::text_first`].
    pub text_first: bool,
    /// For [`Search::walk_text`].
    pub walk_text: bool,
}

/// Matching tickets above which a row-by-row test of the words beats collecting the matches:
/// when the `cap + 1`-th match (in the full-text index's order) comes within the first `PROBE_SPAN × (cap + 1)`
/// tickets, at least one ticket in `PROBE_SPAN` matches, so a page of 50 tests some hundreds of
/// rows (≈17 µs a seek) where collecting would gather tens of thousands of matches (≈0.25 µs
/// each). Measured at a million tickets: the two cost the same near one ticket in 16.
const PROBE_SPAN: i64 = 16;

/// PostgreSQL's selectivity for words missing from its statistics (`DEFAULT_TS_MATCH_SEL`):
/// its most-common-words list holds every word that is not rare, so an estimate this low means
/// rare words, whose few matches are best collected first. Walking the sort's index for them
/// instead (what the planner picks, taking its guess of 0.5 % for fact) read a million tickets
/// for one match: 3.5 s.
const RARE: f64 = 0.005;

/// Decides how to answer `s`, counting up to `cap` where that is cheap.
///
/// Without words, the capped count walks an index and is cheap on both backends. PostgreSQL
/// keeps statistics of the words in its `tsvector` and plans a search itself, except for rare
/// words (see [`RARE`]), whose matches are collected first and counted; for other words the
/// count is left to [`count_capped`]. SQLite knows
/// nothing of how common a word is, so the full-text index is asked first, by itself: a word
/// with at most `cap` matches drives the query through them; a common one, listed newest first
/// with nothing else asked, is walked in the full-text index itself (kept in that order);
/// otherwise it is tested per row (very common) or collected once (common) while the page walks
/// the sort's index. Its count is
/// then "more than `cap`" when nothing else narrows the search, and left to [`count_capped`]
/// when other filters do (counting those would cost several pages).
///
/// # Errors
/// Database errors.
pub async fn plan(db: &Db, s: &Search, cap: i64) -> Result<Plan, sqlx::Error> {
    let text = !words(&s.text).is_empty();
    if let (true, Db::Postgres(p)) = (text, db) {
        let only_text = Search { text: s.text.clone(), ..Search::default() };
        let rows: f64 = sqlx::query_scalar("SELECT reltuples::float8 FROM pg_class WHERE oid = 'tickets'::regclass").fetch_one(p).await?;
        if estimate(db, &only_text).await? as f64 <= RARE * rows.max(0.0) + 1.0 {
            let total = count_capped(db, &Search { text_first: true, ..s.clone() }, cap + 1).await?;
            return Ok(Plan { total: Some(total), many: false, probe_text: false, text_first: true, walk_text: false });
        }
        // Words that are not rare: the page walks an index and stops at 50, but counting tests
        // rows until a thousand match or builds the GIN bitmap of every ticket holding them
        // (30–60 ms at a million tickets, whatever the other filters).
        return Ok(Plan { total: None, many: true, probe_text: false, text_first: false, walk_text: false });
    }
    let (true, Db::Sqlite(p)) = (text, db) else {
        let total = count_capped(db, &Search { many: false, probe_text: false, text_first: false, ..s.clone() }, cap + 1).await?;
        return Ok(Plan { total: Some(total), many: total > cap, probe_text: false, text_first: false, walk_text: false });
    };
    let fts = fts5_query(&s.text);
    let (matches, last): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MAX(rowid) FROM (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH $1 ORDER BY rowid LIMIT $2)",
    )
    .bind(&fts)
    .bind(cap + 1)
    .persistent(false)
    .fetch_one(p)
    .await?;
    if matches <= cap {
        let total = count_capped(db, &Search { many: false, probe_text: false, walk_text: false, ..s.clone() }, cap + 1).await?;
        return Ok(Plan { total: Some(total), many: false, probe_text: false, text_first: false, walk_text: false });
    }
    let others = Search { text: String::new(), after: None, ..s.clone() };
    let narrowed = !others.statuses.is_empty()
        || !others.priorities.is_empty()
        || others.assignee.is_some()
        || others.customer_id.is_some()
        || [others.created_from, others.created_before, others.updated_from, others.updated_before, others.due_after, others.due_until].iter().any(Option::is_some);
    if !narrowed && s.sort == SortKey::Updated && in_update_order(p).await? {
        return Ok(Plan { total: Some(matches), many: true, probe_text: false, text_first: false, walk_text: true });
    }
    // How many tickets (in the index's order) hold the first `cap + 1` matches.
    let span = PROBE_SPAN * (cap + 1);
    let within: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE update_seq <= $1 LIMIT $2)")
        .bind(last.unwrap_or(i64::MAX))
        .bind(span + 1)
        .persistent(false)
        .fetch_one(p)
        .await?;
    // A prefix (`print*`) merges the lists of every word it begins, on every seek: never per row.
    let probe_text = !fts.contains('*') && within <= span;
    if !narrowed {
        return Ok(Plan { total: Some(matches), many: true, probe_text, text_first: false, walk_text: false });
    }
    let rest = count_capped(db, &Search { many: false, probe_text: false, ..others }, cap + 1).await?;
    Ok(Plan { total: None, many: rest > cap, probe_text, text_first: false, walk_text: false })
}

/// Whether SQLite's update sequence is in updated order (migration 0010): a write with an
/// earlier time than its neighbour's clears it.
async fn in_update_order(p: &sqlx::SqlitePool) -> Result<bool, sqlx::Error> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = 'fts_update_order'").fetch_optional(p).await?;
    Ok(v.as_deref() == Some("1"))
}

/// PostgreSQL's estimate of how many tickets match `s`, from its statistics (of each word in the
/// `tsvector` too). Chooses a plan; never what a count says.
async fn estimate(db: &Db, s: &Search) -> Result<i64, sqlx::Error> {
    let Some(q) = where_clause(db, s, false) else { return Ok(0) };
    let Db::Postgres(p) = db else { return Ok(0) };
    let conds = if q.conds.is_empty() { String::new() } else { format!("WHERE {}", q.conds.join(" AND ")) };
    let sql = format!("EXPLAIN SELECT 1 FROM tickets t {conds}");
    let top: String = bind_all!(sqlx::query_scalar::<_, String>(&sql), &q.binds).fetch_one(p).await?;
    // "Seq Scan on tickets t  (cost=0.00..74779.31 rows=67751 width=4)"
    Ok(top.split("rows=").nth(1).and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next()).and_then(|n| n.parse().ok()).unwrap_or(i64::MAX))
}

/// How many tickets match `s`, exact up to `cap` (a value above it means "more"), however
/// much it costs: the count [`plan`] leaves out, asked for on its own.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db, s: &Search, cap: i64) -> Result<i64, sqlx::Error> {
    let plan = plan(db, s, cap).await?;
    match plan.total {
        Some(n) => Ok(n),
        None => count_capped(db, &Search { many: false, probe_text: plan.probe_text, text_first: plan.text_first, ..s.clone() }, cap + 1).await,
    }
}

/// Segments the SQLite full-text index may hold before [`tidy_indexes`] merges them.
const FTS_SEGMENTS: i64 = 4;

/// Keeps the list's indexes quick to read; run hourly. FTS5 adds a segment per batch of writes
/// and merges them only now and then, so a busy or bulk-loaded index holds many; a search then
/// seeks every segment for every word (at a million tickets, ten segments made a page of a
/// common word 7× slower than one). Merges them into one when there are more than a few
/// (1.2 s at a million tickets). Then `PRAGMA optimize` refreshes the planner's statistics
/// where they went stale (SQLite's advice for long-lived connections). PostgreSQL needs
/// neither (autovacuum folds the GIN pending list and analyzes). Returns whether it merged.
///
/// # Errors
/// Database errors.
pub async fn tidy_indexes(db: &Db) -> Result<bool, sqlx::Error> {
    let Db::Sqlite(p) = db else { return Ok(false) };
    let segments: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT segid) FROM tickets_fts_idx").fetch_one(p).await?;
    let merge = segments > FTS_SEGMENTS;
    if merge {
        sqlx::query("INSERT INTO tickets_fts (tickets_fts) VALUES ('optimize')").execute(p).await?;
    }
    sqlx::query("PRAGMA optimize").execute(p).await?;
    Ok(merge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_never_become_query_syntax() {
        assert_eq!(fts5_query("VPN drops\" OR 1=1 --"), "\"vpn\" \"drops\" \"or\" \"1\" \"1\"");
        assert_eq!(tsquery("disk & full | !"), "disk & full");
        assert_eq!(fts5_query("   "), "");
        assert_eq!(tsquery("Принтер сломан"), "принтер & сломан");
        // `*` right after a word makes it a prefix; anywhere else it separates words.
        assert_eq!(fts5_query("print* * vp*n"), "\"print\"* \"vp\"* \"n\"");
        assert_eq!(tsquery("print* *x"), "print:* & x");
        assert_eq!(fts5_query("ÅÄÖ*"), "\"åäö\"*");
    }
}
