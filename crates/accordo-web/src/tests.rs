use super::*;

#[test]
fn every_template_parses_and_every_asset_is_embedded() {
    let web = Web::new().expect("templates and catalogues parse");
    assert!(template_names().any(|n| n == "layout.html"));
    for path in [
        "vendor/bootstrap-italia/css/bootstrap-italia.min.css",
        "vendor/bootstrap-italia/css/bootstrap-italia.rtl.min.css",
        "vendor/bootstrap-italia/js/bootstrap-italia.bundle.min.js",
        "vendor/bootstrap-italia/svg/sprites.svg",
        "vendor/htmx/htmx.min.js",
        "fonts.css",
        "app.css",
        "app.js",
    ] {
        let (bytes, _) = web
            .assets
            .get(path)
            .unwrap_or_else(|| panic!("{path} not embedded"));
        assert!(!bytes.is_empty(), "{path} is empty");
    }
    assert!(
        web.assets.get("vendor/VENDOR.md").is_none(),
        "notes are not served"
    );
}

#[test]
fn every_font_the_stylesheet_names_is_embedded() {
    let web = Web::new().expect("web");
    let (css, _) = web.assets.get("fonts.css").expect("fonts.css");
    let css = std::str::from_utf8(css).expect("utf-8");
    let mut seen = 0;
    for part in css.split("url(\"").skip(1) {
        let path = part.split('"').next().expect("closing quote");
        assert!(web.assets.get(path).is_some(), "{path} missing");
        seen += 1;
    }
    assert!(seen >= 8, "only {seen} fonts");
}

#[test]
fn the_asset_version_changes_with_the_content() {
    let web = Web::new().expect("web");
    let url = web.assets.url("app.css");
    assert_eq!(url, format!("/static/{}/app.css", web.assets.version));
    assert_eq!(web.assets.version.len(), 12);
}

#[test]
fn english_and_italian_have_the_same_messages() {
    let cats = Catalogues::builtin().expect("catalogues");
    assert!(cats.has("en") && cats.has("it"), "{:?}", cats.codes());
    let en = cats.ids("en");
    let it = cats.ids("it");
    let missing: Vec<_> = en.iter().filter(|id| !it.contains(id)).collect();
    let extra: Vec<_> = it.iter().filter(|id| !en.contains(id)).collect();
    assert!(missing.is_empty(), "missing in Italian: {missing:?}");
    assert!(extra.is_empty(), "only in Italian: {extra:?}");
}

#[test]
fn a_message_falls_back_to_english_and_then_shows_its_id() {
    let cats = Catalogues::from_sources([
        ("en", "hello = Hello { $name }\nonly-en = Only English\n"),
        ("ar", "hello = مرحبا { $name }\n"),
    ])
    .expect("parse");
    let name = [("name", i18n::ArgValue::Text("Ada".into()))];
    assert_eq!(cats.message("ar", "hello", &name), "مرحبا Ada");
    assert_eq!(cats.message("ar", "only-en", &[]), "Only English");
    assert_eq!(cats.message("ar", "nowhere", &[]), "⟦nowhere⟧");
}

#[test]
fn plurals_follow_the_language() {
    let cats = Catalogues::from_sources([(
        "en",
        "n = { $count ->\n    [one] one entry\n   *[other] { $count } entries\n}\n",
    )])
    .expect("parse");
    assert_eq!(
        cats.message("en", "n", &[("count", i18n::ArgValue::Number(1.0))]),
        "one entry"
    );
    assert_eq!(
        cats.message("en", "n", &[("count", i18n::ArgValue::Number(3.0))]),
        "3 entries"
    );
}

#[test]
fn a_broken_catalogue_names_its_line() {
    let err = Catalogues::from_sources([("en", "ok = fine\n\nbroken = { \n")]).expect_err("bad");
    let text = err.to_string();
    assert!(text.contains("catalogue en: line 3"), "{text}");
}

#[test]
fn accept_language_picks_the_best_offered_language() {
    let cats = Catalogues::builtin().expect("catalogues");
    assert_eq!(cats.negotiate("it-IT,it;q=0.9,en;q=0.8"), "it");
    assert_eq!(cats.negotiate("fr-FR, en;q=0.5"), "en");
    assert_eq!(cats.negotiate("de, it;q=0.4, en;q=0.3"), "it");
    assert_eq!(cats.negotiate("en;q=0.2, it;q=0.9"), "it");
    assert_eq!(cats.negotiate("it;q=0"), "en");
    assert_eq!(cats.negotiate(""), "en");
    assert_eq!(cats.negotiate(";;,q=x,,"), "en");
}

#[test]
fn right_to_left_languages_get_a_mirrored_page() {
    let cats = Catalogues::from_sources([
        ("en", include_str!("../locales/en/accordo.ftl")),
        ("ar", "sign-in-title = تسجيل الدخول\n"),
    ])
    .expect("parse");
    let web = Web::with_catalogues(cats).expect("web");
    let html = web
        .render(
            "error.html",
            minijinja::context! {
                lang => "ar", dir => i18n::direction("ar"), tz => "UTC", path => "",
                languages => Vec::<()>::new(), nav => Vec::<()>::new(),
                status => 404, title => "sign-in-title", body => "error-not-found-body",
            },
        )
        .expect("render");
    assert!(
        html.contains(r#"<html lang="ar" dir="rtl">"#),
        "{}",
        &html[..200]
    );
    assert!(html.contains("bootstrap-italia.rtl.min.css"));
    assert!(html.contains("تسجيل الدخول"));
    // What Arabic lacks comes in English, on the same page.
    assert!(html.contains("There is no such page"));
    assert_eq!(i18n::direction("ur"), "rtl");
    assert_eq!(i18n::direction("tr"), "ltr");
}

#[test]
fn times_in_templates_use_the_readers_zone() {
    let web = Web::new().expect("web");
    let html = web
        .render(
            "error.html",
            minijinja::context! {
                lang => "it", dir => "ltr", tz => "Asia/Karachi", path => "",
                languages => Vec::<()>::new(), nav => Vec::<()>::new(),
                status => 404, title => "error-not-found-title", body => "error-not-found-body",
            },
        )
        .expect("render");
    assert!(html.contains(r#"<html lang="it" dir="ltr">"#));
    assert!(html.contains("Asia/Karachi"), "the footer names the zone");
}

#[test]
fn values_are_escaped_for_html_but_slashes_stay() {
    let web = Web::new().expect("web");
    let html = web
        .render(
            "error.html",
            minijinja::context! {
                lang => "en", dir => "ltr", tz => "UTC", path => "",
                languages => Vec::<()>::new(), nav => Vec::<()>::new(),
                status => 422, title => "error-invalid-title", body => "error-invalid-body",
                detail => minijinja::context! {
                    text => "<script>alert('x')</script> & \"/api/v1\"",
                    code => "<b>kind</b>",
                },
            },
        )
        .expect("render");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;/api/v1&quot;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"));
    assert!(
        html.contains("<code>&lt;b&gt;kind&lt;/b&gt;</code>"),
        "{html}"
    );
}

#[test]
fn an_extra_catalogue_changes_only_the_messages_it_holds() {
    let module = [("en", "shelf-title = Shelf\nshelf-body = Books\n")];
    let extra = [(
        "en".to_owned(),
        "shelf-title = Bookshelf\nsign-in-title = Log in\n".to_owned(),
    )];
    let cats = Catalogues::builtin_and(&module, &extra).expect("catalogues");
    assert_eq!(cats.message("en", "shelf-title", &[]), "Bookshelf");
    assert_eq!(
        cats.message("en", "shelf-body", &[]),
        "Books",
        "a module's other message stays"
    );
    assert_eq!(cats.message("en", "sign-in-title", &[]), "Log in");
    assert_eq!(
        cats.message("en", "sign-out", &[]),
        "Sign out",
        "the platform's other messages stay"
    );
    // Without the extra one, the module's own text.
    let plain = Catalogues::builtin_and(&module, &[]).expect("catalogues");
    assert_eq!(plain.message("en", "shelf-title", &[]), "Shelf");
    // A module may not define a message the platform has.
    let clash = [("en", "sign-out = Leave\n")];
    assert!(Catalogues::builtin_and(&clash, &[]).is_err());
}

#[test]
fn thousands_are_grouped_as_the_reader_writes_them() {
    assert_eq!(crate::group_thousands(157_652, '.'), "157.652");
    assert_eq!(crate::group_thousands(66_317, ','), "66,317");
    assert_eq!(crate::group_thousands(999, '.'), "999");
    assert_eq!(crate::group_thousands(-1_234_567, ','), "-1,234,567");
    assert_eq!(crate::group_thousands(0, ','), "0");
}

#[test]
fn decimals_are_marked_as_the_reader_writes_them() {
    assert_eq!(crate::decimal(83.46, 1, false), "83,5");
    assert_eq!(crate::decimal(83.46, 1, true), "83.5");
    assert_eq!(crate::decimal(1225.0, 2, false), "1.225,00");
    assert_eq!(crate::decimal(-1_234_567.891, 2, true), "-1,234,567.89");
    assert_eq!(crate::decimal(-0.04, 1, false), "-0,0");
    assert_eq!(crate::decimal(7.0, 0, false), "7");
    assert_eq!(crate::decimal(f64::NAN, 1, false), "NaN");
}
