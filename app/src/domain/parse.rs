//! Wire forms (strings, as browsers send them) and the parsed inputs built from them.
//! `TryFrom<…Form>` is the one place input is checked; everything past it holds good values.

use serde::{Deserialize, Serialize};

use super::{FieldError, Lang, Priority, Problem, Role};

/// Trims `s` and checks its length in characters.
pub(crate) fn text(field: &str, s: &str, min: usize, max: usize, errs: &mut Vec<FieldError>) -> String {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 && min > 0 {
        errs.push(FieldError::new(field, Problem::Required));
    } else if n < min {
        errs.push(FieldError::new(field, Problem::TooShort(min)));
    } else if n > max {
        errs.push(FieldError::new(field, Problem::TooLong(max)));
    }
    t.to_owned()
}

/// Parses an optional id: empty means none.
pub(crate) fn opt_id(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(v) if v > 0 => Some(v),
        _ => {
            errs.push(FieldError::new(field, Problem::UnknownValue));
            None
        }
    }
}

fn req_id(field: &str, s: &str, errs: &mut Vec<FieldError>) -> i64 {
    match opt_id(field, s, errs) {
        Some(v) => v,
        None => {
            if !errs.iter().any(|e| e.field == field) {
                errs.push(FieldError::new(field, Problem::Required));
            }
            0
        }
    }
}

fn enum_field<T>(field: &str, s: &str, parse: fn(&str) -> Result<T, Problem>, errs: &mut Vec<FieldError>) -> Option<T> {
    match parse(s) {
        Ok(v) => Some(v),
        Err(p) => {
            errs.push(FieldError::new(field, p));
            None
        }
    }
}

pub(crate) fn done<T>(errs: Vec<FieldError>, v: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
    if errs.is_empty() { Ok(v()) } else { Err(errs) }
}

/// An email address: trimmed, lower-cased, one `@` with text on both sides and a dot after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = Problem;

    fn try_from(s: String) -> Result<Self, Problem> {
        let t = s.trim().to_lowercase();
        if t.is_empty() {
            return Err(Problem::Required);
        }
        if t.chars().count() > 254 {
            return Err(Problem::TooLong(254));
        }
        let ok = match t.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !t.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
            }
            None => false,
        };
        if ok { Ok(Email(t)) } else { Err(Problem::BadEmail) }
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

fn email(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Email {
    match Email::try_from(s.to_owned()) {
        Ok(e) => e,
        Err(p) => {
            errs.push(FieldError::new(field, p));
            Email(String::new())
        }
    }
}

/// The largest attachment accepted, in bytes (10 MB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The longest description or comment accepted, in characters.
pub const MAX_BODY: usize = 50_000;

/// A new ticket as the browser sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NewTicketForm {
    pub customer_id: String,
    #[serde(default)]
    pub requester_id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub priority: String,
    #[serde(default)]
    pub assignee_id: String,
    /// The service it is about, or empty.
    #[serde(default)]
    pub service_id: String,
    /// Another of the customer's active agreements than the one that started last, or empty.
    #[serde(default)]
    pub agreement_id: String,
    /// Why it is opened although no active agreement covers it (agents only), or empty.
    #[serde(default)]
    pub override_reason: String,
}

/// A new ticket, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTicket {
    pub customer_id: i64,
    pub requester_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub priority: Priority,
    pub assignee_id: Option<i64>,
    pub service_id: Option<i64>,
    /// An agreement picked instead of the one that started last.
    pub agreement_id: Option<i64>,
    /// Why it is opened without an agreement that covers it.
    pub override_reason: Option<String>,
}

impl TryFrom<NewTicketForm> for NewTicket {
    type Error = Vec<FieldError>;

    fn try_from(f: NewTicketForm) -> Result<Self, Self::Error> {
        let mut errs = Vec::new();
        let customer_id = req_id("customer_id", &f.customer_id, &mut errs);
        let requester_id = opt_id("requester_id", &f.requester_id, &mut errs);
        let title = text("title", &f.title, 1, 200, &mut errs);
        let description = text("description", &f.description, 0, MAX_BODY, &mut errs);
        let priority = enum_field("priority", &f.priority, Priority::parse, &mut errs);
        let assignee_id = opt_id("assignee_id", &f.assignee_id, &mut errs);
        let service_id = opt_id("service_id", &f.service_id, &mut errs);
        let agreement_id = opt_id("agreement_id", &f.agreement_id, &mut errs);
        let reason = text("override_reason", &f.override_reason, 0, 500, &mut errs);
        done(errs, || NewTicket {
            agreement_id,
            override_reason: Some(reason).filter(|r| !r.is_empty()),
            customer_id,
            requester_id,
            title,
            description,
            priority: priority.unwrap_or(Priority::Normal),
            assignee_id,
            service_id,
        })
    }
}

/// An edit of a ticket as the browser sends it: only the fields the agent changed are
/// present, with the version the agent read.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TicketEditForm {
    pub version: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status_id: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    /// Empty string: unassign.
    #[serde(default)]
    pub assignee_id: Option<String>,
}

/// A checked ticket edit. `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TicketEdit {
    pub version: i64,
    pub title: Option<String>,
    pub description: Option<String>,
    pub status_id: Option<i64>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<Option<i64>>,
}

impl TryFrom<TicketEditForm> for TicketEdit {
    type Error = Vec<FieldError>;

    fn try_from(f: TicketEditForm) -> Result<Self, Self::Error> {
        let mut errs = Vec::new();
        let title = f.title.map(|t| text("title", &t, 1, 200, &mut errs));
        let description = f.description.map(|d| text("description", &d, 0, MAX_BODY, &mut errs));
        let status_id = f.status_id.map(|s| req_id("status_id", &s, &mut errs));
        let priority = f.priority.and_then(|p| enum_field("priority", &p, Priority::parse, &mut errs));
        let assignee_id = f.assignee_id.map(|a| opt_id("assignee_id", &a, &mut errs));
        done(errs, || TicketEdit { version: f.version, title, description, status_id, priority, assignee_id })
    }
}

impl TicketEdit {
    /// True when the edit changes nothing.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.description.is_none()
            && self.status_id.is_none()
            && self.priority.is_none()
            && self.assignee_id.is_none()
    }
}

/// A comment as the browser sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CommentForm {
    pub body: String,
    /// "true"/"on" for an internal note; anything else is a public reply.
    #[serde(default)]
    pub internal: String,
}

/// A checked comment.
#[derive(Clone, Debug, PartialEq)]
pub struct NewComment {
    pub body: String,
    pub internal: bool,
}

impl TryFrom<CommentForm> for NewComment {
    type Error = Vec<FieldError>;

    fn try_from(f: CommentForm) -> Result<Self, Self::Error> {
        let mut errs = Vec::new();
        let body = text("body", &f.body, 1, MAX_BODY, &mut errs);
        let internal = matches!(f.internal.trim(), "true" | "on" | "1");
        done(errs, || NewComment { body, internal })
    }
}

/// A customer as the browser sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CustomerForm {
    pub name: String,
    pub timezone: String,
}

/// A checked customer. The timezone is checked against the tz database on the server.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerInput {
    pub name: String,
    pub timezone: String,
}

impl TryFrom<CustomerForm> for CustomerInput {
    type Error = Vec<FieldError>;

    fn try_from(f: CustomerForm) -> Result<Self, Self::Error> {
        let mut errs = Vec::new();
        let name = text("name", &f.name, 1, 120, &mut errs);
        let timezone = text("timezone", &f.timezone, 1, 64, &mut errs);
        done(errs, || CustomerInput { name, timezone })
    }
}

/// A customer's contact as the browser sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ContactForm {
    pub name: String,
    pub email: String,
    pub language: String,
}

/// A checked contact.
#[derive(Clone, Debug, PartialEq)]
pub struct ContactInput {
    pub name: String,
    pub email: Email,
    pub language: Lang,
}

impl TryFrom<ContactForm> for ContactInput {
    type Error = Vec<FieldError>;

    fn try_from(f: ContactForm) -> Result<Self, Self::Error> {
        let mut errs = Vec::new();
        let name = text("name", &f.name, 1, 120, &mut errs);
        let email = email("email", &f.email, &mut errs);
        let language = enum_field("language", &f.language, Lang::parse, &mut errs);
        done(errs, || ContactInput { name, email, language: language.unwrap_or(Lang::En) })
    }
}

/// An invitation of a new agent.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct InviteForm {
    pub email: String,
    pub name: String,
    pub role: String,
}

/// A checked invitation.
#[derive(Clone, Debug, PartialEq)]
pub struct Invite {
    pub email: Email,
    pub name: String,
    pub role: Role,
}

impl TryFrom<InviteForm> for Invite {
    type Error = Vec<FieldError>;

    fn try_from(f: InviteForm) -> Result<Self, Self::Error> {
        let mut errs = Vec::new();
        let email = email("email", &f.email, &mut errs);
        let name = text("name", &f.name, 1, 120, &mut errs);
        let role = enum_field("role", &f.role, Role::parse, &mut errs);
        done(errs, || Invite { email, name, role: role.unwrap_or(Role::Agent) })
    }
}

/// An agent's own profile.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ProfileForm {
    pub name: String,
    pub language: String,
    pub timezone: String,
}

/// A checked profile.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileInput {
    pub name: String,
    pub language: Lang,
    pub timezone: String,
}

impl TryFrom<ProfileForm> for ProfileInput {
    type Error = Vec<FieldError>;

    fn try_from(f: ProfileForm) -> Result<Self, Self::Error> {
        let mut errs = Vec::new();
        let name = text("name", &f.name, 1, 120, &mut errs);
        let language = enum_field("language", &f.language, Lang::parse, &mut errs);
        let timezone = text("timezone", &f.timezone, 1, 64, &mut errs);
        done(errs, || ProfileInput { name, language: language.unwrap_or(Lang::En), timezone })
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// Checks a new password and its confirmation.
///
/// # Errors
/// Field errors on `password` (too short, too long) or `confirm` (differs).
pub fn check_new_password(password: &str, confirm: &str) -> Result<(), Vec<FieldError>> {
    let mut errs = Vec::new();
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        errs.push(FieldError::new("password", Problem::TooShort(MIN_PASSWORD)));
    } else if n > 200 {
        errs.push(FieldError::new("password", Problem::TooLong(200)));
    } else if password != confirm {
        errs.push(FieldError::new("confirm", Problem::Mismatch));
    }
    done(errs, || ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket_form() -> NewTicketForm {
        NewTicketForm {
            customer_id: "3".into(),
            requester_id: "".into(),
            title: "  Printer on fire  ".into(),
            description: "It **burns**".into(),
            priority: "high".into(),
            assignee_id: "".into(),
            service_id: "".into(),
            agreement_id: "".into(),
            override_reason: "".into(),
        }
    }

    #[test]
    fn new_ticket_is_trimmed_and_parsed() {
        let t = NewTicket::try_from(ticket_form()).unwrap();
        assert_eq!(t.title, "Printer on fire");
        assert_eq!(t.customer_id, 3);
        assert_eq!(t.requester_id, None);
        assert_eq!(t.priority, Priority::High);
    }

    #[test]
    fn new_ticket_reports_every_bad_field_at_once() {
        let f = NewTicketForm { customer_id: "".into(), title: " ".into(), priority: "asap".into(), assignee_id: "x".into(), ..ticket_form() };
        let errs = NewTicket::try_from(f).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.problem.clone())).collect();
        assert_eq!(
            fields,
            vec![
                ("customer_id", Problem::Required),
                ("title", Problem::Required),
                ("priority", Problem::UnknownValue),
                ("assignee_id", Problem::UnknownValue),
            ]
        );
    }

    #[test]
    fn title_over_200_characters_is_refused() {
        let f = NewTicketForm { title: "é".repeat(201), ..ticket_form() };
        assert_eq!(NewTicket::try_from(f).unwrap_err()[0].problem, Problem::TooLong(200));
        let f = NewTicketForm { title: "é".repeat(200), ..ticket_form() };
        assert!(NewTicket::try_from(f).is_ok());
    }

    #[test]
    fn edit_with_empty_assignee_means_unassign() {
        let f = TicketEditForm { version: 4, assignee_id: Some("".into()), ..Default::default() };
        let e = TicketEdit::try_from(f).unwrap();
        assert_eq!(e.assignee_id, Some(None));
        assert!(!e.is_empty());
        assert!(TicketEdit::try_from(TicketEditForm { version: 1, ..Default::default() }).unwrap().is_empty());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::try_from(" Anna@Example.COM ".to_string()).unwrap().as_str(), "anna@example.com");
        for bad in ["", "anna", "anna@", "@example.com", "anna@example", "a b@example.com", "a@b@c.se", "anna@.se"] {
            assert!(Email::try_from(bad.to_string()).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn comment_internal_flag_accepts_checkbox_values() {
        let c = NewComment::try_from(CommentForm { body: "hi".into(), internal: "on".into() }).unwrap();
        assert!(c.internal);
        let c = NewComment::try_from(CommentForm { body: "hi".into(), internal: "".into() }).unwrap();
        assert!(!c.internal);
        assert!(NewComment::try_from(CommentForm { body: "   ".into(), internal: "".into() }).is_err());
    }

    #[test]
    fn passwords_need_length_and_matching_confirmation() {
        assert!(check_new_password("short", "short").is_err());
        assert_eq!(check_new_password("long enough pw", "other").unwrap_err()[0].field, "confirm");
        assert!(check_new_password("long enough pw", "long enough pw").is_ok());
    }
}
