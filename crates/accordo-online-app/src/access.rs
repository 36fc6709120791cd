//! The online pillar's rows of the access matrix (`crates/accordo/tests/app/access_matrix.rs`):
//! IT-UI's captured item is read by no other agency; its referral, whose address carries the
//! canary, is seen by every unit, without IT-UI's name.

use std::future::Future;
use std::pin::Pin;

use accordo_domain::Role;
use accordo_server::testing::TestApp;
use accordo_server::testing::matrix::{
    AccessMatrix, AccessRow, Arranged, At, CANARY, Who::*, row, victim_as,
};
use serde_json::json;

use crate::service;

pub const MATRIX: AccessMatrix = AccessMatrix {
    rows,
    pages,
    arrange,
};

/// The officers and analysts of every agency work on the virtual dimension.
const UNITS: &[(Role, At)] = &[(Role::Officer, At::Anywhere), (Role::Analyst, At::Anywhere)];

fn rows() -> Vec<AccessRow> {
    vec![
        // Each agency's queue holds its own items: IT-UI's is nobody else's.
        row(
            "get",
            "/api/v1/online/items",
            json!(null),
            Holders(UNITS),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/online/items",
            json!({"url": "https://t.me/matrix_channel/1", "platform": "telegram",
                "account": "matrix_channel", "captured_at": "2026-11-20T10:00:00Z",
                "text": "Boat from Zuwara, 3000 euro"}),
            Holders(UNITS),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/online/imports",
            json!({"format": "csv", "content": "url,platform,account,captured_at,language,text\nhttps://t.me/matrix_channel/2,telegram,matrix_channel,2026-11-20T10:00:00Z,,Departure from Sfax\n"}),
            Holders(UNITS),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/online/items/{id}",
            json!(null),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/online/items/{id}/decision",
            json!({"decision": "dismiss", "reason": "Matrix"}),
            Only(&[]),
            Only(&[]),
        ),
        // The partnership sees every referral (its address carries the canary), IT-UI's name
        // nowhere.
        row(
            "get",
            "/api/v1/online/referrals",
            json!(null),
            Holders(UNITS),
            Holders(UNITS),
        ),
        row(
            "get",
            "/api/v1/online/referrals/{id}/notice",
            json!(null),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/online/referrals/{id}/notice.txt",
            json!(null),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/online/referrals/{id}/outcomes",
            json!(null),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "post",
            "/api/v1/online/referrals/{id}/outcomes",
            json!({"status": "no_answer", "checked_on": "2026-11-20", "recheck_on": "2026-12-20"}),
            Only(&[]),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/online/removals",
            json!(null),
            Holders(UNITS),
            Only(&[]),
        ),
        row(
            "get",
            "/api/v1/online/bank/hits",
            json!(null),
            Holders(UNITS),
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
        // IT-UI's only user is a caseworker: its item is captured and referred as an officer of
        // IT-UI would, without showing IT-UI as the referrer.
        let officer = victim_as(Role::Officer);
        let item = service::capture(
            &app.platform,
            &officer,
            &service::NewItem {
                url: format!("https://www.facebook.com/{CANARY}/posts/1"),
                platform: "facebook".into(),
                account: format!("Account {CANARY}"),
                captured_at: "2026-11-20T09:00:00Z".into(),
                language: None,
                text: format!("Trip to Italy from Zuwara, 3500 euro {CANARY}"),
                images: Vec::new(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("IT-UI's item: {e}"));
        let item_id = item.summary.id.clone();
        let referred = service::decide(
            &app.platform,
            &officer,
            &item_id,
            &service::Decision {
                decision: "refer".into(),
                reason: format!("Smuggling offer {CANARY}"),
                category: "smuggling_offer".into(),
                show_referrer: false,
                trusted_flagger: false,
                notifier_email: "it-ui@example.org".into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("IT-UI's referral: {e}"));
        let referral = referred
            .referral
            .unwrap_or_else(|| panic!("IT-UI's item referred"))
            .id;
        vec![
            ("/api/v1/online/items/", item_id.clone()),
            ("/online/items/", item_id),
            ("/api/v1/online/referrals/", referral.clone()),
            ("/online/referrals/", referral),
        ]
    })
}
