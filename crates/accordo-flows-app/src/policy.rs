//! Who may read and import the flows statistics.

use accordo_domain::Role::*;
use accordo_domain::access::{Action::*, Grant, KindPolicy, Reach::*};

/// Published statistics of arrivals and detections (Italy's Interior Ministry, Frontex):
/// public figures, read by every role at work in the partnership (of the administrators, the
/// operator's, as for every pillar); imported by the operator's administrators and analysts.
pub static FLOW_STATISTIC: KindPolicy = KindPolicy {
    kind: "flow_statistic",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Officer, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Admin, Create, Platform),
        Grant::new(Analyst, Create, Platform),
    ],
};
