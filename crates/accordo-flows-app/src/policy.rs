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

/// Events at the border recorded on the platform (a landing, an interception, a rescue, a
/// detection, a prevented departure): recorded and withdrawn by the officers and analysts of
/// the reporting agency; read under TLP by the officers, analysts and authorities it shares
/// them with (CLEAR and GREEN by all, AMBER by the addressed agencies or countries,
/// AMBER+STRICT by the addressed agencies). No administrator reads them by office: TLP names
/// their readers. Their sums are statistics (source `PLATFORM`), read as `FLOW_STATISTIC`,
/// counting what TLP lets each reader count.
pub static FLOW_EVENT: KindPolicy = KindPolicy {
    kind: "flow_event",
    personal: false,
    grants: &[
        Grant::new(Analyst, Read, Shared),
        Grant::new(Officer, Read, Shared),
        Grant::new(PartnerAuthority, Read, Shared),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Delete, OwnAgency),
        Grant::new(Officer, Delete, OwnAgency),
    ],
};
