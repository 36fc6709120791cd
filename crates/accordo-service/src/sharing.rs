//! How a record shared under TLP 2.0 names its handling and its addressees, read the same
//! way for every kind (a forgery alert, an event at the border). Each refusal has a code of
//! the platform's catalogue (`error-<code>`).

use accordo_domain::{AgencyCode, CountryCode, Handling};

use crate::{Platform, Result, ServiceError};

/// A TLP 2.0 label as typed.
pub fn handling(text: &str) -> Result<Handling> {
    text.trim().parse().map_err(|_| {
        ServiceError::refused_value(
            "handling",
            "handling-label",
            Vec::new(),
            "expected a TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED",
        )
    })
}

/// The addressees of a record under `handling`: each `agency:CODE`, `country:ISO3` or a bare
/// agency code, as `(kind, value)` pairs (`agency` or `country`). AMBER needs at least one;
/// AMBER+STRICT goes to agencies only. Blank entries are skipped.
pub fn addressees(handling: Handling, raw: &[String]) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for raw in raw.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        let (kind, value) = raw.split_once(':').unwrap_or(("agency", raw));
        let parsed = match kind {
            "agency" => AgencyCode::parse(value)
                .map(|_| ("agency", value.to_owned()))
                .ok(),
            "country" => CountryCode::parse(value)
                .map(|c| ("country", c.as_str().to_owned()))
                .ok(),
            _ => None,
        };
        let Some((kind, value)) = parsed else {
            return Err(ServiceError::refused_value(
                "addressees",
                "addressee",
                vec![("given", raw.to_string())],
                format!("`{raw}`: expected an agency code (PK-FIA) or country:ISO3 (country:PAK)"),
            ));
        };
        if !out.iter().any(|(k, v)| k == kind && *v == value) {
            out.push((kind.to_owned(), value));
        }
    }
    if matches!(handling, Handling::Amber | Handling::AmberStrict) && out.is_empty() {
        return Err(ServiceError::refused_value(
            "addressees",
            "addressees-needed",
            Vec::new(),
            "AMBER needs at least one addressee (an agency, or a country for AMBER)",
        ));
    }
    if handling == Handling::AmberStrict && out.iter().any(|(k, _)| k == "country") {
        return Err(ServiceError::refused_value(
            "addressees",
            "addressees-strict",
            Vec::new(),
            "AMBER+STRICT goes to named agencies, not countries",
        ));
    }
    Ok(out)
}

/// Refuses an addressee agency the partnership does not have (a typing slip), naming it:
/// checked before anything is written, so that the form keeps what was typed.
pub async fn agencies_exist(platform: &Platform, addressees: &[(String, String)]) -> Result<()> {
    let mut conn = platform.store.read().await?;
    for (_, code) in addressees.iter().filter(|(k, _)| k == "agency") {
        if accordo_store::accounts::find_agency(&mut conn, code)
            .await?
            .is_none()
        {
            return Err(ServiceError::refused_value(
                "addressees",
                "no-agency",
                vec![("code", code.clone())],
                format!("there is no agency {code}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: ServiceError) -> &'static str {
        match e {
            ServiceError::Invalid {
                code: Some(c),
                field,
                ..
            } => {
                assert_eq!(
                    field,
                    if c.id == "handling-label" {
                        "handling"
                    } else {
                        "addressees"
                    }
                );
                c.id
            }
            other => panic!("not a coded refusal: {other:?}"),
        }
    }

    #[test]
    fn addressees_follow_the_label() {
        let given = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            addressees(
                Handling::Amber,
                &given(&["PK-FIA", " country:PAK ", "", "agency:PK-FIA"])
            )
            .unwrap(),
            vec![
                ("agency".to_owned(), "PK-FIA".to_owned()),
                ("country".to_owned(), "PAK".to_owned())
            ],
            "blank skipped, a repeat kept once"
        );
        assert_eq!(
            code(addressees(Handling::Amber, &[]).unwrap_err()),
            "addressees-needed"
        );
        assert_eq!(
            code(addressees(Handling::AmberStrict, &given(&["country:PAK"])).unwrap_err()),
            "addressees-strict"
        );
        assert_eq!(
            code(addressees(Handling::Green, &given(&["planet:MARS"])).unwrap_err()),
            "addressee"
        );
        assert!(addressees(Handling::Green, &[]).unwrap().is_empty());
        assert_eq!(code(handling("BLUE").unwrap_err()), "handling-label");
        assert_eq!(handling(" AMBER+STRICT ").unwrap(), Handling::AmberStrict);
    }
}
