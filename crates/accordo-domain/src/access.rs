//! The one access decision: [`can`]`(actor, action, resource)`.
//!
//! A role grants an action on a kind of record with a *reach* (whose records). Ownership,
//! addressees and the TLP handling code then decide on which records the grant applies.
//! Each module declares its kinds as `static` [`KindPolicy`] values next to its domain
//! code, so adding a module adds policies and touches no other module.
//!
//! The store applies the same reaches as SQL filters (see `accordo_store::scope`), so a
//! list never returns a record that `can` would refuse; the access matrix test proves the two
//! agree.

use serde::Serialize;
use uuid::Uuid;

use crate::codes::{AgencyCode, CountryCode};
use crate::role::{Role, RoleSet};
use crate::tlp::Handling;

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
    Export,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Export => "export",
        }
    }
}

/// Whose records a grant covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Records the actor's own agency owns.
    OwnAgency,
    /// Records about the actor themself (their own account, sessions, tokens).
    Itself,
    /// Records the TLP handling code and the addressees let the actor's agency see
    /// (plus the agency's own).
    Shared,
    /// Only records explicitly addressed to the actor's agency or to the actor (plus the
    /// agency's own): what a partner authority sees.
    Addressed,
    /// Every record of the kind, if the actor's agency is the platform operator.
    Platform,
    /// Every record of the kind, if the actor's agency belongs to the host state (the
    /// operator's country): the host state's immigration offices, police and analysts.
    HostState,
    /// Every record of the kind, if the kind is in the mandate of the actor's agency (the
    /// independent monitor). Never grants a write.
    Mandate,
    /// Every record of the kind, for anyone holding the role (reference data).
    Everyone,
}

/// One line of a kind's policy: `role` may do `action` within `reach`.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    pub role: Role,
    pub action: Action,
    pub reach: Reach,
}

impl Grant {
    pub const fn new(role: Role, action: Action, reach: Reach) -> Self {
        Self {
            role,
            action,
            reach,
        }
    }
}

/// The access policy of one kind of record.
#[derive(Debug)]
pub struct KindPolicy {
    /// Stable machine name, also used in the audit log (`user`, `api_token`, `return_case`).
    pub kind: &'static str,
    /// Reading one record of this kind reads a person's data: it is audited.
    pub personal: bool,
    pub grants: &'static [Grant],
}

/// Someone addressed by a shared record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "code", rename_all = "snake_case")]
pub enum Addressee {
    Agency(AgencyCode),
    Country(CountryCode),
    User(Uuid),
}

/// The facts about one record that access depends on.
#[derive(Debug, Clone)]
pub struct RecordScope {
    pub owner_agency: AgencyCode,
    pub handling: Handling,
    pub addressees: Vec<Addressee>,
    /// The person the record is about when that person is a user (their account, token,
    /// session), for [`Reach::Itself`].
    pub subject_user: Option<Uuid>,
}

impl RecordScope {
    /// A record that belongs to one agency and is shared with nobody.
    pub fn owned_by(agency: AgencyCode) -> Self {
        Self {
            owner_agency: agency,
            handling: Handling::Red,
            addressees: Vec::new(),
            subject_user: None,
        }
    }

    pub fn about_user(mut self, user: Uuid) -> Self {
        self.subject_user = Some(user);
        self
    }
}

/// What an action is about: a kind, and a record of it or the collection as a whole
/// (listing, creating).
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub policy: &'static KindPolicy,
    pub record: Option<&'a RecordScope>,
}

impl<'a> Resource<'a> {
    pub fn collection(policy: &'static KindPolicy) -> Self {
        Self {
            policy,
            record: None,
        }
    }

    pub fn record(policy: &'static KindPolicy, record: &'a RecordScope) -> Self {
        Self {
            policy,
            record: Some(record),
        }
    }
}

/// The signed-in user an action is taken for.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub username: String,
    pub agency: AgencyCode,
    /// `None` for an international body such as UNHCR.
    pub country: Option<CountryCode>,
    pub roles: RoleSet,
    /// The actor's agency operates the platform (the host state's ministry).
    pub operator: bool,
    /// The actor's agency belongs to the host state (the operator's country).
    pub host_state: bool,
    /// Kinds of record the actor's agency monitors (the independent monitor's mandate).
    pub mandate: Vec<String>,
}

/// Why [`can`] said no.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("none of your roles may {action} records of kind `{kind}`")]
    NoGrant {
        action: &'static str,
        kind: &'static str,
    },
    #[error("this `{kind}` record is not within your reach")]
    OutOfReach { kind: &'static str },
}

/// The access decision. Every handler asks it; the store's filters mirror it.
pub fn can(actor: &Actor, action: Action, resource: Resource<'_>) -> Result<(), Denied> {
    let policy = resource.policy;
    let mut granted = policy
        .grants
        .iter()
        .filter(|g| g.action == action && actor.roles.contains(g.role))
        .filter(|g| {
            !(g.reach == Reach::Mandate && action != Action::Read && action != Action::Export)
        })
        .peekable();
    if granted.peek().is_none() {
        return Err(Denied::NoGrant {
            action: action.as_str(),
            kind: policy.kind,
        });
    }
    let Some(record) = resource.record else {
        // The collection: the grant lets the actor ask; the store's filter decides what
        // the answer holds. Platform and mandate reaches need the agency to qualify.
        return if granted.any(|g| reach_applies_to_collection(actor, policy, g.reach)) {
            Ok(())
        } else {
            Err(Denied::OutOfReach { kind: policy.kind })
        };
    };
    if granted.any(|g| reaches(actor, policy, g.reach, record)) {
        Ok(())
    } else {
        Err(Denied::OutOfReach { kind: policy.kind })
    }
}

/// What an actor may reach of one kind of record for one action: the one shape every list
/// query takes. Only [`scope`] builds one, after asking [`can`], so a store function that takes
/// a `Scope` cannot be handed a reach nobody granted. Its fields are private:
///
/// ```compile_fail
/// let forged = accordo_domain::Scope { actor: todo!(), kind: "user", reaches: vec![] };
/// ```
#[derive(Debug, Clone)]
pub struct Scope {
    actor: Actor,
    kind: &'static str,
    reaches: Vec<Reach>,
}

impl Scope {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The kind of record (`KindPolicy::kind`).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    pub fn reaches(&self) -> &[Reach] {
        &self.reaches
    }

    pub fn has(&self, reach: Reach) -> bool {
        self.reaches.contains(&reach)
    }
}

/// The actor's scope over the collection of `policy` for `action`, or the refusal when it may
/// not act on that collection at all.
pub fn scope(actor: &Actor, action: Action, policy: &'static KindPolicy) -> Result<Scope, Denied> {
    can(actor, action, Resource::collection(policy))?;
    Ok(Scope {
        actor: actor.clone(),
        kind: policy.kind,
        reaches: reaches_for(actor, action, policy),
    })
}

/// The reaches the actor holds for `action` on `policy`'s kind: what the store filters on.
pub fn reaches_for(actor: &Actor, action: Action, policy: &'static KindPolicy) -> Vec<Reach> {
    let mut out: Vec<Reach> = policy
        .grants
        .iter()
        .filter(|g| g.action == action && actor.roles.contains(g.role))
        .map(|g| g.reach)
        .filter(|r| reach_applies_to_collection(actor, policy, *r))
        .collect();
    out.dedup();
    out
}

fn reach_applies_to_collection(actor: &Actor, policy: &KindPolicy, reach: Reach) -> bool {
    match reach {
        Reach::Platform => actor.operator,
        Reach::HostState => actor.host_state,
        Reach::Mandate => in_mandate(actor, policy),
        _ => true,
    }
}

fn in_mandate(actor: &Actor, policy: &KindPolicy) -> bool {
    actor.mandate.iter().any(|k| k == policy.kind)
}

fn reaches(actor: &Actor, policy: &KindPolicy, reach: Reach, record: &RecordScope) -> bool {
    let own = record.owner_agency == actor.agency;
    match reach {
        Reach::OwnAgency => own,
        Reach::Itself => record.subject_user == Some(actor.user_id),
        Reach::Shared => own || tlp_allows(actor, record),
        Reach::Addressed => own || explicitly_addressed(actor, record),
        Reach::Platform => actor.operator,
        Reach::HostState => actor.host_state,
        Reach::Mandate => in_mandate(actor, policy),
        Reach::Everyone => true,
    }
}

/// Whether TLP 2.0 lets a record of another agency reach the actor.
pub fn tlp_allows(actor: &Actor, record: &RecordScope) -> bool {
    let to_agency = record
        .addressees
        .iter()
        .any(|a| matches!(a, Addressee::Agency(code) if *code == actor.agency));
    let to_country = record
        .addressees
        .iter()
        .any(|a| matches!(a, Addressee::Country(c) if Some(*c) == actor.country));
    let to_user = addressed_to_user(actor, record);
    match record.handling {
        Handling::Clear | Handling::Green => true,
        Handling::Amber => to_agency || to_country || to_user,
        Handling::AmberStrict => to_agency || to_user,
        Handling::Red => to_user,
    }
}

fn addressed_to_user(actor: &Actor, record: &RecordScope) -> bool {
    record
        .addressees
        .iter()
        .any(|a| matches!(a, Addressee::User(u) if *u == actor.user_id))
}

/// Addressed by name (agency or user), whatever the handling: a partner authority's inbox.
/// A RED record still needs the user by name.
fn explicitly_addressed(actor: &Actor, record: &RecordScope) -> bool {
    if record.handling == Handling::Red {
        return addressed_to_user(actor, record);
    }
    addressed_to_user(actor, record)
        || record
            .addressees
            .iter()
            .any(|a| matches!(a, Addressee::Agency(code) if *code == actor.agency))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(code: &str) -> AgencyCode {
        AgencyCode::parse(code).unwrap()
    }

    fn actor(code: &str, country: Option<&str>, roles: &[Role]) -> Actor {
        Actor {
            user_id: Uuid::from_u128(
                code.bytes()
                    .fold(roles.len() as u128, |h, b| h * 131 + b as u128),
            ),
            username: format!("{code}.user"),
            agency: agency(code),
            country: country.map(|c| CountryCode::parse(c).unwrap()),
            roles: roles.iter().copied().collect(),
            operator: code == "IT-MI",
            host_state: country == Some("ITA"),
            mandate: if code == "UNHCR" {
                vec!["report".into()]
            } else {
                vec![]
            },
        }
    }

    static REPORT: KindPolicy = KindPolicy {
        kind: "report",
        personal: false,
        grants: &[
            Grant::new(Role::Officer, Action::Read, Reach::Shared),
            Grant::new(Role::Officer, Action::Create, Reach::OwnAgency),
            Grant::new(Role::Officer, Action::Update, Reach::OwnAgency),
            Grant::new(Role::PartnerAuthority, Action::Read, Reach::Addressed),
            Grant::new(Role::Monitor, Action::Read, Reach::Mandate),
            Grant::new(Role::Monitor, Action::Update, Reach::Mandate),
            Grant::new(Role::Admin, Action::Delete, Reach::Platform),
        ],
    };

    fn report(owner: &str, handling: Handling, to: Vec<Addressee>) -> RecordScope {
        RecordScope {
            owner_agency: agency(owner),
            handling,
            addressees: to,
            subject_user: None,
        }
    }

    #[test]
    fn tlp_table() {
        let esp = actor("ES-PN", Some("ESP"), &[Role::Officer]);
        let grc = actor("GR-HP", Some("GRC"), &[Role::Officer]);
        let to_esp_agency = vec![Addressee::Agency(agency("ES-PN"))];
        let to_esp_country = vec![Addressee::Country(CountryCode::parse("ESP").unwrap())];
        let to_esp_user = vec![Addressee::User(esp.user_id)];
        // (handling, addressees, may ESP read, may GRC read)
        let cases = [
            (Handling::Clear, vec![], true, true),
            (Handling::Green, vec![], true, true),
            (Handling::Amber, vec![], false, false),
            (Handling::Amber, to_esp_agency.clone(), true, false),
            (Handling::Amber, to_esp_country.clone(), true, false),
            (Handling::AmberStrict, to_esp_agency.clone(), true, false),
            (Handling::AmberStrict, to_esp_country.clone(), false, false),
            (Handling::Red, to_esp_agency.clone(), false, false),
            (Handling::Red, to_esp_country, false, false),
            (Handling::Red, to_esp_user, true, false),
        ];
        for (handling, to, esp_may, grc_may) in cases {
            let rec = report("IT-PS", handling, to.clone());
            let res = Resource::record(&REPORT, &rec);
            assert_eq!(
                can(&esp, Action::Read, res).is_ok(),
                esp_may,
                "ESP {handling} {to:?}"
            );
            assert_eq!(
                can(&grc, Action::Read, res).is_ok(),
                grc_may,
                "GRC {handling} {to:?}"
            );
        }
    }

    #[test]
    fn owner_always_reads_and_only_owner_writes() {
        let owner = actor("IT-PS", Some("ITA"), &[Role::Officer]);
        let other = actor("ES-PN", Some("ESP"), &[Role::Officer]);
        let rec = report("IT-PS", Handling::Green, vec![]);
        let res = Resource::record(&REPORT, &rec);
        assert!(can(&owner, Action::Read, res).is_ok());
        assert!(can(&owner, Action::Update, res).is_ok());
        assert!(
            can(&other, Action::Read, res).is_ok(),
            "GREEN reaches the community"
        );
        assert_eq!(
            can(&other, Action::Update, res),
            Err(Denied::OutOfReach { kind: "report" })
        );
    }

    #[test]
    fn partner_authority_sees_only_what_is_addressed() {
        let pak = actor("PK-MOI", Some("PAK"), &[Role::PartnerAuthority]);
        let green = report("IT-PS", Handling::Green, vec![]);
        let to_pak = report(
            "IT-PS",
            Handling::Amber,
            vec![Addressee::Agency(agency("PK-MOI"))],
        );
        let to_tun = report(
            "IT-PS",
            Handling::Amber,
            vec![Addressee::Agency(agency("TN-MI"))],
        );
        let to_pak_country = report(
            "IT-PS",
            Handling::Amber,
            vec![Addressee::Country(CountryCode::parse("PAK").unwrap())],
        );
        assert!(can(&pak, Action::Read, Resource::record(&REPORT, &green)).is_err());
        assert!(can(&pak, Action::Read, Resource::record(&REPORT, &to_pak)).is_ok());
        assert!(can(&pak, Action::Read, Resource::record(&REPORT, &to_tun)).is_err());
        assert!(
            can(
                &pak,
                Action::Read,
                Resource::record(&REPORT, &to_pak_country)
            )
            .is_err(),
            "a partner authority needs its agency named, not its country"
        );
    }

    #[test]
    fn monitor_reads_its_mandate_and_writes_nothing() {
        let unhcr = actor("UNHCR", None, &[Role::Monitor]);
        let rec = report("IT-PS", Handling::Amber, vec![]);
        let res = Resource::record(&REPORT, &rec);
        assert!(can(&unhcr, Action::Read, res).is_ok());
        assert!(
            can(&unhcr, Action::Update, res).is_err(),
            "a mandate never grants a write"
        );
        let mut outside = unhcr.clone();
        outside.mandate.clear();
        assert!(can(&outside, Action::Read, res).is_err());
    }

    #[test]
    fn no_grant_is_named() {
        let employer = actor("IT-EMP", Some("ITA"), &[Role::Employer]);
        assert_eq!(
            can(&employer, Action::Read, Resource::collection(&REPORT)),
            Err(Denied::NoGrant {
                action: "read",
                kind: "report"
            })
        );
    }

    #[test]
    fn platform_reach_needs_the_operator() {
        let op = actor("IT-MI", Some("ITA"), &[Role::Admin]);
        let not_op = actor("PK-FIA", Some("PAK"), &[Role::Admin]);
        let rec = report("ES-PN", Handling::Red, vec![]);
        assert!(can(&op, Action::Delete, Resource::record(&REPORT, &rec)).is_ok());
        assert!(can(&not_op, Action::Delete, Resource::record(&REPORT, &rec)).is_err());
        assert!(can(&not_op, Action::Delete, Resource::collection(&REPORT)).is_err());
        assert_eq!(
            reaches_for(&op, Action::Delete, &REPORT),
            vec![Reach::Platform]
        );
        assert!(reaches_for(&not_op, Action::Delete, &REPORT).is_empty());
    }

    #[test]
    fn host_state_reach_needs_an_agency_of_the_host_state() {
        static CENTRES: KindPolicy = KindPolicy {
            kind: "centre",
            personal: false,
            grants: &[Grant::new(Role::Caseworker, Action::Read, Reach::HostState)],
        };
        let host = actor("IT-UI", Some("ITA"), &[Role::Caseworker]);
        let partner = actor("PK-MOI", Some("PAK"), &[Role::Caseworker]);
        let rec = report("IT-MI", Handling::AmberStrict, vec![]);
        assert!(can(&host, Action::Read, Resource::record(&CENTRES, &rec)).is_ok());
        assert!(can(&partner, Action::Read, Resource::record(&CENTRES, &rec)).is_err());
        assert!(can(&partner, Action::Read, Resource::collection(&CENTRES)).is_err());
        assert_eq!(
            reaches_for(&host, Action::Read, &CENTRES),
            vec![Reach::HostState]
        );
    }
}
