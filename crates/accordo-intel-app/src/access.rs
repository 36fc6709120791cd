//! The intel pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`):
//! IT-UI's message and case, AMBER to ES-PN, are read there and nowhere else.

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, At, CANARY, Who::*, victim_as,
};
use serde_json::json;

use crate::service::{cases, messages};

pub const MATRIX: AccessMatrix = AccessMatrix {
    rows,
    pages,
    arrange,
};

/// Officers and analysts exchange intelligence, wherever they serve.
const READERS: &[(Role, At)] = &[(Role::Officer, At::Anywhere), (Role::Analyst, At::Anywhere)];
/// IT-UI's message and case go to ES-PN: its officers and analysts read them.
const READERS_AT_ES_PN: &[(Role, At)] = &[
    (Role::Officer, At::Agency("ES-PN")),
    (Role::Analyst, At::Agency("ES-PN")),
];

/// TR-SG's own message to GR-HP names the number IT-UI's does.
const READERS_OF_THE_NUMBER: &[(Role, At)] = &[
    (Role::Officer, At::Agency("ES-PN")),
    (Role::Analyst, At::Agency("ES-PN")),
    (Role::Officer, At::Agency("TR-SG")),
    (Role::Analyst, At::Agency("TR-SG")),
    (Role::Officer, At::Agency("GR-HP")),
    (Role::Analyst, At::Agency("GR-HP")),
];

/// Every agency's users read the units' directory (not employers, who are not of it, nor
/// administrators, who reach no pillar's records).
const UNIT_READERS: &[(Role, At)] = &[
    (Role::Officer, At::Anywhere),
    (Role::Analyst, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
    (Role::Monitor, At::Anywhere),
];
/// Officers and analysts keep their own agency's units.
const UNIT_KEEPERS: &[(Role, At)] = &[(Role::Officer, At::Anywhere), (Role::Analyst, At::Anywhere)];

fn rows() -> Vec<AccessRow> {
    vec![
        AccessRow {
            method: "get",
            path: "/api/v1/intel/messages",
            body: json!(null),
            who: Holders(READERS),
            // Under `folder=inbox`, the default: IT-UI's message is in ES-PN's inbox.
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/messages",
            body: json!({"subject": "Matrix", "body": "A test message.", "tlp": "GREEN",
                "addressees": ["ES-PN"], "reliability": "X", "credibility": "4"}),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/messages/{id}",
            body: json!(null),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/hits",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/cases",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/cases",
            body: json!({"title": "Matrix case", "participants": ["ES-PN"]}),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/cases/{id}",
            body: json!(null),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        // The network around the number IT-UI's message (in IT-UI's case) names: ES-PN reads
        // the message and the case; TR-SG's message to GR-HP names the number too, and they
        // see that network, in which IT-UI's case is not; everyone else is told nothing.
        AccessRow {
            method: "get",
            path: "/api/v1/intel/graph?entity=phone:%2B21620999888&depth=3",
            body: json!(null),
            who: Holders(READERS_OF_THE_NUMBER),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        // A path from the number to itself: answered to whoever reads a message naming it,
        // with nothing of IT-UI's (a path to IT-UI's address would echo the address asked
        // for in the 404 of those who may not read it, which the canary check cannot tell from
        // a leak).
        AccessRow {
            method: "get",
            path: "/api/v1/intel/graph/path?from=phone:%2B21620999888&to=phone:%2B21620999888",
            body: json!(null),
            who: Holders(READERS_OF_THE_NUMBER),
            sees_canary: Only(&[]),
        },
        // IT-UI's case as STIX: for its readers at ES-PN, with IT-UI's message in it.
        AccessRow {
            method: "get",
            path: "/api/v1/intel/cases/{id}/stix",
            body: json!(null),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        // A bundle into IT-UI's case: its readers at ES-PN may send one (IT-UI, which has no
        // officer or analyst to read it, makes the message refused by its field, 422);
        // everyone else is told there is no such case.
        AccessRow {
            method: "post",
            path: "/api/v1/intel/cases/{id}/stix",
            body: json!({"type": "bundle", "id": "bundle--5d0a3f4e-7c1b-4a8e-9f2d-3b6c8e1a0d47",
                "objects": [{"type": "email-addr", "spec_version": "2.1",
                    "id": "email-addr--2f4c0f5e-9f0a-5b7e-8c1d-6a3b9e0d4f12", "value": "matrix@example.org"}]}),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Only(&[]),
        },
        // IT-UI's unit is in the directory every agency reads; only IT-UI changes it.
        AccessRow {
            method: "get",
            path: "/api/v1/intel/units",
            body: json!(null),
            who: Holders(UNIT_READERS),
            sees_canary: Holders(UNIT_READERS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/units",
            body: json!({"name": "Matrix unit", "competences": ["online"], "languages": ["en"],
                "contact": "Desk", "phone": "+39 06 4686 1000", "email": "matrix@example.org"}),
            who: Holders(UNIT_KEEPERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/units/{id}",
            body: json!({"name": "Taken over", "competences": ["online"], "languages": ["en"],
                "contact": "Desk", "phone": "+39 06 4686 1000", "email": "matrix@example.org"}),
            who: Only(&[]),
            sees_canary: Only(&[]),
        },
        // IT-UI's joint operation with ES-PN: its officers and analysts read it and record its
        // events; every officer and analyst may lead one of their own.
        AccessRow {
            method: "get",
            path: "/api/v1/intel/operations",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/operations",
            body: json!({"name": "Matrix operation", "participants": ["ES-PN", "GR-HP"],
                "starts_on": "2026-11-01", "ends_on": "2026-11-30",
                "area": "33.0 11.0\n33.0 14.0\n34.5 14.0\n34.5 11.0"}),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/intel/operations/{id}",
            body: json!(null),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/operations/{id}/events",
            body: json!({"kind": "arrest", "date": "2026-11-10", "place": "Off Zuwara",
                "latitude": 33.5, "longitude": 12.0, "arrested": 2}),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Only(&[]),
        },
        // IT-UI's course is the partnership's: every officer and analyst reads it and records
        // the courses of their own agency.
        AccessRow {
            method: "get",
            path: "/api/v1/intel/courses",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Holders(READERS),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/courses",
            body: json!({"title": "Matrix course", "topic": "human-rights", "starts_on": "2026-11-02",
                "ends_on": "2026-11-03", "place": "Rome",
                "participants": [{"agency": "TN-GN", "trainees": 3}, {"agency": "TR-SG", "trainees": 2}]}),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        // IT-UI's case is IT-UI's to close and reopen, and it has no officer or analyst.
        AccessRow {
            method: "post",
            path: "/api/v1/intel/cases/{id}/close",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/cases/{id}/reopen",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Only(&[]),
        },
        // The file IT-UI's message carries: its readers at ES-PN download it.
        AccessRow {
            method: "get",
            path: "/api/v1/intel/attachments/{id}",
            body: json!(null),
            who: Holders(READERS_AT_ES_PN),
            sees_canary: Holders(READERS_AT_ES_PN),
        },
        // TR-SG's request about IT-UI's message names the key both hold, nothing of IT-UI's.
        AccessRow {
            method: "get",
            path: "/api/v1/intel/requests",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        // IT-UI's hit, the request addressed to it and its message are IT-UI's to act on,
        // and it has no officer or analyst.
        AccessRow {
            method: "post",
            path: "/api/v1/intel/hits/{id}/request",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/requests/{id}/grant",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/requests/{id}/refuse",
            body: json!(null),
            who: Only(&[]),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/api/v1/intel/messages/{id}/share",
            body: json!({"agencies": ["GR-HP"]}),
            who: Only(&[]),
            sees_canary: Only(&[]),
        },
    ]
}

fn pages() -> Vec<AccessRow> {
    let row = |method, path, body, who, sees_canary| AccessRow {
        method,
        path,
        body,
        who,
        sees_canary,
    };
    vec![
        row(
            "get",
            "/intel",
            json!(null),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "get",
            "/intel/training",
            json!(null),
            Holders(READERS),
            Holders(READERS),
        ),
        row(
            "post",
            "/intel/training",
            json!({}),
            Holders(READERS),
            Holders(READERS),
        ),
        row(
            "get",
            "/intel/operations",
            json!(null),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        // A form that fails is answered with the list (IT-UI's operation at ES-PN).
        row(
            "post",
            "/intel/operations",
            json!({}),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "get",
            "/intel/operations/{id}",
            json!(null),
            Holders(READERS_AT_ES_PN),
            Holders(READERS_AT_ES_PN),
        ),
        // An event's form posts to the operation's own page (a refused one stays on it).
        row(
            "post",
            "/intel/operations/{id}",
            json!({}),
            Holders(READERS_AT_ES_PN),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "get",
            "/intel/units",
            json!(null),
            Holders(UNIT_READERS),
            Holders(UNIT_READERS),
        ),
        // A form that fails (no fields) is answered, with the directory, for those who may
        // add; refused for others.
        row(
            "post",
            "/intel/units",
            json!({}),
            Holders(UNIT_KEEPERS),
            Holders(UNIT_KEEPERS),
        ),
        // The network page answers every officer and analyst (a search form: an entity the
        // reader reads nothing of is said so, on the page), and shows IT-UI's case (its title
        // is a node) only to its readers at ES-PN.
        row(
            "get",
            "/intel/graph?kind=phone&value=%2B21620999888&depth=3",
            json!(null),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        // The path page, from the number to itself (as the API's row, for the same reason):
        // answered to every officer and analyst, a found path to its readers only.
        row(
            "get",
            "/intel/graph/path?from_kind=phone&from=%2B21620999888&to_kind=phone&to=%2B21620999888",
            json!(null),
            Holders(READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/intel/graph/expand?entity=phone:%2B21620999888",
            json!(null),
            Holders(READERS_OF_THE_NUMBER),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "get",
            "/intel/outbox",
            json!(null),
            Holders(READERS),
            Only(&[]),
        ),
        // The form offers the open cases the writer reads: IT-UI's, at ES-PN.
        row(
            "get",
            "/intel/messages/new",
            json!(null),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "post",
            "/intel/messages",
            json!({"subject": "Matrix", "body": "A test message.", "tlp": "GREEN",
                "addressees": "ES-PN", "reliability": "X", "credibility": "4"}),
            Holders(READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/intel/messages/{id}",
            json!(null),
            Holders(READERS_AT_ES_PN),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "get",
            "/intel/cases",
            json!(null),
            Holders(READERS),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "post",
            "/intel/cases",
            json!({"title": "Matrix case", "participants": "ES-PN"}),
            Holders(READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/intel/cases/{id}",
            json!(null),
            Holders(READERS_AT_ES_PN),
            Holders(READERS_AT_ES_PN),
        ),
        row(
            "post",
            "/intel/cases/{id}/close",
            json!({}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/intel/cases/{id}/reopen",
            json!({}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "get",
            "/intel/hits",
            json!(null),
            Holders(READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/intel/attachments/{id}",
            json!(null),
            Holders(READERS_AT_ES_PN),
            Holders(READERS_AT_ES_PN),
        ),
        // IT-UI's hit, the request addressed to it and its message are IT-UI's to act on,
        // and it has no officer or analyst.
        row(
            "post",
            "/intel/hits/{id}/request",
            json!({}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/intel/requests/{id}/grant",
            json!({}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/intel/requests/{id}/refuse",
            json!({}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/intel/messages/{id}/share",
            json!({"agencies": "GR-HP"}),
            Only(&[]),
            Only(&[]),
        ),
    ]
}

fn arrange<'a>(
    app: &'a TestApp,
    _victim: &'a str,
) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>> {
    Box::pin(async move {
        // IT-UI's only user is a caseworker; its message and case are written as an officer
        // of IT-UI would.
        let officer = victim_as(Role::Officer);
        let case = cases::open(
            &app.platform,
            &officer,
            &format!("Case {CANARY}"),
            &["ES-PN".to_owned()],
        )
        .await
        .unwrap_or_else(|e| panic!("the matrix's case: {e}"));
        let message = messages::send(
            &app.platform,
            &officer,
            &messages::NewMessage {
                case: Some(case.id),
                subject: format!("Message {CANARY}"),
                body: format!("Body {CANARY}"),
                tlp: "AMBER".into(),
                addressees: vec!["ES-PN".into()],
                // The address keeps its case: the canary shows in the network's answers.
                entities: vec![
                    ("phone".into(), "+216 20 999 888".into()),
                    ("email".into(), format!("{CANARY}@example.org")),
                ],
                attachments: vec![messages::NewAttachment {
                    name: "note.txt".into(),
                    media_type: "text/plain".into(),
                    content: format!("Attached {CANARY}").into_bytes(),
                }],
                reliability: "B".into(),
                credibility: "2".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("the matrix's message: {e}"));
        // Turkey's coast guard names the same number: a hit on each side, and Turkey asks
        // IT-UI to share.
        let mut conn = app
            .platform
            .store
            .read()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let tur = accordo_store::accounts::find_user_by_username(&mut conn, "tur.officer")
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("the demo's tur.officer"));
        drop(conn);
        let tur = accordo_service::Ctx {
            actor: accordo_service::auth::actor_for(&app.platform, &tur)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            request_id: None,
        };
        let theirs = messages::send(
            &app.platform,
            &tur,
            &messages::NewMessage {
                subject: "Matrix: the same number".into(),
                body: "Called +216 20 999 888.".into(),
                tlp: "AMBER".into(),
                addressees: vec!["GR-HP".into()],
                reliability: "B".into(),
                credibility: "2".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("Turkey's message: {e}"));
        let tur_hit = theirs
            .hits
            .first()
            .unwrap_or_else(|| panic!("a hit with IT-UI"))
            .id;
        let request = crate::service::sharing::request(&app.platform, &tur, tur_hit)
            .await
            .unwrap_or_else(|e| panic!("Turkey's request: {e}"));
        let it_ui_hit = crate::service::hits::list(&app.platform, &officer)
            .await
            .unwrap_or_else(|e| panic!("IT-UI's hits: {e}"))
            .first()
            .unwrap_or_else(|| panic!("IT-UI's hit with Turkey"))
            .id
            .to_string();

        let unit = crate::service::units::add(
            &app.platform,
            &officer,
            &crate::service::units::NewUnit {
                name: format!("Unit {CANARY}"),
                competences: vec!["online".into()],
                languages: vec!["it".into()],
                contact: "Desk".into(),
                phone: "+39 06 4686 1000".into(),
                email: "it-ui.unit@example.org".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("IT-UI's unit: {e}"));

        let operation = crate::service::operations::create(
            &app.platform,
            &officer,
            &crate::service::operations::NewOperation {
                name: format!("Operation {CANARY}"),
                participants: vec!["ES-PN".into()],
                starts_on: "2026-11-01".into(),
                ends_on: "2026-11-30".into(),
                area: "33.0 11.0\n33.0 14.0\n34.5 14.0\n34.5 11.0".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("IT-UI's operation: {e}"));

        crate::service::training::add(
            &app.platform,
            &officer,
            &crate::service::training::NewCourse {
                title: format!("Course {CANARY}"),
                topic: "document-fraud".into(),
                starts_on: "2026-11-02".into(),
                ends_on: "2026-11-03".into(),
                place: "Rome".into(),
                participants: vec![("ES-PN".into(), 2)],
            },
        )
        .await
        .unwrap_or_else(|e| panic!("IT-UI's course: {e}"));

        vec![
            ("/api/v1/intel/operations/", operation.id.to_string()),
            ("/intel/operations/", operation.id.to_string()),
            ("/api/v1/intel/units/", unit.id.to_string()),
            ("/api/v1/intel/messages/", message.id.to_string()),
            ("/api/v1/intel/cases/", case.id.to_string()),
            ("/intel/messages/", message.id.to_string()),
            ("/intel/cases/", case.id.to_string()),
            ("/api/v1/intel/hits/", it_ui_hit.clone()),
            ("/intel/hits/", it_ui_hit),
            ("/api/v1/intel/requests/", request.id.to_string()),
            (
                "/api/v1/intel/attachments/",
                message.attachments[0].id.to_string(),
            ),
            ("/intel/attachments/", message.attachments[0].id.to_string()),
            ("/intel/requests/", request.id.to_string()),
        ]
    })
}
