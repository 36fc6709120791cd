//! The access policies of the foundation's kinds of record. Modules declare theirs in
//! their own `policy` module in the same way.

use accordo_domain::Role::*;
use accordo_domain::access::{Action::*, Grant, KindPolicy, Reach::*};

/// User accounts. An agency's admin manages its own agency; the operator's admin all.
pub static USER: KindPolicy = KindPolicy {
    kind: "user",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, OwnAgency),
        Grant::new(Admin, Read, Platform),
        Grant::new(Admin, Create, OwnAgency),
        Grant::new(Admin, Create, Platform),
        Grant::new(Admin, Update, OwnAgency),
        Grant::new(Admin, Update, Platform),
    ],
};

/// Sessions and API tokens: each user their own; admins those of their users.
pub static CREDENTIAL: KindPolicy = KindPolicy {
    kind: "credential",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, OwnAgency),
        Grant::new(Admin, Read, Platform),
        Grant::new(Admin, Delete, OwnAgency),
        Grant::new(Admin, Delete, Platform),
        Grant::new(Admin, Read, Itself),
        Grant::new(Admin, Create, Itself),
        Grant::new(Admin, Delete, Itself),
        Grant::new(Analyst, Read, Itself),
        Grant::new(Analyst, Create, Itself),
        Grant::new(Analyst, Delete, Itself),
        Grant::new(Officer, Read, Itself),
        Grant::new(Officer, Create, Itself),
        Grant::new(Officer, Delete, Itself),
        Grant::new(Caseworker, Read, Itself),
        Grant::new(Caseworker, Create, Itself),
        Grant::new(Caseworker, Delete, Itself),
        Grant::new(PartnerAuthority, Read, Itself),
        Grant::new(PartnerAuthority, Create, Itself),
        Grant::new(PartnerAuthority, Delete, Itself),
        Grant::new(Monitor, Read, Itself),
        Grant::new(Monitor, Create, Itself),
        Grant::new(Monitor, Delete, Itself),
        Grant::new(Employer, Read, Itself),
        Grant::new(Employer, Create, Itself),
        Grant::new(Employer, Delete, Itself),
    ],
};

/// Agencies are reference data: everyone reads them; the operator's admin adds them.
pub static AGENCY: KindPolicy = KindPolicy {
    kind: "agency",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Officer, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(Employer, Read, Everyone),
        Grant::new(Admin, Create, Platform),
    ],
};

/// The audit log: the operator's admin all of it, an agency admin its agency's actors,
/// the monitor the entries about the kinds in its mandate.
pub static AUDIT: KindPolicy = KindPolicy {
    kind: "audit",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Admin, Read, OwnAgency),
        Grant::new(Admin, Export, Platform),
        Grant::new(Admin, Export, OwnAgency),
        Grant::new(Monitor, Read, Mandate),
        Grant::new(Monitor, Export, Mandate),
    ],
};

/// Platform settings: retention periods and the second-factor policy per role.
pub static SETTINGS: KindPolicy = KindPolicy {
    kind: "settings",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Admin, Update, Platform),
    ],
};

/// Notifications to an agency: its own users read and mark them.
pub static NOTIFICATION: KindPolicy = KindPolicy {
    kind: "notification",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, OwnAgency),
        Grant::new(Analyst, Read, OwnAgency),
        Grant::new(Officer, Read, OwnAgency),
        Grant::new(Caseworker, Read, OwnAgency),
        Grant::new(PartnerAuthority, Read, OwnAgency),
        Grant::new(Monitor, Read, OwnAgency),
        Grant::new(Employer, Read, OwnAgency),
        Grant::new(Admin, Update, OwnAgency),
        Grant::new(Analyst, Update, OwnAgency),
        Grant::new(Officer, Update, OwnAgency),
        Grant::new(Caseworker, Update, OwnAgency),
        Grant::new(PartnerAuthority, Update, OwnAgency),
        Grant::new(Employer, Update, OwnAgency),
    ],
};

/// Reports in the shared register of lost, stolen and forged documents. Each is owned by the
/// reporting agency, which alone lists its notes and withdraws it (the operator's admin sees
/// all); every partner's checks read the register through `DOCUMENT_CHECK`.
pub static DOCUMENT_REPORT: KindPolicy = KindPolicy {
    kind: "document_report",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, OwnAgency),
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, OwnAgency),
        Grant::new(Officer, Read, OwnAgency),
        Grant::new(Admin, Create, OwnAgency),
        Grant::new(Admin, Create, Platform),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Admin, Delete, OwnAgency),
        Grant::new(Analyst, Delete, OwnAgency),
        Grant::new(Officer, Delete, OwnAgency),
    ],
};

/// Checking a document against the MRZ rules, the register and the alerts: border police,
/// caseworkers, analysts, administrators and the partners' authorities.
pub static DOCUMENT_CHECK: KindPolicy = KindPolicy {
    kind: "document_check",
    personal: false,
    grants: &[
        Grant::new(Admin, Create, Everyone),
        Grant::new(Analyst, Create, Everyone),
        Grant::new(Officer, Create, Everyone),
        Grant::new(Caseworker, Create, Everyone),
        Grant::new(PartnerAuthority, Create, Everyone),
    ],
};

/// Forgery alerts: published by an agency's officers, analysts and admins; read under TLP
/// by whoever checks documents (CLEAR and GREEN by all, AMBER by the addressed agencies or
/// countries, AMBER+STRICT by the addressed agencies, RED by the addressed users).
pub static FORGERY_ALERT: KindPolicy = KindPolicy {
    kind: "forgery_alert",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Shared),
        Grant::new(Analyst, Read, Shared),
        Grant::new(Officer, Read, Shared),
        Grant::new(Caseworker, Read, Shared),
        Grant::new(PartnerAuthority, Read, Shared),
        Grant::new(Admin, Create, OwnAgency),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Admin, Delete, OwnAgency),
        Grant::new(Analyst, Delete, OwnAgency),
        Grant::new(Officer, Delete, OwnAgency),
    ],
};

/// Return cases: the person, their legal situation, the steps towards return. Personal:
/// every read is audited. The caseworkers of the owning agency handle them; the partner
/// authority sees a case only through the requests addressed to it, the monitor only
/// through the centres it monitors (without names).
pub static RETURN_CASE: KindPolicy = KindPolicy {
    kind: "return_case",
    personal: true,
    grants: &[
        Grant::new(Caseworker, Read, OwnAgency),
        Grant::new(Caseworker, Create, OwnAgency),
        Grant::new(Caseworker, Update, OwnAgency),
        Grant::new(Admin, Read, OwnAgency),
    ],
};

/// Readmission requests: sent by the case's agency, addressed to the partner's central
/// authority, which alone (with the sender) reads them, replies, and records the travel
/// document it issues.
pub static READMISSION_REQUEST: KindPolicy = KindPolicy {
    kind: "readmission_request",
    personal: true,
    grants: &[
        Grant::new(Caseworker, Read, OwnAgency),
        Grant::new(Caseworker, Create, OwnAgency),
        Grant::new(Caseworker, Update, OwnAgency),
        Grant::new(Admin, Read, OwnAgency),
        Grant::new(PartnerAuthority, Read, Addressed),
        Grant::new(PartnerAuthority, Update, Addressed),
    ],
};

/// Readmission agreements' terms: read by everyone who works with them; the operator's
/// administrator edits them (each edit a new version).
pub static READMISSION_AGREEMENT: KindPolicy = KindPolicy {
    kind: "readmission_agreement",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(Admin, Update, Platform),
    ],
};

/// Centres: capacity, occupancy, stays and safeguard records, without names. The host
/// state's caseworkers and analysts read them; the independent monitor reads the centres
/// addressed to it (those it monitors) and writes nothing.
pub static CENTRE: KindPolicy = KindPolicy {
    kind: "centre",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(Monitor, Read, Addressed),
        Grant::new(Admin, Create, Platform),
    ],
};

/// Cooperation index scores, one per partner country. Each score is shared with its own
/// country (AMBER, addressed to the country): a partner authority reads its own score and
/// how it was made, the host state's analysts and administrators and the monitor read all.
pub static COOPERATION_INDEX: KindPolicy = KindPolicy {
    kind: "cooperation_index",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Shared),
    ],
};

/// The index's policy (indicators, weights, normalisation, targets): public to everyone
/// measured by it; a new version is made by the operator's administrator or analyst.
pub static COOPERATION_POLICY: KindPolicy = KindPolicy {
    kind: "cooperation_policy",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Admin, Create, Platform),
        Grant::new(Analyst, Create, Platform),
    ],
};

/// Indicators entered by hand (campaigns, trainings, departures prevented), with a source:
/// by the ministry (the operator's administrators and analysts).
pub static COOPERATION_INDICATOR: KindPolicy = KindPolicy {
    kind: "cooperation_indicator",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, Platform),
        Grant::new(Admin, Create, Platform),
        Grant::new(Analyst, Create, Platform),
    ],
};

/// Quota allocations: published ones are public to the partnership (employers included);
/// the ministry computes what-ifs and publishes.
pub static QUOTA_ALLOCATION: KindPolicy = KindPolicy {
    kind: "quota_allocation",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Employer, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(Admin, Create, Platform),
        Grant::new(Analyst, Create, Platform),
    ],
};
