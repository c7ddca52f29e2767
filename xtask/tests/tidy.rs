//! Rules of the code base that must never rot, checked on every test run
//! (rust-analyzer keeps its own the same way): every source file opens
//! with a `//!` comment saying what it owns; the pure libraries under
//! `crates/` touch no file, network, environment or terminal; no crate has
//! a module cycle; no source file holds more than 700 lines of code before
//! its tests.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use support::repo;

/// Every Rust file of the repository (not `target/`), relative paths.
fn rust_files() -> Vec<PathBuf> {
    let root = repo();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.depth() > 0
                && (name.starts_with('.') || name.starts_with("target") || name == "node_modules"))
        })
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.path().strip_prefix(&root).unwrap().to_path_buf())
        .collect();
    files.sort();
    assert!(files.len() > 40, "{files:?}");
    files
}

/// A file's code before its unit tests, without comment lines.
fn code_before_tests(text: &str) -> Vec<&str> {
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect()
}

#[test]
fn every_source_file_opens_with_a_module_comment() {
    let missing: Vec<String> = rust_files()
        .into_iter()
        .filter(|f| {
            let text = std::fs::read_to_string(repo().join(f)).unwrap();
            !text.starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading //! comment:\n{}",
        missing.join("\n")
    );
}

/// What the pure libraries may not use: input and output belong to
/// `xtask`.
const IO: [&str; 9] = [
    "std::fs",
    "std::net",
    "std::env",
    "std::process",
    "println!",
    "eprintln!",
    "print!(",
    "eprint!(",
    "dbg!(",
];

/// The problems of one library file: each line using one of [`IO`].
fn io_in(text: &str) -> Vec<String> {
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter_map(|(i, line)| {
            IO.iter()
                .find(|pattern| line.contains(*pattern))
                .map(|pattern| format!("line {}: {pattern}: {}", i + 1, line.trim()))
        })
        .collect()
}

/// Files that are test code as a whole: modules their parent declares
/// `#[cfg(test)] mod name;`.
fn test_only_modules() -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    for file in rust_files() {
        let text = std::fs::read_to_string(repo().join(&file)).unwrap();
        let dir = match file.file_name().and_then(|n| n.to_str()) {
            Some("lib.rs" | "main.rs" | "mod.rs") => file.parent().unwrap().to_path_buf(),
            _ => file.with_extension(""),
        };
        for (at, _) in text.match_indices("#[cfg(test)]\nmod ") {
            let rest = &text[at + "#[cfg(test)]\nmod ".len()..];
            if let Some(name) = rest
                .split(';')
                .next()
                .filter(|n| !n.contains(' ') && !n.contains('{'))
            {
                found.insert(dir.join(format!("{name}.rs")));
                found.insert(dir.join(name).join("mod.rs"));
            }
        }
    }
    found
}

#[test]
fn the_libraries_do_no_io() {
    let tests = test_only_modules();
    let mut found = Vec::new();
    for file in rust_files().into_iter().filter(|f| !tests.contains(f)) {
        let in_library = file.starts_with("crates")
            && file
                .components()
                .nth(2)
                .is_some_and(|c| c.as_os_str() == "src");
        if !in_library {
            continue;
        }
        let text = std::fs::read_to_string(repo().join(&file)).unwrap();
        found.extend(
            io_in(&text)
                .into_iter()
                .map(|p| format!("{}: {p}", file.display())),
        );
    }
    assert!(
        found.is_empty(),
        "I/O in a pure library (it belongs in xtask):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_io_rule_catches_a_library_that_opens_a_file() {
    assert_eq!(
        io_in("//! A module.\nfn read() {\n    let _ = std::fs::read(\"x\");\n}\n"),
        ["line 3: std::fs: let _ = std::fs::read(\"x\");"]
    );
    assert!(io_in("//! The fs is not touched: std::fs in a comment.\n").is_empty());
    assert!(
        io_in("fn a() {}\n#[cfg(test)]\nmod tests {\n    fn b() { println!(\"x\"); }\n}\n")
            .is_empty()
    );
}

/// A crate's modules by path (`build::keys`), each with the modules its
/// code (tests aside) refers to.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        if parts == ["lib"] || parts == ["main"] {
            continue; // the crate root only declares and re-exports
        }
        modules.insert(parts.join("::"), path.to_path_buf());
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, path)| {
            let text = std::fs::read_to_string(path).unwrap();
            let code = code_before_tests(&text).join("\n");
            (name.clone(), references(name, &code, &names))
        })
        .collect()
}

/// The modules `code` of module `name` refers to through `crate::` and
/// `super::` paths (in `use` and in expressions alike).
fn references(name: &str, code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let parent: Vec<&str> = name.split("::").collect();
    let parent = &parent[..parent.len() - 1];
    let mut found = BTreeSet::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent.to_vec())] {
        for (at, _) in code.match_indices(prefix) {
            // `self::super`, `crate::super` and `$crate` are not ours.
            if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let segments: Vec<&str> = rest
                .split("::")
                .map(|s| {
                    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("")
                })
                .take_while(|s| !s.is_empty())
                .collect();
            // `use crate::{a, b::c}`: every name in the braces.
            let braced = rest
                .strip_prefix('{')
                .map(|inner| inner[..inner.find('}').unwrap_or(inner.len())].to_string());
            let mut candidates: Vec<Vec<String>> = Vec::new();
            if let Some(inner) = braced {
                for item in inner.split(',') {
                    let path: Vec<String> = item
                        .trim()
                        .split("::")
                        .map(|s| s.trim().to_string())
                        .collect();
                    candidates.push(path);
                }
            } else {
                candidates.push(segments.iter().map(|s| s.to_string()).collect());
            }
            for path in candidates {
                // The longest module path the reference starts with.
                let mut full: Vec<String> = base.iter().map(|s| s.to_string()).collect();
                // `super::item`: at least the parent module itself.
                let mut best = Some(full.join("::")).filter(|m| modules.contains(m));
                for segment in path {
                    full.push(segment);
                    let joined = full.join("::");
                    if modules.contains(&joined) {
                        best = Some(joined);
                    }
                }
                if let Some(module) = best.filter(|m| m != name) {
                    found.insert(module);
                }
            }
        }
    }
    // A parent names its children without a prefix: `plan::Plan`.
    for child in modules.iter().filter(|m| {
        m.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix("::"))
            .is_some_and(|rest| !rest.contains("::"))
    }) {
        let short = child.rsplit("::").next().unwrap_or(child);
        let named = code.match_indices(&format!("{short}::")).any(|(at, _)| {
            !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
        });
        if named {
            found.insert(child.clone());
        }
    }
    found
}

/// A cycle in `graph`, as the modules along it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut found = path[i..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_has_a_module_cycle() {
    let mut crates: Vec<PathBuf> = std::fs::read_dir(repo().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .collect();
    crates.extend(
        [
            "xtask/src",
            "xtask/serve/src",
            "xtask/bench/src",
            "xtask/bindgen/src",
        ]
        .map(|p| repo().join(p)),
    );
    let mut graphs = 0;
    for src in crates.iter().filter(|p| p.is_dir()) {
        let graph = module_graph(src);
        graphs += 1;
        if let Some(found) = cycle(&graph) {
            panic!(
                "{}: modules in a cycle: {}",
                src.display(),
                found.join(" -> ")
            );
        }
    }
    assert!(graphs >= 8, "{graphs}");
}

#[test]
fn the_cycle_check_finds_a_cycle_and_reads_use_lists() {
    let modules: BTreeSet<String> = ["a", "b", "b::c", "d"].map(String::from).into();
    assert_eq!(
        references(
            "a",
            "use crate::{b::c, d};\nfn f() { crate::b::x(); }",
            &modules
        ),
        ["b", "b::c", "d"].map(String::from).into()
    );
    assert_eq!(
        references("b::c", "use super::d;\nuse super::x;", &modules),
        ["b"].map(String::from).into()
    );
    assert_eq!(
        references("b", "fn f() { c::go(); }", &modules),
        ["b::c"].map(String::from).into()
    );
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), ["b".to_string()].into()),
        ("b".to_string(), ["d".to_string()].into()),
        ("d".to_string(), ["a".to_string()].into()),
    ]
    .into();
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "d", "a"]);
    let mut acyclic = graph.clone();
    acyclic.insert("d".to_string(), BTreeSet::new());
    assert_eq!(cycle(&acyclic), None);
}

#[test]
fn no_source_file_has_more_than_700_lines_of_code_before_its_tests() {
    let long: Vec<String> = rust_files()
        .into_iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "tests"))
        .filter_map(|f| {
            let text = std::fs::read_to_string(repo().join(&f)).unwrap();
            let lines = code_before_tests(&text)
                .iter()
                .filter(|l| !l.trim().is_empty())
                .count();
            (lines > 700).then(|| format!("{}: {lines} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
}
