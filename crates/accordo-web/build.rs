//! Embeds every template and every asset: each file under `templates/` and `assets/` becomes
//! an entry of a generated table, so adding a page or a file needs no list to edit.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.extension().is_some_and(|e| e == "md" || e == "txt")
                && !path.ends_with("LICENSE")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn table(root: &Path, name: &str, ty: &str, macro_name: &str) -> String {
    let mut code = format!("pub static {name}: &[(&str, {ty})] = &[\n");
    for path in files(root) {
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let abs = path.canonicalize().expect("readable file");
        writeln!(
            code,
            "    ({rel:?}, {macro_name}!({:?})),",
            abs.to_string_lossy()
        )
        .expect("write");
    }
    code.push_str("];\n");
    code
}

fn main() {
    let here = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    for dir in ["templates", "assets", "locales"] {
        println!("cargo:rerun-if-changed={dir}");
    }
    let mut code = String::new();
    code.push_str(&table(
        &here.join("templates"),
        "TEMPLATES",
        "&str",
        "include_str",
    ));
    code.push_str(&table(
        &here.join("assets"),
        "ASSETS",
        "&[u8]",
        "include_bytes",
    ));
    code.push_str(&table(
        &here.join("locales"),
        "LOCALES",
        "&str",
        "include_str",
    ));
    fs::write(out.join("embedded.rs"), code).expect("write embedded.rs");
}
