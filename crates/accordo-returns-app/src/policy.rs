//! Who may do what with return cases, readmission requests, agreements and centres.

use accordo_domain::Role::*;
use accordo_domain::access::{Action::*, Grant, KindPolicy, Reach::*};

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
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(Admin, Update, Platform),
    ],
};

/// Centres: capacity, occupancy, stays and safeguard records, without names. The host
/// state's caseworkers and analysts and the operator's administrators read them; the
/// independent monitor reads the centres addressed to it (those it monitors) and writes
/// nothing.
pub static CENTRE: KindPolicy = KindPolicy {
    kind: "centre",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, HostState),
        Grant::new(Caseworker, Read, HostState),
        Grant::new(Monitor, Read, Addressed),
        Grant::new(Admin, Create, Platform),
    ],
};
