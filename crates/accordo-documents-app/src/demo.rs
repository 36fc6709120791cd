//! The documents of the demo partnership: synthetic travel documents (every person is
//! invented), some reported to the register, and a forgery alert.

use accordo_service::demo::command_line_ctx;
use accordo_service::{Platform, Result, audit, new_id};
use serde_json::json;

use crate::store;

/// A synthetic travel document of the demo (every person is invented).
struct DemoDocument {
    issuing_state: &'static str,
    code: &'static str,
    number: &'static str,
    surname: &'static str,
    given: &'static str,
    nationality: &'static str,
    birth: &'static str,
    sex: &'static str,
    expiry: &'static str,
    /// Its status in the register, or "" when it is not reported.
    status: &'static str,
    reported_by: &'static str,
    notes: &'static str,
}

const DEMO_DOCUMENTS: &[DemoDocument] = &[
    DemoDocument {
        issuing_state: "PAK",
        code: "PP",
        number: "AB1234567",
        surname: "FITTIZIO",
        given: "AHMED",
        nationality: "PAK",
        birth: "1991-03-14",
        sex: "M",
        expiry: "2029-05-01",
        status: "stolen",
        reported_by: "PK-FIA",
        notes: "reported at Lahore passport office",
    },
    DemoDocument {
        issuing_state: "TUN",
        code: "P",
        number: "TN0045781",
        surname: "ESEMPIO",
        given: "SALMA",
        nationality: "TUN",
        birth: "1998-11-02",
        sex: "F",
        expiry: "2030-02-17",
        status: "lost",
        reported_by: "TN-GN",
        notes: "",
    },
    DemoDocument {
        issuing_state: "ITA",
        code: "PA",
        number: "YA7654321",
        surname: "PROVA",
        given: "GIULIO",
        nationality: "ITA",
        birth: "1985-07-30",
        sex: "M",
        expiry: "2031-09-09",
        status: "stolen",
        reported_by: "IT-PS",
        notes: "stolen from a car in Bari",
    },
    DemoDocument {
        issuing_state: "TUR",
        code: "P",
        number: "U12398765",
        surname: "DENEME",
        given: "AYSE",
        nationality: "TUR",
        birth: "1979-01-21",
        sex: "F",
        expiry: "2028-12-31",
        status: "forged",
        reported_by: "TR-SG",
        notes: "data page substituted",
    },
    DemoDocument {
        issuing_state: "PAK",
        code: "PP",
        number: "AB9000417",
        surname: "MISAL",
        given: "IMRAN",
        nationality: "PAK",
        birth: "2001-06-05",
        sex: "M",
        expiry: "2032-04-11",
        status: "",
        reported_by: "",
        notes: "",
    },
];

fn demo_fields(d: &DemoDocument) -> accordo_mrz::Fields {
    accordo_mrz::Fields {
        format: accordo_mrz::Format::Td3,
        document_code: d.code.to_owned(),
        issuing_state: d.issuing_state.to_owned(),
        names: accordo_mrz::Names {
            primary: d.surname.to_owned(),
            secondary: d.given.to_owned(),
            truncated: false,
        },
        document_number: d.number.to_owned(),
        nationality: d.nationality.to_owned(),
        birth_date: d.birth.parse().ok(),
        sex: d.sex.to_owned(),
        expiry_date: d.expiry.parse().ok(),
        optional_data: String::new(),
    }
}

/// One of the demo's synthetic documents, to paste into "Check a document".
pub struct Sample {
    /// What it shows, in English.
    pub what: String,
    /// The same as a message of the catalogues (`{id, args}`).
    pub caption: serde_json::Value,
    pub mrz: String,
}

/// The demo's synthetic documents to try. Empty outside the demo.
pub fn samples() -> Vec<Sample> {
    DEMO_DOCUMENTS
        .iter()
        .filter_map(|d| {
            let mrz = accordo_mrz::generate(&demo_fields(d)).ok()?;
            let document = format!("{} {}", d.issuing_state, d.number);
            let (what, caption) = if d.status.is_empty() {
                (
                    format!("{document}: not reported"),
                    serde_json::json!({"id": "documents-sample-clear", "args": {"document": document}}),
                )
            } else {
                (
                    format!("{document}: reported {} by {}", d.status, d.reported_by),
                    serde_json::json!({"id": "documents-sample-reported", "args": {
                        "document": document,
                        "status": {"id": format!("documents-status-{}", d.status), "args": {}},
                        "agency": d.reported_by,
                    }}),
                )
            };
            Some(Sample { what, caption, mrz })
        })
        .collect()
}

/// MRZs of the demo's synthetic documents: (what it shows, in English; MRZ).
pub fn sample_mrzs() -> Vec<(String, String)> {
    samples().into_iter().map(|s| (s.what, s.mrz)).collect()
}

/// The demo's register entries and a forgery alert, written once with the demo.
pub async fn seed(platform: &Platform) -> Result<()> {
    let now = platform.now_us();
    let reports: Vec<_> = DEMO_DOCUMENTS
        .iter()
        .filter(|d| !d.status.is_empty())
        .filter_map(|d| {
            let key =
                accordo_documents::DocumentKey::new(d.issuing_state, d.code, d.number).ok()?;
            Some((key, d))
        })
        .map(|(key, d)| (new_id(), key.as_text(), key, d))
        .collect();
    let mut tx = platform.store.write().await?;
    for (id, text, key, d) in &reports {
        let kind = key.document_type.to_string();
        let new = store::NewReport {
            id: *id,
            doc_key: text,
            issuing_state: &key.issuing_state,
            document_type: &kind,
            document_number: &key.document_number,
            status: d.status,
            owner_agency: d.reported_by,
            reported_on: "2026-11-02",
            notes: d.notes,
            created_by: "demo",
        };
        store::insert(&mut tx, std::slice::from_ref(&new), now).await?;
    }
    let addressees = vec![
        ("agency".to_owned(), "PK-FIA".to_owned()),
        ("agency".to_owned(), "IT-PS".to_owned()),
        ("country".to_owned(), "GRC".to_owned()),
    ];
    let alert = store::NewAlert {
        id: new_id(),
        owner_agency: "TR-SG",
        handling: "AMBER",
        issuing_state: Some("PAK"),
        document_type: Some("P"),
        number_from: None,
        number_to: None,
        number_pattern: Some("AB9*"),
        what_forged: "Counterfeit passports of the AB9 series",
        how_to_recognise: "The ghost image lacks the holographic border; the MRZ font is slightly too narrow.",
        created_by: "demo",
        addressees: &addressees,
    };
    store::insert_alert(&mut tx, &alert, now).await?;
    let audited = audit::record(
        platform,
        &mut tx,
        &command_line_ctx(),
        "system.demo_documents",
        "document_report",
        None,
        json!({"reports": reports.len(), "alerts": 1}),
    )
    .await?;
    tx.commit(audited).await?;
    crate::service::load_index(platform).await?;
    Ok(())
}
