//! The flows pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`).
//! Its statistics are published figures, no agency's records: nobody's canary is in them.

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, At, CANARY, Who::*, victim_as,
};
use serde_json::json;

pub const MATRIX: AccessMatrix = AccessMatrix {
    rows,
    pages,
    arrange,
};

/// Every role at work in the partnership reads the statistics (not the employer); of the
/// administrators, the operator's.
const READERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::Anywhere),
    (Role::Officer, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::Monitor, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
];

/// Events are read under TLP by officers, analysts and partner authorities; no administrator
/// by office.
const EVENT_READERS: &[(Role, At)] = &[
    (Role::Analyst, At::Anywhere),
    (Role::Officer, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
];
/// Events are recorded by officers and analysts, for their own agency.
const EVENT_WRITERS: &[(Role, At)] =
    &[(Role::Analyst, At::Anywhere), (Role::Officer, At::Anywhere)];
/// IT-UI's AMBER event is addressed to ES-PN: its readers there read it.
const EVENT_READERS_AT_ES_PN: &[(Role, At)] = &[
    (Role::Analyst, At::Agency("ES-PN")),
    (Role::Officer, At::Agency("ES-PN")),
    (Role::PartnerAuthority, At::Agency("ES-PN")),
];

/// A valid event, recorded by whoever may.
fn an_event() -> serde_json::Value {
    json!({
        "date": "2025-06-01", "kind": "landing", "route": "central-mediterranean", "border": "sea",
        "place": "Lampedusa", "latitude": "35.5", "longitude": "12.6", "people": "12",
        "handling": "GREEN"
    })
}

fn event_rows(prefix: &str) -> Vec<AccessRow> {
    let api = prefix == "/api/v1";
    let path = |p: &'static str| -> &'static str {
        if api {
            match p {
                "" => "/api/v1/flows/events",
                "{id}" => "/api/v1/flows/events/{id}",
                _ => "/api/v1/flows/events/{id}/withdraw",
            }
        } else {
            match p {
                "" => "/flows/events",
                "{id}" => "/flows/events/{id}",
                _ => "/flows/events/{id}/withdraw",
            }
        }
    };
    let mut body = an_event();
    if api {
        for field in ["latitude", "longitude"] {
            body[field] = json!(
                body[field]
                    .as_str()
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            );
        }
        body["people"] = json!(12);
    }
    vec![
        AccessRow {
            method: "get",
            path: path(""),
            body: json!(null),
            who: Holders(EVENT_READERS),
            sees_canary: Holders(EVENT_READERS_AT_ES_PN),
        },
        AccessRow {
            method: "post",
            path: path(""),
            body,
            who: Holders(EVENT_WRITERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: path("{id}"),
            body: json!(null),
            who: Holders(EVENT_READERS_AT_ES_PN),
            sees_canary: Holders(EVENT_READERS_AT_ES_PN),
        },
        // IT-UI's event: withdrawn by IT-UI's officers and analysts only, and it has none.
        AccessRow {
            method: "post",
            path: path("withdraw"),
            body: if api { json!(null) } else { json!({}) },
            who: Only(&[]),
            sees_canary: Holders(EVENT_READERS_AT_ES_PN),
        },
    ]
}

fn rows() -> Vec<AccessRow> {
    let mut rows = event_rows("/api/v1");
    rows.extend(vec![
        AccessRow {
            method: "get",
            // Asked without a series: the readers get 422 (say which), the others 403.
            path: "/api/v1/flows/totals",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/flows/nationalities",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            // Asked without a series: the readers get 422 (say which), the others 403.
            path: "/api/v1/flows/forecasts",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/flows/warnings",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        // Following series is each reader's own: nobody's records in it.
        AccessRow {
            method: "get",
            path: "/api/v1/flows/subscriptions",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "put",
            path: "/api/v1/flows/subscriptions",
            body: json!({"series": ["ITA/total", "FRONTEX/Central Mediterranean"]}),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "get",
            path: "/api/v1/flows/alerts",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
    ]);
    rows
}

fn pages() -> Vec<AccessRow> {
    let mut rows = event_rows("");
    rows.push(AccessRow {
        method: "get",
        path: "/flows/events/new",
        body: json!(null),
        who: Holders(EVENT_WRITERS),
        sees_canary: Only(&[]),
    });
    rows.extend(vec![
        AccessRow {
            method: "get",
            path: "/flows",
            body: json!(null),
            who: Holders(READERS),
            // The map shows the events the reader may read.
            sees_canary: Holders(EVENT_READERS_AT_ES_PN),
        },
        AccessRow {
            method: "get",
            path: "/flows/routes/{id}",
            body: json!(null),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
        AccessRow {
            method: "post",
            path: "/flows/subscriptions",
            body: json!({"series": "FRONTEX/nationality/SYR", "follow": "1", "back": "/flows"}),
            who: Holders(READERS),
            sees_canary: Only(&[]),
        },
    ]);
    rows
}

fn arrange<'a>(
    app: &'a TestApp,
    _victim: &'a str,
) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>> {
    Box::pin(async move {
        // IT-UI's only user is a caseworker; its event is recorded as an officer of IT-UI
        // would, AMBER to ES-PN.
        let it_ui_officer = victim_as(Role::Officer);
        let input = accordo_flows::event::EventInput {
            date: "2025-06-02".into(),
            kind: "landing".into(),
            route: "Central Mediterranean".into(),
            border: "sea".into(),
            place: format!("Pozzallo {CANARY}"),
            latitude: 36.72,
            longitude: 14.84,
            people: 30,
            nationalities: vec![("EGY".into(), 30)],
            ..Default::default()
        };
        let event = crate::service::events::record(
            &app.platform,
            &it_ui_officer,
            &input,
            "AMBER",
            &["agency:ES-PN".to_owned()],
        )
        .await
        .unwrap_or_else(|e| panic!("the matrix's event: {e}"));
        vec![
            // A route's page, by its key.
            ("/flows/routes/", "central-mediterranean".to_owned()),
            ("/api/v1/flows/events/", event.id.to_string()),
            ("/flows/events/", event.id.to_string()),
        ]
    })
}
