//! Who may do what with the documents pillar's records.

use accordo_domain::Role::*;
use accordo_domain::access::{Action::*, Grant, KindPolicy, Reach::*};

/// Reports in the shared register of lost, stolen and forged documents. Each is owned by the
/// reporting agency, which alone lists its notes and withdraws it (the operator's admin reads
/// all); every partner's checks read the register through `DOCUMENT_CHECK`.
pub static DOCUMENT_REPORT: KindPolicy = KindPolicy {
    kind: "document_report",
    personal: false,
    grants: &[
        Grant::new(Admin, Read, Platform),
        Grant::new(Analyst, Read, OwnAgency),
        Grant::new(Officer, Read, OwnAgency),
        // The operator's import of another agency's register (`accordo documents import`).
        Grant::new(Admin, Create, Platform),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Delete, OwnAgency),
        Grant::new(Officer, Delete, OwnAgency),
    ],
};

/// Checking a document against the MRZ rules, the register and the alerts: border police,
/// caseworkers, analysts, the operator's administrators and the partners' authorities.
pub static DOCUMENT_CHECK: KindPolicy = KindPolicy {
    kind: "document_check",
    personal: false,
    grants: &[
        Grant::new(Admin, Create, Platform),
        Grant::new(Analyst, Create, Everyone),
        Grant::new(Officer, Create, Everyone),
        Grant::new(Caseworker, Create, Everyone),
        Grant::new(PartnerAuthority, Create, Everyone),
    ],
};

/// Forgery alerts: published by an agency's officers and analysts; read under TLP by whoever
/// checks documents (CLEAR and GREEN by all, AMBER by the addressed agencies or countries,
/// AMBER+STRICT by the addressed agencies, RED by the addressed users). No administrator
/// reads them by office: TLP names its readers.
pub static FORGERY_ALERT: KindPolicy = KindPolicy {
    kind: "forgery_alert",
    personal: false,
    grants: &[
        Grant::new(Analyst, Read, Shared),
        Grant::new(Officer, Read, Shared),
        Grant::new(Caseworker, Read, Shared),
        Grant::new(PartnerAuthority, Read, Shared),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Delete, OwnAgency),
        Grant::new(Officer, Delete, OwnAgency),
    ],
};
