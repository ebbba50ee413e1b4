//! The service catalog: what we sell support for, as the browser sends and sees it.

use serde::{Deserialize, Serialize};

use super::parse::{done, opt_id, text};
use super::FieldError;

/// A service as the browser sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ServiceForm {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    /// A policy id, or empty: none of its own.
    #[serde(default)]
    pub sla_policy_id: String,
}

/// A checked service.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceInput {
    pub name: String,
    pub description: String,
    pub category: String,
    pub sla_policy_id: Option<i64>,
}

impl TryFrom<ServiceForm> for ServiceInput {
    type Error = Vec<FieldError>;

    fn try_from(f: ServiceForm) -> Result<Self, Self::Error> {
        let mut errs = Vec::new();
        let name = text("name", &f.name, 1, 120, &mut errs);
        let description = text("description", &f.description, 0, 4000, &mut errs);
        let category = text("category", &f.category, 0, 80, &mut errs);
        let sla_policy_id = opt_id("sla_policy_id", &f.sla_policy_id, &mut errs);
        done(errs, || ServiceInput { name, description, category, sla_policy_id })
    }
}

/// A service in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category: String,
    pub sla_policy_id: Option<i64>,
    pub policy_name: Option<String>,
    pub active: bool,
    /// Tickets that name it (a service in use cannot be deleted).
    pub tickets: i64,
}

/// The catalog page's data: the services, and the policies a service may default to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub services: Vec<ServiceView>,
    /// (id, name) of every SLA policy.
    pub policies: Vec<(i64, String)>,
    /// Whether the viewer may change the catalog (managers and admins).
    pub can_edit: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Problem;

    #[test]
    fn a_service_needs_a_name_and_a_real_policy_id() {
        let ok = ServiceInput::try_from(ServiceForm { name: "  Hosting ".into(), category: "Operations".into(), sla_policy_id: "".into(), ..Default::default() }).unwrap();
        assert_eq!((ok.name.as_str(), ok.category.as_str(), ok.sla_policy_id), ("Hosting", "Operations", None));
        let errs = ServiceInput::try_from(ServiceForm { name: " ".into(), sla_policy_id: "gold".into(), category: "x".repeat(81), ..Default::default() }).unwrap_err();
        let problems: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.problem.clone())).collect();
        assert_eq!(problems, vec![("name", Problem::Required), ("category", Problem::TooLong(80)), ("sla_policy_id", Problem::UnknownValue)]);
    }
}
