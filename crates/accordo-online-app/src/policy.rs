//! Who works on the virtual dimension: the officers and analysts of the partners' internet
//! referral units. Each agency keeps its own captures (they name accounts, which may be
//! people's: every opening is audited); every unit sees that an address was referred (by whom
//! only where the referrer allows) and the partnership's removal figures; the bank's hits are
//! told to the two agencies concerned.

use accordo_domain::Role::*;
use accordo_domain::access::{Action::*, Grant, KindPolicy, Reach::*};

/// A captured post: its agency's officers and analysts record it, read it and decide on it.
pub static ONLINE_ITEM: KindPolicy = KindPolicy {
    kind: "online_item",
    personal: true,
    grants: &[
        Grant::new(Officer, Read, OwnAgency),
        Grant::new(Analyst, Read, OwnAgency),
        Grant::new(Officer, Create, OwnAgency),
        Grant::new(Analyst, Create, OwnAgency),
        Grant::new(Officer, Update, OwnAgency),
        Grant::new(Analyst, Update, OwnAgency),
    ],
};

/// A referral to a platform: every unit reads that it exists and how it ended; the referring
/// agency's officers and analysts export its notice and record the platform's answers.
pub static ONLINE_REFERRAL: KindPolicy = KindPolicy {
    kind: "online_referral",
    personal: false,
    grants: &[
        Grant::new(Officer, Read, Everyone),
        Grant::new(Analyst, Read, Everyone),
        Grant::new(Officer, Update, OwnAgency),
        Grant::new(Analyst, Update, OwnAgency),
    ],
};

/// A hit of the shared bank: read by the agency told.
pub static ONLINE_BANK_HIT: KindPolicy = KindPolicy {
    kind: "online_bank_hit",
    personal: false,
    grants: &[
        Grant::new(Officer, Read, OwnAgency),
        Grant::new(Analyst, Read, OwnAgency),
    ],
};
