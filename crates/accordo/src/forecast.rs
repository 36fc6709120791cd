//! `accordo flows forecast-file`: the platform's forecasting pipeline on an analyst's own
//! series, with no database.

use std::path::Path;
use std::process::ExitCode;

use accordo_flows::forecast_file;
use accordo_flows::forecast_file::Model;

/// Reads `file`, forecasts each series `horizon` periods ahead by `model` (`auto`: the one
/// its backtest chooses) and writes the answer to `out` (whole, or not at all) or to
/// standard output. Exit 1 when the file, the horizon or the model is refused, 2 when a file
/// cannot be read or written.
pub fn file(file: &Path, horizon: usize, out: Option<&Path>, model: &str) -> ExitCode {
    let model = match model {
        "auto" => None,
        name => match Model::parse(name) {
            Some(m) => Some(m),
            None => {
                let known: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
                eprintln!(
                    "error: --model must be auto or one of {}, not `{name}`",
                    known.join(", ")
                );
                return ExitCode::from(1);
            }
        },
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let answer = match forecast_file::forecast(&bytes, horizon, model) {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "error: {} was refused; nothing was written. {e}",
                file.display()
            );
            return ExitCode::from(1);
        }
    };
    match out {
        None => {
            print!("{answer}");
            ExitCode::SUCCESS
        }
        Some(path) => {
            // Written beside, then renamed: a reader never sees half a file.
            let partial = path.with_extension("partial");
            let written =
                std::fs::write(&partial, &answer).and_then(|()| std::fs::rename(&partial, path));
            match written {
                Ok(()) => {
                    eprintln!(
                        "wrote {} forecasts to {}",
                        answer.lines().count().saturating_sub(1),
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&partial);
                    eprintln!("error: cannot write {}: {e}", path.display());
                    ExitCode::from(2)
                }
            }
        }
    }
}
