//! The legal pathways' rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`):
//! IT-UI, as an employer, pre-fills an application for a Pakistani worker whose name carries
//! the canary (read by the host state's labour offices and by Pakistan's authorities, nobody
//! else), and runs a course whose title carries it (read by the host state's labour offices).
//! The public routes (the click day, an application's status by code, a certificate's
//! validity) are in the matrix's list of public routes.

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, At, CANARY, Who::*, row, victim_as,
};
use serde_json::json;

use crate::{demo, service, training};

pub const MATRIX: AccessMatrix = AccessMatrix {
    rows,
    pages,
    arrange,
};

const MINISTRY: &[(Role, At)] = &[(Role::Admin, At::Operator)];
/// Everyone who reads the windows: every role but an administrator, who reads them at the
/// operator.
const WINDOW_READERS: &[(Role, At)] = &[
    (Role::Admin, At::Operator),
    (Role::Analyst, At::Anywhere),
    (Role::Officer, At::Anywhere),
    (Role::Caseworker, At::Anywhere),
    (Role::PartnerAuthority, At::Anywhere),
    (Role::Monitor, At::Anywhere),
    (Role::Employer, At::Anywhere),
];
const EMPLOYERS: &[(Role, At)] = &[(Role::Employer, At::Anywhere)];
/// Who reads the canary's application: the host state's labour offices and the authorities
/// of the worker's country.
const APPLICATION_READERS: &[(Role, At)] = &[
    (Role::Caseworker, At::HostState),
    (Role::PartnerAuthority, At::Agency("PK-MOI")),
    (Role::PartnerAuthority, At::Agency("PK-BEOE")),
];
const APPLICATION_LISTERS: &[(Role, At)] = &[
    (Role::Employer, At::Anywhere),
    (Role::Caseworker, At::HostState),
    (Role::PartnerAuthority, At::Anywhere),
];
const COURSE_READERS: &[(Role, At)] = &[
    (Role::PartnerAuthority, At::Anywhere),
    (Role::Caseworker, At::HostState),
];
const LABOUR_OFFICES: &[(Role, At)] = &[(Role::Caseworker, At::HostState)];
const PARTNERS: &[(Role, At)] = &[(Role::PartnerAuthority, At::Anywhere)];

fn rows() -> Vec<AccessRow> {
    vec![
        row(
            "get",
            "/api/v1/pathways/windows",
            json!(null),
            Holders(WINDOW_READERS),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/pathways/windows",
            json!({"year": 2026, "category": "care_work", "opens_at": "2026-12-10T09:00:00+01:00",
                "closes_at": "2026-12-31T18:00:00+01:00", "general_places": 13600}),
            Holders(MINISTRY),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/pathways/windows/{id}/assignment",
            json!(null),
            Holders(MINISTRY),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/pathways/associations",
            json!({"agency": "IT-EMP"}),
            Holders(MINISTRY),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/pathways/applications",
            json!(null),
            Holders(APPLICATION_LISTERS),
            Holders(APPLICATION_READERS),
        ),
        row(
            "post",
            "/api/v1/pathways/applications",
            crate::api::application_example(),
            Holders(EMPLOYERS),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/pathways/applications/{id}",
            json!(null),
            Holders(APPLICATION_READERS),
            Holders(APPLICATION_READERS),
        ),
        // Its employer's alone: IT-UI's only user is a caseworker, who may not.
        row(
            "post",
            "/api/v1/pathways/applications/{id}/submit",
            json!({}),
            Only(&[]),
            Only(&[]),
        ),
        // The canary's application has no place: recording a step is refused by the rules
        // (409) for the offices that may, not found for the others.
        row(
            "post",
            "/api/v1/pathways/applications/{id}/steps",
            json!({"step": "authorisation", "on": "2026-11-20"}),
            Holders(LABOUR_OFFICES),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/pathways/outcomes",
            json!(null),
            Holders(WINDOW_READERS),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/pathways/courses",
            json!(null),
            Holders(COURSE_READERS),
            Holders(LABOUR_OFFICES),
        ),
        row(
            "post",
            "/api/v1/pathways/courses",
            json!({"title": "Safety at work", "kind": "safety", "place": "Tunis",
                "starts_on": "2026-11-01", "ends_on": "2026-11-20"}),
            Holders(PARTNERS),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/pathways/courses/{id}/trainees",
            json!({"name": "Trainee Matrix", "birth_date": "1990-01-01", "nationality": "PAK",
                "document_number": "AB1234567"}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/pathways/courses/{id}/certificates",
            json!({"trainee": "00000000-0000-7000-8000-000000000000"}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/pathways/simulation",
            json!({"demand": {"places": 10, "groups": [{"name": "matrix", "applications": 50,
                "median_seconds": 5.0, "spread": 1.0}]}, "seed": 1, "lottery_minutes": 1}),
            Holders(WINDOW_READERS),
            Only(&[]),
        ),
    ]
}

fn pages() -> Vec<AccessRow> {
    crate::pages::matrix_rows()
}

fn arrange<'a>(
    app: &'a TestApp,
    _victim: &'a str,
) -> Pin<Box<dyn Future<Output = Arranged> + Send + 'a>> {
    Box::pin(async move {
        let mut input = demo::application_for(0, "seasonal_agriculture");
        // The canary in the name, the passport's surname kept (the name must hold it).
        input.worker_name = format!("Ali {CANARY} Esempio");
        let application = service::prefill(&app.platform, &victim_as(Role::Employer), input)
            .await
            .unwrap_or_else(|e| panic!("IT-UI's application: {e}"));
        let course = training::create_course(
            &app.platform,
            &victim_as(Role::PartnerAuthority),
            training::NewCourse {
                title: format!("Course {CANARY}"),
                kind: "language".into(),
                place: "Roma".into(),
                starts_on: "2026-10-01".into(),
                ends_on: "2026-10-30".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("IT-UI's course: {e}"));
        // A window to assign (nobody's record: the ministry's). A window is set before it
        // closes, so this one is still to come: its assignment is refused by the rule
        // (`window-still-open`), not by access, which is what the matrix looks at.
        let window = service::create_window(
            &app.platform,
            &accordo_service::demo::command_line_ctx(),
            service::NewWindow {
                year: 2027,
                category: "seasonal_agriculture".into(),
                opens_at: "2027-03-01T09:00:00+01:00".into(),
                closes_at: "2027-03-02T09:00:00+01:00".into(),
                general_places: 10,
                allocation_id: None,
                policy: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("a closed window: {e}"));
        vec![
            ("/api/v1/pathways/applications/", application.id.clone()),
            ("/api/v1/pathways/courses/", course.id.clone()),
            ("/api/v1/pathways/windows/", window.id.clone()),
            ("/pathways/applications/", application.id),
            ("/pathways/courses/", course.id),
            ("/pathways/windows/", window.id),
        ]
    })
}
