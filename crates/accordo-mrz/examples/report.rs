//! Prints the JSON report of an MRZ read from standard input; today's date is the argument.
//!
//! `printf 'P<UTO...\nL898...' | cargo run -p accordo-mrz --example report -- 2026-11-23`

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(today) = std::env::args().nth(1) else {
        return Err("usage: report YYYY-MM-DD < mrz.txt".into());
    };
    let today: jiff::civil::Date = today.parse()?;
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let report = accordo_mrz::check(&text, today);
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
