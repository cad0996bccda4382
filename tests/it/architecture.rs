//! The layering of `src/`, checked as rust-analyzer's tidy tests check theirs: every module
//! imports only modules of the layers below its own, in the order ARCHITECTURE.md lists them,
//! and no source file grows past 600 lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;

use crate::support::root;

/// Longest source file, in lines.
const MAX_LINES: usize = 600;

/// The layer of each top-level module, read from the "Layers" list of ARCHITECTURE.md: one
/// numbered line per layer, its modules in backticks.
fn layers(architecture: &str) -> BTreeMap<String, usize> {
    let list = architecture
        .split("\n## Layers")
        .nth(1)
        .expect("ARCHITECTURE.md has a \"## Layers\" section");
    let list = list.split("\n## ").next().unwrap_or_default();
    let numbered = Regex::new(r"^(\d+)\. ").unwrap();
    let quoted = Regex::new(r"`([a-z_]+)`").unwrap();
    let mut layers = BTreeMap::new();
    for line in list.lines() {
        let Some(number) = numbered.captures(line) else {
            continue;
        };
        let layer: usize = number[1].parse().unwrap();
        for module in quoted.captures_iter(line) {
            layers.insert(module[1].to_string(), layer);
        }
    }
    layers
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The top-level modules a file's code names through `crate::` (comments aside).
fn imports(text: &str) -> Vec<String> {
    let single = Regex::new(r"crate::([a-z_]+)").unwrap();
    let grouped = Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let first_name = Regex::new(r"^\s*([a-z_]+)").unwrap();
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found: Vec<String> = single
        .captures_iter(&code)
        .map(|found| found[1].to_string())
        .collect();
    for group in grouped.captures_iter(&code) {
        for item in group[1].split(',') {
            if let Some(name) = first_name.captures(item) {
                found.push(name[1].to_string());
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The problems of the tree at `src` against `layers`.
fn violations(src: &Path, layers: &BTreeMap<String, usize>) -> Vec<String> {
    let mut problems = Vec::new();
    for path in sources(src) {
        let relative = path.strip_prefix(src).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let n_lines = text.lines().count();
        if n_lines > MAX_LINES {
            problems.push(format!(
                "{} has {n_lines} lines (at most {MAX_LINES})",
                relative.display()
            ));
        }
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(&own) = layers.get(&top) else {
            problems.push(format!(
                "module {top} ({}) is in no layer of ARCHITECTURE.md",
                relative.display()
            ));
            continue;
        };
        for imported in imports(&text) {
            if imported == top || imported == "self" {
                continue;
            }
            match layers.get(&imported) {
                Some(&layer) if layer < own => {}
                Some(&layer) => problems.push(format!(
                    "{} (layer {own}) imports {imported} (layer {layer}): only layers below may be imported",
                    relative.display()
                )),
                None => problems.push(format!(
                    "{} imports {imported}, which is in no layer of ARCHITECTURE.md",
                    relative.display()
                )),
            }
        }
    }
    problems
}

#[test]
fn modules_import_only_the_layers_below_them() {
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let layers = layers(&architecture);
    assert!(layers.len() >= 10, "layers read: {layers:?}");
    let problems = violations(&root().join("src"), &layers);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_sees_upward_imports_and_long_files() {
    let scratch = tempfile::TempDir::new().unwrap();
    let src = scratch.path();
    std::fs::create_dir(src.join("low")).unwrap();
    std::fs::write(src.join("low/mod.rs"), "use crate::high::Thing;\n").unwrap();
    std::fs::write(
        src.join("high.rs"),
        "use crate::{low::Other, high};\n// crate::nowhere in a comment\n",
    )
    .unwrap();
    std::fs::write(src.join("long.rs"), "\n".repeat(MAX_LINES + 1)).unwrap();
    let layers = layers("# A\n\n## Layers\n\n1. `low`, `long`\n2. `high`\n\n## Next\n3. `x`\n");
    assert_eq!(layers.len(), 3, "{layers:?}");
    let problems = violations(src, &layers);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems.iter().any(|p| p.contains("imports high")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("601 lines")),
        "{problems:#?}"
    );
}
