//! TD3 validation throughput on a file of generated MRZs, for `bench/mrz/run.sh`, which
//! runs it side by side with the Python `mrz` package on the same file.
//!
//! ```sh
//! cargo build --profile bench-lto -p accordo-mrz --example bench_td3
//! target/bench-lto/examples/bench_td3 gen 100000 /tmp/td3.txt
//! taskset -c 1 target/bench-lto/examples/bench_td3 run /tmp/td3.txt
//! ```
//!
//! `gen N FILE` writes N deterministic pseudo-random valid TD3 MRZs (xorshift64*, constant
//! seed), each block two lines, blocks separated by a blank line. Every field is drawn so
//! that the Python `mrz` 0.6.2 checker accepts it too: sex is `M`, `F` or `<` (it rejects
//! `X`), Germany is `D` (it rejects `DEU`), birth years 1940–2008 and expiry years 2020–2037
//! (its `%y` reads 00–68 as 20xx).
//!
//! `run FILE` reads the blocks and, on the calling thread only, times `validate` over all
//! of them (median of 11 rounds; a round is as many passes over the whole file as fill
//! about 0.2 s) and the full `check` report (median of 5 rounds of one pass). Every MRZ
//! must be valid: the verdicts are counted and asserted, so the work cannot be optimised
//! away and the generator is kept honest. Prints, tab-separated:
//!
//! ```text
//! accordo-mrz-validate  <count>  <valid>  <rate per second>
//! accordo-mrz-check     <count>  <valid>  <rate per second>
//! ```
//!
//! and `#` lines with the spread of the rounds.

use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use accordo_mrz::{Fields, Format, Names, generate};
use jiff::civil::{Date, date};

/// Fixed "today": the workspace reads the clock in one place only, and the benchmark must
/// be reproducible.
const TODAY: Date = date(2026, 11, 23);

/// Rounds whose median is reported.
const VALIDATE_ROUNDS: usize = 11;
const CHECK_ROUNDS: usize = 5;
/// A `validate` round repeats passes over the file until it lasts about this long.
const ROUND_SECONDS: f64 = 0.2;

/// xorshift64* (Vigna): plenty for test data, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform enough in 0..n for small n.
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }

    fn date_in(&mut self, first_year: i16, last_year: i16) -> Date {
        let y = first_year + self.below((last_year - first_year + 1) as usize) as i16;
        let m = 1 + self.below(12) as i8;
        let month = date(y, m, 1);
        let d = 1 + self.below(month.days_in_month() as usize) as i8;
        date(y, m, d)
    }
}

/// Real ISO 3166-1 alpha-3 codes, plus `D`, the code Doc 9303 gives Germany (the Python
/// package does not know `DEU`).
const STATES: &[&str] = &[
    "D", "FRA", "NLD", "GBR", "USA", "CAN", "ESP", "ITA", "POL", "SWE", "NOR", "JPN", "BRA", "IND",
    "ZAF", "MEX", "AUS", "CHE", "AUT", "BEL", "PRT", "IRL", "FIN", "DNK", "GRC", "CZE", "HUN",
    "ROU", "TUR", "KOR", "CHN", "ARG", "CHL", "NZL", "SGP", "EGY", "NGA", "KEN", "MAR", "UKR",
];

const SURNAMES: &[&str] = &[
    "ERIKSSON",
    "MUSTERMANN",
    "DUPONT",
    "GARCIA LOPEZ",
    "VAN DER BERG",
    "O'BRIEN",
    "NGUYEN",
    "SMITH-JONES",
    "KOWALSKI",
    "ROSSI",
    "TANAKA",
    "SILVA",
    "OKAFOR",
    "MBEKI",
    "HANSEN",
    "MUELLER",
    "PAPADOPOULOS",
    "NOVAK",
    "KIM",
    "WANG",
    "HERNANDEZ",
    "FITZGERALD",
    "DE LA CRUZ",
    "ABDULLAH",
    "SCHWARZENEGGER-VONDRACHENFELS",
    "LI",
    "JOHANSSON",
];

const GIVEN: &[&str] = &[
    "ANNA",
    "MARIA",
    "JOHN",
    "PIERRE",
    "SOFIA",
    "LUCAS",
    "AMARA",
    "HIROSHI",
    "OLGA",
    "PAUL",
    "MEI",
    "CHIDI",
    "INGRID",
    "MATEO",
    "ZEYNEP",
    "JEAN-LUC",
    "FATIMA",
    "KAROL",
    "EMMA",
    "ALEXANDRA",
    "BARTHOLOMEW",
    "YUKI",
    "NOAH",
    "LEILA",
];

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const DIGITS: &[u8] = b"0123456789";

fn fields(rng: &mut Rng) -> Fields {
    let issuing = rng.pick(STATES);
    let nationality = if rng.chance(90) {
        issuing
    } else {
        rng.pick(STATES)
    };
    let given_count = 1 + rng.below(3);
    let secondary = (0..given_count)
        .map(|_| rng.pick(GIVEN))
        .collect::<Vec<_>>()
        .join(" ");
    let number_len = if rng.chance(80) { 9 } else { 8 };
    let document_number = format!(
        "{}{}",
        rng.chars(LETTERS, 2),
        rng.chars(ALNUM, number_len - 2)
    );
    let optional_data = match rng.below(4) {
        0 | 1 => String::new(),
        2 => {
            let len = 1 + rng.below(14);
            rng.chars(DIGITS, len)
        }
        _ => format!("{}{}", rng.chars(LETTERS, 2), rng.chars(ALNUM, 7)),
    };
    Fields {
        format: Format::Td3,
        document_code: rng.pick(&["P", "PP", "PD", "PO"]).to_owned(),
        issuing_state: issuing.to_owned(),
        names: Names {
            primary: rng.pick(SURNAMES).to_owned(),
            secondary,
            truncated: false,
        },
        document_number,
        nationality: nationality.to_owned(),
        birth_date: Some(rng.date_in(1940, 2008)),
        sex: rng.pick(&["M", "F", "<"]).to_owned(),
        // Before 2038, so that a bare `P` code stays allowed.
        expiry_date: Some(rng.date_in(2020, 2037)),
        optional_data,
    }
}

fn gen_file(n: usize, path: &str) -> Result<(), Box<dyn Error>> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(n * 90);
    for i in 0..n {
        let mut mrz = generate(&fields(&mut rng))?;
        // An empty personal number (line 2, columns 29-42) may carry `<` instead of `0` as
        // its check digit; both weigh 0 in the composite, which stays right.
        let tail = mrz.len() - 16;
        if mrz.get(tail..tail + 15) == Some("<<<<<<<<<<<<<<0") && rng.chance(50) {
            mrz.replace_range(tail + 14..tail + 15, "<");
        }
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&mrz);
    }
    out.push('\n');
    std::fs::write(path, out)?;
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn spread(name: &str, rates: &[f64]) {
    let mut s = rates.to_vec();
    s.sort_by(f64::total_cmp);
    let show: Vec<String> = s.iter().map(|r| format!("{:.3}", r / 1e6)).collect();
    println!(
        "# {name}: {} rounds, M/s sorted: {} (min/median/max spread {:.1}%)",
        s.len(),
        show.join(" "),
        100.0 * (s[s.len() - 1] - s[0]) / s[s.len() / 2]
    );
}

fn count_valid(blocks: &[&str], f: impl Fn(&str, Date) -> bool) -> usize {
    blocks
        .iter()
        .map(|b| usize::from(f(black_box(b), black_box(TODAY))))
        .sum()
}

fn run_file(path: &str) -> Result<(), Box<dyn Error>> {
    let text = std::fs::read_to_string(path)?;
    let blocks: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .collect();
    let n = blocks.len();
    if n == 0 {
        return Err(format!("{path}: no MRZ blocks").into());
    }

    // validate: warm up, then size a round to about ROUND_SECONDS.
    let start = Instant::now();
    let valid = count_valid(&blocks, accordo_mrz::validate);
    assert_eq!(valid, n, "validate rejected {} of {n} MRZs", n - valid);
    let one_pass = start.elapsed().as_secs_f64();
    let passes = ((ROUND_SECONDS / one_pass).ceil() as usize).max(1);
    let mut rates = Vec::with_capacity(VALIDATE_ROUNDS);
    for _ in 0..VALIDATE_ROUNDS {
        let start = Instant::now();
        let mut valid = 0;
        for _ in 0..passes {
            valid += count_valid(&blocks, accordo_mrz::validate);
        }
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(valid, n * passes, "validate rejected some MRZs");
        rates.push((n * passes) as f64 / secs);
    }
    println!("# validate: {passes} passes over the {n} MRZs per round");
    spread("validate", &rates);
    let validate_rate = median(rates);

    // check: the full report, one pass per round.
    let check_valid = |b: &str, t: Date| black_box(accordo_mrz::check(b, t)).valid;
    let valid = count_valid(&blocks, check_valid);
    assert_eq!(valid, n, "check rejected {} of {n} MRZs", n - valid);
    let mut rates = Vec::with_capacity(CHECK_ROUNDS);
    for _ in 0..CHECK_ROUNDS {
        let start = Instant::now();
        let valid = count_valid(&blocks, check_valid);
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(valid, n, "check rejected some MRZs");
        rates.push(n as f64 / secs);
    }
    spread("check", &rates);
    let check_rate = median(rates);

    println!("accordo-mrz-validate\t{n}\t{n}\t{validate_rate:.0}");
    println!("accordo-mrz-check\t{n}\t{n}\t{check_rate:.0}");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    match argv.as_slice() {
        ["gen", n, path] => gen_file(n.replace('_', "").parse()?, path),
        ["run", path] => run_file(path),
        _ => Err("usage: bench_td3 gen N FILE | bench_td3 run FILE".into()),
    }
}
