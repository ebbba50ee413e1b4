//! What the server sends to pages: plain data, times already rendered in the viewer's
//! timezone and language (so the browser needs no timezone database).

use serde::{Deserialize, Serialize};

use super::{Lang, Priority, Role, StatusCategory};

/// An instant as shown to one viewer: `text` in their timezone and language, `iso` in UTC
/// for `<time datetime>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub text: String,
    pub iso: String,
}

/// Who is signed in, as the page needs it. Embedded in every page so the browser knows it
/// at hydration without a round trip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub agent_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub language: Lang,
    pub timezone: String,
}

/// A status, as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusView {
    pub id: i64,
    pub name: String,
    pub category: StatusCategory,
    /// Set for the built-in statuses, whose names are translated.
    pub system_key: Option<String>,
}

/// One row of the ticket list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketListItem {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: StatusView,
    pub priority: Priority,
    pub customer_id: i64,
    pub customer_name: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub updated: Shown,
    /// Seconds since it was opened, when the server answered (a board card's age).
    pub age_secs: i64,
    /// What a change must name so a stale one is refused.
    pub version: i64,
    /// Whether the viewer may change its fields (move it on the board).
    pub can_edit: bool,
    /// Its most pressing SLA clock not stopped, counted on live by the page.
    pub sla: Option<super::SlaCountdown>,
}

/// One column of the board: a status and the first tickets in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub status: StatusView,
    pub items: Vec<TicketListItem>,
    /// Where the column's next page starts, if it has one.
    pub next: Option<super::Cursor>,
    /// How many tickets the column holds, exact up to [`COUNT_CAP`]; `None` when counting
    /// would cost more than the cards (the `tickets/count` server function answers it).
    pub total: Option<i64>,
}

/// The board: a column per status the filter admits, each paged on its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    pub columns: Vec<BoardColumn>,
    /// The working spans the cards' countdowns count over.
    pub calendars: Vec<super::CalendarSpans>,
}

/// Cards a board column shows before "show more".
pub const BOARD_PAGE: i64 = 25;
/// The most cards one board column request returns (a live refresh asks for as many as shown).
pub const BOARD_MAX: i64 = 500;

/// A ticket's age as a short text: `12m`, `5h`, `3d`.
pub fn age_text(secs: i64) -> String {
    let m = secs.max(0) / 60;
    if m < 60 {
        format!("{m}m")
    } else if m < 48 * 60 {
        format!("{}h", m / 60)
    } else {
        format!("{}d", m / (24 * 60))
    }
}

/// A page of the filtered, sorted ticket list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketSearchPage {
    pub items: Vec<TicketListItem>,
    /// Where the next page starts, if there is one.
    pub next: Option<super::Cursor>,
    /// How many tickets match, exact up to [`COUNT_CAP`]; `None` when counting would cost more
    /// than the page (the `tickets/count` server function answers it).
    pub total: Option<i64>,
    /// The working spans the rows' countdowns count over.
    pub calendars: Vec<super::CalendarSpans>,
}

/// What a bulk change did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkOutcome {
    /// Display numbers of the tickets changed.
    pub updated: Vec<String>,
    /// Display numbers of the tickets left as they were (no right, changed meanwhile, bad value).
    pub refused: Vec<String>,
}

/// The most tickets one bulk change touches.
pub const BULK_MAX: usize = 200;

/// Counts above this are shown as "1,000+": exact counts of huge lists are not cheap.
pub const COUNT_CAP: i64 = 1000;

/// One comment on a ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub internal: bool,
    pub body_html: String,
    pub at: Shown,
    pub attachments: Vec<AttachmentView>,
}

/// A file attached to a ticket or a comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub filename: String,
    pub size: i64,
    pub url: String,
}

/// What one change did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    Created,
    Changed { field: String, old: Option<String>, new: Option<String> },
    Commented { internal: bool },
    Attached { filename: String },
    /// An SLA clock reached its warning point (`breach: false`) or its due instant.
    Sla { target: crate::sla::Target, breach: bool },
    /// The ticket's SLA terms switched (see [`crate::domain::TermsSwitch`]).
    SlaTerms { from: Option<crate::domain::TermsRef>, to: Option<crate::domain::TermsRef>, level: Option<crate::domain::PolicyLevel> },
    /// Opened under another of the customer's agreements than the one that started last
    /// (their numbers).
    AgreementChosen { instead_of: String, chosen: String },
    /// Opened although no active agreement covers it, for this reason.
    CoverageOverride { reason: String },
    /// Its agreement expired while it was open; it keeps the terms it was opened under.
    AgreementExpired { number: String },
}

/// One entry of a ticket's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub actor: String,
    pub at: Shown,
    pub kind: EventKind,
}

/// Everything the ticket page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub status: StatusView,
    pub priority: Priority,
    pub customer_id: i64,
    pub customer_name: String,
    pub requester: Option<ContactView>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub version: i64,
    pub created: Shown,
    pub updated: Shown,
    pub comments: Vec<CommentView>,
    pub events: Vec<EventView>,
    pub attachments: Vec<AttachmentView>,
    /// Whether the viewer may edit the fields (not only comment).
    pub can_edit: bool,
    /// Its SLA policy and clocks, when a policy applies.
    pub sla: Option<super::TicketSlaView>,
    /// The service it is about: (id, name).
    pub service: Option<(i64, String)>,
    /// The agreement it falls under: (id, number, title, status).
    pub agreement: Option<(i64, String, String, crate::domain::AgreementStatus)>,
}

/// A customer's contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub language: Lang,
}

/// A customer (project) in lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    pub open_tickets: i64,
    pub contacts: i64,
}

/// The customer page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerView {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    pub contacts: Vec<ContactView>,
    pub recent_tickets: Vec<TicketListItem>,
    pub open_tickets: i64,
    pub created: Shown,
    /// Its own SLA policy (`None`: it follows the corporate default).
    pub sla_policy_id: Option<i64>,
    /// Policies to choose from: (id, name, is the default).
    pub policies: Vec<(i64, String, bool)>,
    /// Its agreements, by end date.
    pub agreements: Vec<super::AgreementSummary>,
    /// The services its active agreements cover: what its contacts may ask for now.
    pub requestable: Vec<String>,
}

/// An agent, as lists and pickers show them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub language: Lang,
    pub timezone: String,
    /// True while the agent has not yet chosen a password.
    pub invited: bool,
}

/// What the new-ticket form offers to pick from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketFormOptions {
    pub customers: Vec<CustomerChoice>,
    pub agents: Vec<AgentView>,
    /// (id, name) of the active services.
    pub services: Vec<(i64, String)>,
}

/// A customer with its contacts, for the new-ticket form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerChoice {
    pub id: i64,
    pub name: String,
    pub contacts: Vec<ContactView>,
    /// What its agreements let it ask for now.
    pub cover: crate::domain::Cover,
}

/// A one-time link an admin hands to an invited agent (or one whose password was reset).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteLink {
    pub agent_id: i64,
    pub name: String,
    pub url: String,
}

/// What an in-app notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeKind {
    /// An SLA clock reached its warning point.
    SlaWarning,
    /// An SLA clock passed its due instant.
    SlaBreach,
    /// An agreement the agent manages ends soon.
    AgreementExpiry,
}

impl NoticeKind {
    /// The stored name (also the history event's kind).
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::SlaWarning => "sla_warning",
            NoticeKind::SlaBreach => "sla_breach",
            NoticeKind::AgreementExpiry => "agreement_expiry",
        }
    }

    /// The kind a stored name stands for.
    pub fn parse(s: &str) -> Option<Self> {
        [NoticeKind::SlaWarning, NoticeKind::SlaBreach, NoticeKind::AgreementExpiry].into_iter().find(|k| k.as_str() == s)
    }
}

/// One notification in an agent's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    /// The ticket's number (`ACC-1042`), or the agreement's (`AGR-1002`).
    pub ticket_number: String,
    pub ticket_title: String,
    /// Where it links to.
    pub href: String,
    /// For an agreement's expiry: the days left when it was sent.
    pub days: Option<i64>,
    pub kind: NoticeKind,
    pub target: Option<crate::sla::Target>,
    /// The due instant (or warning point) it is about.
    pub due: Option<Shown>,
    pub at: Shown,
    pub read: bool,
}

/// An agent's latest notifications and how many are unread in all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NotificationList {
    pub items: Vec<NotificationView>,
    pub unread: i64,
}
