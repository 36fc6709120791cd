//! `accordo quotas apportion`: the quota arithmetic alone, with no database.

use std::collections::BTreeMap;
use std::process::ExitCode;

use accordo_cooperation::{Claim, Method, apportion_by_code};

/// Parses `CODE=N` pairs (weights, floors, caps) and prints `{"CODE": seats, …}`; a clear
/// error and exit status 2 when the arguments or the bounds cannot be met.
pub fn apportion(
    method: &str,
    seats: u64,
    floors: &[String],
    caps: &[String],
    weights: &[String],
) -> ExitCode {
    match run(method, seats, floors, caps, weights) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(
    method: &str,
    seats: u64,
    floors: &[String],
    caps: &[String],
    weights: &[String],
) -> Result<String, String> {
    let method = Method::parse(method).ok_or_else(|| {
        format!("unknown method `{method}`: use largest-remainder, dhondt or sainte-lague")
    })?;
    if weights.is_empty() {
        return Err("name at least one partner as CODE=WEIGHT".into());
    }
    let mut claims = Vec::with_capacity(weights.len());
    for arg in weights {
        let (code, weight) = pair(arg, "CODE=WEIGHT")?;
        let weight: f64 = weight
            .parse()
            .map_err(|_| format!("`{arg}`: the weight must be a number of zero or more"))?;
        claims.push(Claim::new(code, weight));
    }
    let mut bound = |list: &[String], what: &str, set: fn(&mut Claim, u64)| {
        for arg in list {
            let (code, n) = pair(arg, "CODE=N")?;
            let n: u64 = n.parse().map_err(|_| {
                format!("--{what} `{arg}`: N must be a whole number of zero or more")
            })?;
            let claim = claims
                .iter_mut()
                .find(|c| c.code == code)
                .ok_or_else(|| format!("--{what} `{arg}`: {code} is not among the partners"))?;
            set(claim, n);
        }
        Ok::<(), String>(())
    };
    bound(floors, "floor", |c, n| c.floor = n)?;
    bound(caps, "cap", |c, n| c.cap = Some(n))?;
    let seats: BTreeMap<String, u64> =
        apportion_by_code(method, seats, &claims).map_err(|e| e.to_string())?;
    serde_json::to_string(&seats).map_err(|e| e.to_string())
}

fn pair<'a>(arg: &'a str, expected: &str) -> Result<(&'a str, &'a str), String> {
    match arg.split_once('=') {
        Some((code, value)) if !code.is_empty() => Ok((code, value)),
        _ => Err(format!("`{arg}`: expected {expected}")),
    }
}
