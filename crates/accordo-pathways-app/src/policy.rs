//! Who works on the legal pathways: employers pre-fill and submit their own applications; the
//! host state's labour offices (caseworkers) read every application and record its path; a
//! partner's authorities read the applications of their nationals (AMBER, shared with their
//! country) and run the pre-departure courses; the ministry (the operator's
//! administrators) opens the click-day windows and assigns the places. The windows, their
//! counts and the share of quotas that became permits are read by everyone at work.

use accordo_domain::Role::*;
use accordo_domain::access::{Action::*, Grant, KindPolicy, Reach::*};

/// A click-day window: its instant, its places and shares, its count.
pub static PATHWAYS_WINDOW: KindPolicy = KindPolicy {
    kind: "pathways_window",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Officer, Read, Everyone),
        Grant::new(Caseworker, Read, Everyone),
        Grant::new(PartnerAuthority, Read, Everyone),
        Grant::new(Monitor, Read, Everyone),
        Grant::new(Employer, Read, Everyone),
        Grant::new(Admin, Create, Platform),
        Grant::new(Admin, Update, Platform),
    ],
};

/// An application: it names a worker, so every opening is audited. Updating it is recording
/// its path after the click day: the host state's offices'.
pub static PATHWAYS_APPLICATION: KindPolicy = KindPolicy {
    kind: "pathways_application",
    personal: true,
    grants: &[
        Grant::new(Employer, Read, OwnAgency),
        Grant::new(Employer, Create, OwnAgency),
        Grant::new(Caseworker, Read, HostState),
        Grant::new(Caseworker, Update, HostState),
        Grant::new(PartnerAuthority, Read, Shared),
    ],
};

/// A pre-departure course with its trainees and their certificates: the partner's
/// authorities run their own; the host state's labour offices read them.
pub static PATHWAYS_COURSE: KindPolicy = KindPolicy {
    kind: "pathways_course",
    personal: true,
    grants: &[
        Grant::new(PartnerAuthority, Read, OwnAgency),
        Grant::new(PartnerAuthority, Create, OwnAgency),
        Grant::new(PartnerAuthority, Update, OwnAgency),
        Grant::new(Caseworker, Read, HostState),
    ],
};

/// Submitting an application on the click day: its employer's alone (a labour office that
/// may update an application to record its path does not submit it).
pub static PATHWAYS_SUBMISSION: KindPolicy = KindPolicy {
    kind: "pathways_submission",
    personal: false,
    grants: &[Grant::new(Employer, Create, OwnAgency)],
};
