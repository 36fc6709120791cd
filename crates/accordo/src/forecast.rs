//! `accordo flows forecast`: every published series forecast again from the database, with
//! a progress bar; `accordo flows forecast-file`: the same pipeline on an analyst's own
//! series, with no database.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use accordo_flows_app::service::forecasts;
use accordo_service::Platform;
use anyhow::Result;
use indicatif::ProgressBar;

use accordo_flows::forecast_file;
use accordo_flows::forecast_file::Model;

/// Recomputes every forecast with a progress bar, prints each series' choice and next month,
/// and writes them all to `out` as CSV when asked.
pub async fn all(platform: &Platform, out: Option<&Path>) -> Result<ExitCode> {
    let bar = ProgressBar::new(0).with_style(crate::bar_style());
    bar.set_message("series forecast");
    let shown = bar.clone();
    let progress: Arc<dyn Fn(usize, usize) + Send + Sync> = Arc::new(move |done, total| {
        shown.set_length(total as u64);
        shown.set_position(done as u64);
    });
    forecasts::refresh_with(platform, progress).await?;
    bar.finish_and_clear();
    let all =
        forecasts::all(platform, &accordo_service::demo::command_line_ctx())?.unwrap_or_default();
    if all.is_empty() {
        eprintln!("no series has enough months to forecast: import the published figures first");
        return Ok(ExitCode::from(1));
    }
    let mut csv = String::from("series,period,mean,lo80,hi80,lo95,hi95,model\n");
    println!(
        "{:<40} {:<15} {:>9}  {:<8} {:>10}  80% interval",
        "series", "model", "mean MASE", "next", "forecast"
    );
    for (key, f) in &all {
        let name = key.name();
        let chosen = f.backtest.chosen;
        let mase = f.backtest.of(chosen).map_or(f64::NAN, |s| s.mean_mase);
        let fc = &f.forecast;
        println!(
            "{name:<40} {:<15} {mase:>9.2}  {:<8} {:>10.0}  {:.0}–{:.0}",
            chosen.as_str(),
            f.periods.first().map_or("", String::as_str),
            fc.mean[0],
            fc.lo80[0],
            fc.hi80[0],
        );
        for (j, period) in f.periods.iter().enumerate() {
            csv.push_str(&format!(
                "{},{period},{:.2},{:.2},{:.2},{:.2},{:.2},{}\n",
                if name.contains(',') {
                    format!("\"{name}\"")
                } else {
                    name.clone()
                },
                fc.mean[j] + 0.0,
                fc.lo80[j] + 0.0,
                fc.hi80[j] + 0.0,
                fc.lo95[j] + 0.0,
                fc.hi95[j] + 0.0,
                chosen.as_str()
            ));
        }
    }
    println!(
        "{} series forecast {} months ahead",
        all.len(),
        forecasts::HORIZON
    );
    Ok(match out {
        Some(path) => write_whole(path, &csv),
        None => ExitCode::SUCCESS,
    })
}

/// Writes `text` to `path` beside, then renamed: a reader never sees half a file.
fn write_whole(path: &Path, text: &str) -> ExitCode {
    let partial = path.with_extension("partial");
    match std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, path)) {
        Ok(()) => {
            eprintln!(
                "wrote {} forecasts to {}",
                text.lines().count().saturating_sub(1),
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
        Some(path) => write_whole(path, &answer),
    }
}
