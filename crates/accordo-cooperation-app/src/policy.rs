//! Who may read and change the cooperation index, its policy and the quota allocations.

use accordo_domain::Role::*;
use accordo_domain::access::{Action::*, Grant, KindPolicy, Reach::*};

/// Cooperation index scores, one per partner country. Each score is shared with its own
/// country (AMBER, addressed to the country): a partner authority reads its own score and
/// how it was made; the host state's analysts, the operator's administrators and a monitor
/// whose mandate names the index read all.
pub static COOPERATION_INDEX: KindPolicy = KindPolicy {
    kind: "cooperation_index",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, HostState),
        Grant::new(Monitor, Read, Mandate),
        Grant::new(PartnerAuthority, Read, Shared),
    ],
};

/// The index's policy (indicators, weights, normalisation, targets): public to everyone
/// measured by it; a new version is made by the operator's administrator or analyst.
pub static COOPERATION_POLICY: KindPolicy = KindPolicy {
    kind: "cooperation_policy",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
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
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Employer, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(Admin, Create, Platform),
        Grant::new(Analyst, Create, Platform),
    ],
};
