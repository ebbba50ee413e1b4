//! Shared domain types: compiled into the server and into the browser alike. Pure: no I/O,
//! no cfg gates except the sqlx derives. Inputs are parsed once, at the boundary, into
//! types that cannot hold a bad value.

mod agreement;
mod catalog;
mod parse;
mod query;
mod sla;
mod views;

pub use agreement::*;
pub use catalog::*;
pub use parse::*;
pub use query::*;
pub use sla::*;
pub use views::*;

use serde::{Deserialize, Serialize};

/// What is wrong with one field, as a code the UI translates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// Empty where a value is needed.
    Required,
    /// Longer than the limit (in characters).
    TooLong(usize),
    /// Shorter than the limit (in characters).
    TooShort(usize),
    /// Not an email address.
    BadEmail,
    /// Not a known IANA timezone.
    BadTimezone,
    /// Not one of the allowed values.
    UnknownValue,
    /// Another record already uses this value.
    Taken,
    /// The referenced record does not exist or may not be used here.
    NotAvailable,
    /// The two passwords differ.
    Mismatch,
    /// Wrong email or password.
    BadCredentials,
    /// Not a wall-clock time `HH:MM` (00:00–24:00); holds what was typed.
    BadTime(String),
    /// An interval whose end is not after its start.
    EndNotAfterStart,
    /// Intervals not in time order.
    Unsorted,
    /// Intervals that overlap.
    Overlap,
    /// The numbered line is not a date.
    BadDateLine(usize),
    /// More entries than the limit.
    TooMany(usize),
    /// Not a duration (`90`, `4h`, `1h 30m`).
    BadDuration,
    /// A number outside the range.
    OutOfRange(i64, i64),
    /// A calendar without any working time.
    NoWorkingTime,
    /// A pasted or uploaded file that does not parse; holds the parser's explanation.
    BadFile(String),
    /// Still named by this many tickets (and agreements): it cannot be deleted, only
    /// deactivated.
    InUse { tickets: i64, agreements: i64 },
    /// An end date before the start date.
    EndBeforeStart,
    /// Another agreement of the customer covers the service on some of the same days (its
    /// number, e.g. `AGR-1002`): allowed once confirmed.
    OverlapsAgreement(String),
    /// Not possible in the record's present state (a start for an agreement already running).
    WrongState,
    /// No active agreement of the customer covers the request; holds who to contact about it
    /// (the account manager, "Name <email>"), empty when nobody is named.
    NotCovered(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

/// A refusal of one named field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's name, e.g. `title`.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: &str, problem: Problem) -> Self {
        Self { field: field.to_owned(), problem }
    }
}

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The stable text stored in the database and used in URLs.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }

            /// Parses the stored text.
            ///
            /// # Errors
            /// `Problem::UnknownValue` for anything else.
            pub fn parse(s: &str) -> Result<Self, Problem> {
                match s.trim() { $($s => Ok($name::$var),)+ _ => Err(Problem::UnknownValue) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What an agent may do. Each role includes the rights of the ones before it.
    Role { Agent = "agent", Manager = "manager", Admin = "admin" }
);

text_enum!(
    /// Ticket priority, most urgent first.
    Priority { Urgent = "urgent", High = "high", Normal = "normal", Low = "low" }
);

text_enum!(
    /// The category a status belongs to: what the SLA clock and the board key on.
    StatusCategory {
        New = "new",
        Active = "active",
        WaitingOnCustomer = "waiting_on_customer",
        WaitingOnThirdParty = "waiting_on_third_party",
        Resolved = "resolved",
        Closed = "closed",
    }
);

text_enum!(
    /// The UI languages. Every string exists in each of them (see `i18n`).
    Lang { En = "en", Sv = "sv", Ru = "ru", Da = "da" }
);

impl Role {
    /// Managers and admins manage policies, agreements and other agents' work.
    pub fn is_manager(self) -> bool {
        self >= Role::Manager
    }

    /// Admins manage agents and settings.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl Lang {
    /// The language's own name, for pickers.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Sv => "Svenska",
            Lang::Ru => "Русский",
            Lang::Da => "Dansk",
        }
    }

    /// Picks the first supported language from an `Accept-Language` header value.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0));
        tags.into_iter().find_map(|(_, tag)| {
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            match primary.as_str() {
                "nb" | "no" | "nn" => Some(Lang::Da),
                p => Lang::parse(p).ok(),
            }
        })
    }
}

/// Formats a ticket number for display, e.g. `ACC-1042`.
pub fn display_number(number: i64) -> String {
    format!("{TICKET_PREFIX}-{number}")
}

/// The prefix of every ticket number.
pub const TICKET_PREFIX: &str = "ACC";

/// Parses `ACC-1042` (or just `1042`) into the number.
pub fn parse_display_number(s: &str) -> Option<i64> {
    let s = s.trim();
    let digits = match s.split_once('-') {
        Some((prefix, n)) if prefix.eq_ignore_ascii_case(TICKET_PREFIX) => n,
        Some(_) => return None,
        None => s,
    };
    digits.parse().ok().filter(|n: &i64| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_quality_supported_tag() {
        assert_eq!(Lang::from_accept_language("fr-FR,sv;q=0.8,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("ru-RU,ru;q=0.9"), Some(Lang::Ru));
        assert_eq!(Lang::from_accept_language("da"), Some(Lang::Da));
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn roles_include_the_rights_below_them() {
        assert!(Role::Admin.is_manager());
        assert!(Role::Manager.is_manager());
        assert!(!Role::Agent.is_manager());
        assert!(!Role::Manager.is_admin());
    }

    #[test]
    fn display_numbers_round_trip() {
        assert_eq!(display_number(1042), "ACC-1042");
        assert_eq!(parse_display_number("ACC-1042"), Some(1042));
        assert_eq!(parse_display_number("acc-7"), Some(7));
        assert_eq!(parse_display_number("1042"), Some(1042));
        assert_eq!(parse_display_number("XYZ-1"), None);
        assert_eq!(parse_display_number("ACC-x"), None);
        assert_eq!(parse_display_number("ACC--1"), None);
    }

    #[test]
    fn text_enums_parse_only_their_values() {
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Ok(*p));
        }
        assert_eq!(Priority::parse("critical"), Err(Problem::UnknownValue));
        assert_eq!(StatusCategory::parse("waiting_on_customer"), Ok(StatusCategory::WaitingOnCustomer));
    }
}
