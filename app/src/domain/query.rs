//! The ticket list's query: filters, sort and keyset cursor, and its URL form, so a view can
//! be bookmarked and shared. Pure and shared: the page builds links with it, the server
//! parses the same URL with it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Priority;

/// Who a ticket is assigned to, as a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssigneeFilter {
    /// The viewer.
    Me,
    /// Nobody.
    Unassigned,
    /// One agent.
    Agent(i64),
}

/// A column the list can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    Number,
    Title,
    Status,
    Priority,
    Customer,
    Assignee,
    Created,
    #[default]
    Updated,
    /// The soonest SLA due instant of a clock not stopped; tickets without one come last.
    Due,
}

/// Tickets by where their SLA stands now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlaFilter {
    /// A clock not stopped is past its due instant.
    Breached,
    /// Not breached, and a clock not stopped is due within this many minutes.
    DueWithin(i64),
}

impl SlaFilter {
    /// The choices the filter bar offers.
    pub const CHOICES: [SlaFilter; 4] = [SlaFilter::Breached, SlaFilter::DueWithin(60), SlaFilter::DueWithin(240), SlaFilter::DueWithin(1440)];

    /// The URL form: `breached`, or `60m` for due within an hour.
    pub fn as_param(self) -> String {
        match self {
            SlaFilter::Breached => "breached".into(),
            SlaFilter::DueWithin(m) => format!("{m}m"),
        }
    }

    fn parse(s: &str) -> Option<SlaFilter> {
        match s {
            "breached" => Some(SlaFilter::Breached),
            _ => s.strip_suffix('m').and_then(|m| m.parse().ok()).filter(|m: &i64| (1..=525_600).contains(m)).map(SlaFilter::DueWithin),
        }
    }
}

impl SortKey {
    /// Every sortable column.
    pub const ALL: [SortKey; 9] = [
        SortKey::Number,
        SortKey::Title,
        SortKey::Status,
        SortKey::Priority,
        SortKey::Customer,
        SortKey::Assignee,
        SortKey::Created,
        SortKey::Updated,
        SortKey::Due,
    ];

    /// The name used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Number => "number",
            SortKey::Title => "title",
            SortKey::Status => "status",
            SortKey::Priority => "priority",
            SortKey::Customer => "customer",
            SortKey::Assignee => "assignee",
            SortKey::Created => "created",
            SortKey::Updated => "updated",
            SortKey::Due => "due",
        }
    }

    fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The direction a click on the column header starts with: newest and most urgent first.
    pub fn default_desc(self) -> bool {
        matches!(self, SortKey::Number | SortKey::Created | SortKey::Updated)
    }
}

/// Where the previous page ended: the sort value and id of its last row. Opaque to the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub value: String,
    pub id: i64,
}

/// Everything that decides which tickets a list page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketQuery {
    pub statuses: Vec<i64>,
    pub priorities: Vec<Priority>,
    pub assignee: Option<AssigneeFilter>,
    pub customer_id: Option<i64>,
    /// Words to find in title and description (full-text).
    pub text: String,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    pub updated_from: Option<NaiveDate>,
    pub updated_to: Option<NaiveDate>,
    pub sla: Option<SlaFilter>,
    pub sort: SortKey,
    pub desc: bool,
    pub after: Option<Cursor>,
}

fn ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).filter(|x: &i64| *x > 0).collect()
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b':' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Decodes a percent-encoded query component (`+` is a space).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl TicketQuery {
    /// A fresh query: everything, most recently updated first.
    pub fn new() -> Self {
        TicketQuery { desc: true, ..Default::default() }
    }

    /// Reads the query from URL parameters. Unknown or malformed values are ignored, never
    /// an error: a bookmarked link with a removed status still opens.
    pub fn from_params<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let mut q = TicketQuery::new();
        if let Some(v) = get("status") {
            q.statuses = ids(v);
        }
        if let Some(v) = get("priority") {
            q.priorities = v.split(',').filter_map(|p| Priority::parse(p).ok()).collect();
        }
        q.assignee = match get("assignee") {
            Some("me") => Some(AssigneeFilter::Me),
            Some("none") => Some(AssigneeFilter::Unassigned),
            Some(v) => v.parse().ok().filter(|x: &i64| *x > 0).map(AssigneeFilter::Agent),
            None => None,
        };
        q.customer_id = get("customer").and_then(|v| v.parse().ok()).filter(|x: &i64| *x > 0);
        q.text = get("q").map(|v| v.trim().chars().take(200).collect()).unwrap_or_default();
        q.created_from = get("created_from").and_then(date);
        q.created_to = get("created_to").and_then(date);
        q.updated_from = get("updated_from").and_then(date);
        q.updated_to = get("updated_to").and_then(date);
        q.sla = get("sla").and_then(SlaFilter::parse);
        if let Some(k) = get("sort").and_then(SortKey::parse) {
            q.sort = k;
            q.desc = k.default_desc();
        }
        match get("dir") {
            Some("asc") => q.desc = false,
            Some("desc") => q.desc = true,
            _ => {}
        }
        q.after = get("after").and_then(|v| {
            let (id, value) = v.split_once(':')?;
            Some(Cursor { id: id.parse().ok()?, value: value.to_owned() })
        });
        q
    }

    /// The URL parameters of this query (without the cursor unless it is set), in a fixed
    /// order so equal queries give equal links.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let join = |v: Vec<String>| v.join(",");
        if !self.statuses.is_empty() {
            out.push(("status", join(self.statuses.iter().map(i64::to_string).collect())));
        }
        if !self.priorities.is_empty() {
            out.push(("priority", join(self.priorities.iter().map(|p| p.as_str().to_owned()).collect())));
        }
        match self.assignee {
            Some(AssigneeFilter::Me) => out.push(("assignee", "me".into())),
            Some(AssigneeFilter::Unassigned) => out.push(("assignee", "none".into())),
            Some(AssigneeFilter::Agent(id)) => out.push(("assignee", id.to_string())),
            None => {}
        }
        if let Some(c) = self.customer_id {
            out.push(("customer", c.to_string()));
        }
        if !self.text.is_empty() {
            out.push(("q", self.text.clone()));
        }
        for (k, v) in [
            ("created_from", self.created_from),
            ("created_to", self.created_to),
            ("updated_from", self.updated_from),
            ("updated_to", self.updated_to),
        ] {
            if let Some(d) = v {
                out.push((k, d.format("%Y-%m-%d").to_string()));
            }
        }
        if let Some(f) = self.sla {
            out.push(("sla", f.as_param()));
        }
        if self.sort != SortKey::Updated || !self.desc {
            out.push(("sort", self.sort.as_str().into()));
            if self.desc != self.sort.default_desc() {
                out.push(("dir", if self.desc { "desc" } else { "asc" }.into()));
            }
        }
        if let Some(c) = &self.after {
            out.push(("after", format!("{}:{}", c.id, c.value)));
        }
        out
    }

    /// The list's address for this query.
    pub fn href(&self, path: &str) -> String {
        let params = self.to_params();
        if params.is_empty() {
            return path.to_owned();
        }
        let qs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        format!("{path}?{}", qs.join("&"))
    }

    /// The query as a URL query string (without `?`).
    pub fn to_query_string(&self) -> String {
        self.to_params().iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }

    /// Reads a URL query string; repeated keys (`status=1&status=2`) add up.
    pub fn from_query_string(qs: &str) -> Self {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for kv in qs.trim_start_matches('?').split('&').filter(|kv| !kv.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let (k, v) = (decode(k), decode(v));
            match pairs.iter_mut().find(|(key, _)| *key == k) {
                Some((_, existing)) => {
                    existing.push(',');
                    existing.push_str(&v);
                }
                None => pairs.push((k, v)),
            }
        }
        TicketQuery::from_params(|k| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str()))
    }

    /// The same filters from the first page on.
    pub fn first_page(&self) -> TicketQuery {
        TicketQuery { after: None, ..self.clone() }
    }

    /// The same filters sorted by `key`: a second click on the current column flips the order.
    pub fn sorted_by(&self, key: SortKey) -> TicketQuery {
        let desc = if self.sort == key { !self.desc } else { key.default_desc() };
        TicketQuery { sort: key, desc, after: None, ..self.clone() }
    }

    /// Whether any filter (not sort) is set.
    pub fn is_filtered(&self) -> bool {
        !self.statuses.is_empty()
            || !self.priorities.is_empty()
            || self.assignee.is_some()
            || self.customer_id.is_some()
            || !self.text.is_empty()
            || self.created_from.is_some()
            || self.created_to.is_some()
            || self.updated_from.is_some()
            || self.updated_to.is_some()
            || self.sla.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(qs: &str) -> TicketQuery {
        let map: HashMap<&str, &str> = qs.split('&').filter_map(|kv| kv.split_once('=')).collect();
        TicketQuery::from_params(|k| map.get(k).copied())
    }

    #[test]
    fn a_query_survives_the_round_trip_through_its_url() {
        let q = parse("status=1,3&priority=urgent,high&assignee=me&customer=2&q=vpn&created_from=2026-11-01&updated_to=2026-11-20&sla=240m&sort=priority&dir=desc&after=17:2");
        assert_eq!(q.sla, Some(SlaFilter::DueWithin(240)));
        assert_eq!(q.statuses, [1, 3]);
        assert_eq!(q.priorities, [Priority::Urgent, Priority::High]);
        assert_eq!(q.assignee, Some(AssigneeFilter::Me));
        assert_eq!(q.sort, SortKey::Priority);
        assert!(q.desc);
        assert_eq!(q.after, Some(Cursor { id: 17, value: "2".into() }));
        let href = q.href("/tickets");
        let again = parse(href.trim_start_matches("/tickets?"));
        assert_eq!(again, q);
    }

    #[test]
    fn bad_values_are_ignored_not_fatal() {
        let q = parse("status=x,2,-1&priority=asap&assignee=bob&customer=0&created_from=yesterday&sla=soon&sort=colour&after=nope");
        assert_eq!(q.sla, None);
        assert_eq!(parse("sla=0m").sla, None);
        assert_eq!(parse("sla=breached&sort=due").sla, Some(SlaFilter::Breached));
        assert_eq!((parse("sort=due").sort, parse("sort=due").desc), (SortKey::Due, false), "most urgent first");
        assert_eq!(q.statuses, [2]);
        assert!(q.priorities.is_empty());
        assert_eq!(q.assignee, None);
        assert_eq!(q.customer_id, None);
        assert_eq!(q.created_from, None);
        assert_eq!(q.sort, SortKey::Updated);
        assert_eq!(q.after, None);
    }

    #[test]
    fn the_default_query_has_a_clean_url() {
        assert_eq!(TicketQuery::new().href("/tickets"), "/tickets");
        assert_eq!(parse(""), TicketQuery::new());
    }

    #[test]
    fn clicking_a_column_sorts_then_flips_and_restarts_paging() {
        let mut q = TicketQuery::new();
        q.after = Some(Cursor { id: 5, value: "x".into() });
        let by_title = q.sorted_by(SortKey::Title);
        assert_eq!((by_title.sort, by_title.desc, by_title.after.clone()), (SortKey::Title, false, None));
        let flipped = by_title.sorted_by(SortKey::Title);
        assert!(flipped.desc);
        assert_eq!(flipped.href("/tickets"), "/tickets?sort=title&dir=desc");
    }

    #[test]
    fn query_strings_decode_and_repeat() {
        let q = TicketQuery::from_query_string("?q=disk+%26%20full&status=1&status=2&priority=high&bad=%zz&x=%");
        assert_eq!(q.text, "disk & full");
        assert_eq!(q.statuses, [1, 2]);
        assert_eq!(TicketQuery::from_query_string(&q.to_query_string()), q);
        assert_eq!(decode("%D0%BF%D1%80"), "пр");
        assert_eq!(decode("100%"), "100%");
    }

    #[test]
    fn text_is_encoded_in_links() {
        let q = TicketQuery { text: "disk & full".into(), ..TicketQuery::new() };
        assert_eq!(q.href("/tickets"), "/tickets?q=disk%20%26%20full");
    }
}
