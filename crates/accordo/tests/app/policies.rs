//! The access policies of the platform and of every module, read as a whole: which kinds
//! any holder of a role reaches wherever its agency is, and what an administrator may do in
//! the pillars.

use std::collections::BTreeSet;

use accordo_domain::access::{KindPolicy, Reach};
use accordo_domain::{Action, Role};

fn platform_and_modules() -> Vec<(&'static str, &'static KindPolicy)> {
    let mut all: Vec<(&str, &KindPolicy)> = accordo_service::policy::ALL
        .iter()
        .map(|p| ("platform", *p))
        .collect();
    for module in accordo::MODULES {
        all.extend(module.core.policies.iter().map(|p| (module.core.name, *p)));
    }
    all
}

/// Every grant that reaches a kind's records at every agency, for whoever holds the role,
/// with why: reference data and published material. A new one fails this test until it is
/// named here.
const EVERYONE: &[(&str, Action, &[Role], &str)] = &[
    (
        "flow_statistic",
        Action::Read,
        &[
            Role::Analyst,
            Role::Officer,
            Role::Caseworker,
            Role::PartnerAuthority,
            Role::Monitor,
        ],
        "published statistics of arrivals and detections: public figures, nobody's records",
    ),
    (
        "agency",
        Action::Read,
        &[
            Role::Admin,
            Role::Analyst,
            Role::Officer,
            Role::Caseworker,
            Role::PartnerAuthority,
            Role::Monitor,
            Role::Employer,
        ],
        "the directory of the partnership's agencies",
    ),
    (
        "audit_checkpoint",
        Action::Read,
        &[Role::Monitor],
        "checkpoints hold entry numbers, hashes and times, nothing of a record: monitors keep them",
    ),
    (
        "document_check",
        Action::Create,
        &[
            Role::Analyst,
            Role::Officer,
            Role::Caseworker,
            Role::PartnerAuthority,
        ],
        "a check reads the register and the alerts under their own policies",
    ),
    (
        "readmission_agreement",
        Action::Read,
        &[
            Role::Analyst,
            Role::Caseworker,
            Role::PartnerAuthority,
            Role::Monitor,
        ],
        "agreements' terms are the same for both parties",
    ),
    (
        "cooperation_policy",
        Action::Read,
        &[Role::Analyst, Role::Monitor, Role::PartnerAuthority],
        "the index's method is public to everyone measured by it",
    ),
    (
        "quota_allocation",
        Action::Read,
        &[
            Role::Analyst,
            Role::Monitor,
            Role::PartnerAuthority,
            Role::Employer,
            Role::Caseworker,
        ],
        "published allocations are public",
    ),
    (
        "intel_unit",
        Action::Read,
        &[
            Role::Officer,
            Role::Analyst,
            Role::Caseworker,
            Role::PartnerAuthority,
            Role::Monitor,
        ],
        "the units' directory is the partnership's network: whom to call in each country",
    ),
    (
        "intel_course",
        Action::Read,
        &[Role::Officer, Role::Analyst],
        "joint training is the partnership's shared work: courses, agencies and counts, no trainee",
    ),
    (
        "online_referral",
        Action::Read,
        &[Role::Officer, Role::Analyst],
        "one referral an address across the partnership (IRMa's merging): every unit sees that an address was referred and how it ended, the referrer only where it allows",
    ),
    (
        "pathways_window",
        Action::Read,
        &[
            Role::Analyst,
            Role::Officer,
            Role::Caseworker,
            Role::PartnerAuthority,
            Role::Monitor,
            Role::Employer,
        ],
        "a click day's instant, places, policy and count are public (the click-day page shows them to anyone)",
    ),
];

#[test]
fn every_reach_to_everyone_is_named() {
    let mut found = BTreeSet::new();
    for (_, policy) in platform_and_modules() {
        for grant in policy.grants {
            if grant.reach == Reach::Everyone {
                found.insert((policy.kind, grant.action.as_str(), grant.role.as_str()));
            }
        }
    }
    let named: BTreeSet<_> = EVERYONE
        .iter()
        .flat_map(|(kind, action, roles, _)| {
            roles
                .iter()
                .map(move |r| (*kind, action.as_str(), r.as_str()))
        })
        .collect();
    let unnamed: Vec<_> = found.difference(&named).collect();
    assert!(
        unnamed.is_empty(),
        "grants that reach every agency's records without being named in EVERYONE: {unnamed:?}"
    );
    let stale: Vec<_> = named.difference(&found).collect();
    assert!(
        stale.is_empty(),
        "named in EVERYONE but not granted: {stale:?}"
    );
}

#[test]
fn an_administrator_reaches_no_pillar_unless_it_is_the_operators() {
    for (owner, policy) in platform_and_modules() {
        if owner == "platform" {
            continue;
        }
        for grant in policy.grants {
            if grant.role == Role::Admin {
                assert_eq!(
                    grant.reach,
                    Reach::Platform,
                    "module {owner} grants admin {} on `{}` with {:?}: an agency's \
                     administrator administers its users, nothing of a pillar",
                    grant.action.as_str(),
                    policy.kind,
                    grant.reach
                );
            }
        }
    }
}
