#![no_main]
//! `check` and `validate` on arbitrary bytes: no panic, and the two agree.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = jiff::civil::date(2026, 11, 23);
    let text = String::from_utf8_lossy(data);
    let report = accordo_mrz::check(&text, today);
    assert_eq!(report.valid, accordo_mrz::validate(&text, today));
    if let Some(s) = &report.suggestion {
        assert!(accordo_mrz::validate(&s.mrz, today));
    }
});
