//! The access policies of the platform's kinds of record. Each module declares its own in its
//! crate's `policy` module in the same way.

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

/// Agencies are reference data: everyone reads them; the operator's admin adds them and
/// grants each the roles its users may hold.
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
        Grant::new(Admin, Update, Platform),
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

/// The audit chain's signed checkpoints: the operator's admin and any monitor read them. They
/// state entry numbers, hashes and times, nothing of a person or a record: a monitor keeps them
/// to check the log from outside.
pub static AUDIT_CHECKPOINT: KindPolicy = KindPolicy {
    kind: "audit_checkpoint",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Monitor, Read, Everyone),
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

/// The platform's kinds, for the check that no module declares one again.
pub static ALL: &[&KindPolicy] = &[
    &USER,
    &CREDENTIAL,
    &AGENCY,
    &AUDIT,
    &AUDIT_CHECKPOINT,
    &SETTINGS,
    &NOTIFICATION,
];
