//! Who may exchange intelligence: the officers and analysts of law enforcement, each reading
//! what was addressed to their agency (or, under RED, to them by name) and what their agency
//! sent. Administrators, caseworkers, partner authorities of readmission and the monitor hold
//! no office here.

use accordo_domain::Role::*;
use accordo_domain::access::{Action::*, Grant, KindPolicy, Reach::*};

/// A message under its sender's handling rules. Reading one is audited (messages name
/// people), and reads by other agencies are shown to the sender. Sharing it onward with more
/// agencies (on the owner's own initiative, or granting a request) updates it: its agency's
/// officers and analysts only.
pub static INTEL_MESSAGE: KindPolicy = KindPolicy {
    kind: "intel_message",
    personal: true,
    grants: &[
        Grant::new(Officer, Read, Addressed),
        Grant::new(Analyst, Read, Addressed),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Update, OwnAgency),
        Grant::new(Analyst, Update, OwnAgency),
    ],
};

/// A request to share a record met through a hit: made by the agency that cannot read it,
/// addressed to the agency that holds it, which decides (an update of its message).
pub static INTEL_SHARE_REQUEST: KindPolicy = KindPolicy {
    kind: "intel_share_request",
    personal: false,
    grants: &[
        Grant::new(Officer, Read, Addressed),
        Grant::new(Analyst, Read, Addressed),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Create, OwnAgency),
    ],
};

/// A case: one investigation or operation, owned by the agency that opened it and read by its
/// participants. The owner's officers and analysts close it and reopen it.
pub static INTEL_CASE: KindPolicy = KindPolicy {
    kind: "intel_case",
    personal: false,
    grants: &[
        Grant::new(Officer, Read, Addressed),
        Grant::new(Analyst, Read, Addressed),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Update, OwnAgency),
        Grant::new(Analyst, Update, OwnAgency),
    ],
};

/// A hit: what an agency is told when a record it cannot read names one of its own
/// identifiers (and the other side, the same of its own). Read by the agency told.
pub static INTEL_HIT: KindPolicy = KindPolicy {
    kind: "intel_hit",
    personal: false,
    grants: &[
        Grant::new(Officer, Read, OwnAgency),
        Grant::new(Analyst, Read, OwnAgency),
    ],
};

/// A specialised unit of the partnership's network (the G7 plan): the users of every agency
/// of the partnership read the directory; an agency's officers and analysts keep its own
/// units. Not personal: a unit's contact point is a desk, its telephone and address the
/// desk's.
pub static INTEL_UNIT: KindPolicy = KindPolicy {
    kind: "intel_unit",
    personal: false,
    grants: &[
        Grant::new(Officer, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Update, OwnAgency),
        Grant::new(Analyst, Update, OwnAgency),
    ],
};

/// A joint operation (Italian and Turkish coast guards off Libya): led by the agency that
/// records it, read by the agencies taking part, whose officers and analysts record its
/// events (their own agency's records: `Create` of their agency).
pub static INTEL_OPERATION: KindPolicy = KindPolicy {
    kind: "intel_operation",
    personal: false,
    grants: &[
        Grant::new(Officer, Read, Addressed),
        Grant::new(Analyst, Read, Addressed),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Create, OwnAgency),
    ],
};

/// A course of joint training: every agency's officers and analysts read the partnership's
/// courses (not personal: a course names agencies and counts, never trainees); an agency's
/// officers and analysts record the courses it organises.
pub static INTEL_COURSE: KindPolicy = KindPolicy {
    kind: "intel_course",
    personal: false,
    grants: &[
        Grant::new(Officer, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Create, OwnAgency),
    ],
};
