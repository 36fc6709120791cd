//! The documents pillar, all of its I/O: one check of a travel document (its MRZ with
//! `accordo-mrz`, the shared register of lost, stolen and forged documents), reports to the
//! register and their bulk import, forgery alerts; their SQL, API routes, pages, templates,
//! messages, migrations and demo data. The rules are in the pure crates `accordo-mrz` and
//! `accordo-documents`. The server gets all of it as [`MODULE`].

// A `Problem` is the response itself, built once per failed request.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod api;
pub mod demo;
pub mod pages;
pub mod policy;
pub mod service;
mod store;

use std::future::Future;
use std::pin::Pin;

use accordo_domain::access::{Action, Resource};
use accordo_server::Module;
use accordo_server::pages::NavItem;
use accordo_service::{ModuleCore, Platform, Result};

pub static MODULE: Module = Module {
    core: ModuleCore {
        name: "documents",
        policies: &[
            &policy::DOCUMENT_REPORT,
            &policy::DOCUMENT_CHECK,
            &policy::FORGERY_ALERT,
        ],
        migrations: store::MIGRATIONS,
        tables: store::TABLES,
        retention: store::RETENTION,
        prepare: Some(prepare),
        seed: Some(seed),
    },
    api: api::routes,
    pages: pages::routes,
    nav: &[NavItem {
        href: "/documents/check",
        label: "nav-documents",
        shown: |a| {
            accordo_domain::can(
                a,
                Action::Create,
                Resource::collection(&policy::DOCUMENT_CHECK),
            )
            .is_ok()
        },
    }],
    cards: Some(cards),
    templates: &[
        (
            "documents/_tabs.html",
            include_str!("../templates/documents/_tabs.html"),
        ),
        (
            "documents/alerts.html",
            include_str!("../templates/documents/alerts.html"),
        ),
        (
            "documents/check.html",
            include_str!("../templates/documents/check.html"),
        ),
        (
            "documents/register.html",
            include_str!("../templates/documents/register.html"),
        ),
    ],
    locales: &[
        ("en", include_str!("../locales/en/documents.ftl")),
        ("it", include_str!("../locales/it/documents.ftl")),
        // What the MRZ checks say, from the checking crate's own catalogues.
        ("en", accordo_mrz::message::CATALOGUES[0].1),
        ("it", accordo_mrz::message::CATALOGUES[1].1),
    ],
    background: Some(|platform| {
        Box::pin(async move {
            // On PostgreSQL, other nodes' changes to the register reach this node's index.
            if let Err(e) = service::follow_changes(platform).await {
                tracing::error!(error = %e, "stopped following the document register's changes; restart this node to catch up");
            }
        })
    }),
    access: access::MATRIX,
};

/// The register's in-memory index, built from the database at every start.
fn prepare(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(async move { service::load_index(platform).await.map(drop) })
}

fn cards<'a>(
    state: &'a accordo_server::AppState,
    viewer: &'a accordo_server::pages::Viewer,
) -> Pin<Box<dyn Future<Output = Vec<accordo_server::pages::home::Card>> + Send + 'a>> {
    Box::pin(pages::home_cards(state, viewer))
}

fn seed(platform: &Platform) -> Pin<Box<dyn Future<Output = Result<()>> + Send + '_>> {
    Box::pin(demo::seed(platform))
}

#[cfg(test)]
mod tests {
    use accordo_web::i18n::Catalogues;

    /// Every finding of the checks, on the demo's documents and on broken zones, reads in
    /// Italian from the catalogues, and the English catalogue says word for word what the
    /// checks' own English says.
    #[test]
    fn what_the_checks_say_reads_in_each_language() {
        let catalogues = Catalogues::from_sources(super::MODULE.locales.iter().copied())
            .expect("the module's catalogues load");
        let mut zones: Vec<String> = crate::demo::sample_mrzs()
            .into_iter()
            .map(|s| s.1)
            .collect();
        let first = zones[0].clone();
        zones.push(first.replacen('<', "x", 1));
        zones.push(first.replacen("\n", "\nA", 1));
        zones.push(first.lines().next().unwrap_or_default().to_owned());
        zones.push("I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<".to_owned());
        let today = jiff::civil::date(2026, 12, 5);
        let mut italian_differs = 0;
        for zone in &zones {
            for check in accordo_mrz::check(zone, today).checks {
                let render = |lang: &str| {
                    check.message.render(&mut |id, args| {
                        let args: Vec<(&str, accordo_web::i18n::ArgValue)> = args
                            .iter()
                            .map(|(n, v)| (*n, accordo_web::i18n::ArgValue::Text(v.clone())))
                            .collect();
                        catalogues.message(lang, id, &args)
                    })
                };
                assert_eq!(render("en"), check.detail, "{}", check.name);
                let it = render("it");
                assert!(!it.contains('⟦'), "{}: {it}", check.name);
                italian_differs += usize::from(it != check.detail);
            }
        }
        assert!(
            italian_differs > 50,
            "{italian_differs} findings read differently in Italian"
        );
    }
}
