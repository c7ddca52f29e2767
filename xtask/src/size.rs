//! `cargo xtask size`: what a reader downloads. For every page of a built
//! site, the gzipped bytes of its HTML and of the stylesheets and scripts it
//! loads; and the playground's and the lab's WebAssembly with their
//! JavaScript glue, against their budgets.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use flate2::Compression;
use flate2::write::GzEncoder;
use walkdir::WalkDir;

use crate::repo_root;

/// A lesson page without the playground: HTML, CSS and JS together.
const PAGE_BUDGET: usize = 30 * 1024;
/// The WebAssembly modules, with their glue: file stem, name, budget. The
/// lab's is fetched only by pages with exercises, on top of what they load.
const WASM_MODULES: [(&str, &str, usize); 2] = [
    ("tokenbook_wasm", "playground", 110 * 1024),
    ("tokenbook_lab_wasm", "OAuth lab", 120 * 1024),
];

/// Arguments of `cargo xtask size`.
#[derive(clap::Args)]
pub struct Args {
    /// The built site to measure.
    #[arg(long, value_name = "DIR", default_value_os_t = repo_root().join("public"))]
    pub out: PathBuf,
}

/// Prints the table; fails when a budget is exceeded.
pub fn run(args: &Args) -> Result<ExitCode, String> {
    if !args.out.join("index.html").exists() {
        return Err(format!(
            "{} holds no built site; run cargo xtask build first",
            args.out.display()
        ));
    }
    let mut cache: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut gz = |path: &Path| -> usize {
        *cache
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read(path).map(|b| gzip_len(&b)).unwrap_or(0))
    };
    let mut over = Vec::new();
    println!(
        "{:<52} {:>9} {:>9} {:>9} {:>10}",
        "page (gzipped bytes)", "html", "css", "js", "total"
    );
    let mut pages: Vec<PathBuf> = WalkDir::new(&args.out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    pages.sort();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap_or_default();
        let dir = page.parent().unwrap_or(&args.out);
        let (mut css, mut js) = (0, 0);
        for (attribute, is_css) in [
            ("<link rel=\"stylesheet\" href=\"", true),
            (" src=\"", false),
        ] {
            for url in attribute_values(&html, attribute) {
                let Some(file) = local_file(&args.out, dir, &url) else {
                    continue;
                };
                if is_css {
                    css += gz(&file)
                } else {
                    js += gz(&file)
                }
            }
        }
        let html_gz = gzip_len(html.as_bytes());
        let total = html_gz + css + js;
        let rel = page
            .strip_prefix(&args.out)
            .unwrap_or(page)
            .display()
            .to_string();
        let playground = html.contains("class=\"playground\"");
        // Every lesson on one page: as heavy as the course, by design.
        let whole_course = rel == format!("{}index.html", tokenbook_site::PRINT_URL);
        let flag = if whole_course {
            "  whole course"
        } else if !playground && total > PAGE_BUDGET {
            over.push(format!("{rel}: {total} bytes"));
            "  over budget"
        } else if playground {
            "  + playground"
        } else {
            ""
        };
        println!("{rel:<52} {html_gz:>9} {css:>9} {js:>9} {total:>10}{flag}");
    }
    let mut both = 0;
    for (stem, what, budget) in WASM_MODULES {
        let wasm = args.out.join(format!("wasm/{stem}_bg.wasm"));
        if !wasm.exists() {
            continue;
        }
        let (module, glue) = (gz(&wasm), gz(&args.out.join(format!("wasm/{stem}.js"))));
        let total = module + glue;
        both += total;
        let verdict = if total <= budget { "within" } else { "OVER" };
        println!(
            "{}{what}: WebAssembly {module} + glue {glue} = {total} bytes gzipped ({:.1} KB), {verdict} the {} KB budget",
            if what == "playground" { "\n" } else { "" },
            total as f64 / 1024.0,
            budget / 1024
        );
        if total > budget {
            over.push(format!("{what} WebAssembly and glue: {total} bytes"));
        }
    }
    // The lab borrows the playground module's token operations: its first
    // use on a page fetches both.
    println!(
        "a page's first use of the lab fetches both modules: {both} bytes gzipped ({:.1} KB)",
        both as f64 / 1024.0
    );
    println!(
        "page budget: {} KB gzipped for a page without the playground",
        PAGE_BUDGET / 1024
    );
    if over.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("over budget:\n  {}", over.join("\n  "));
        Ok(ExitCode::FAILURE)
    }
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().map_or(0, |v| v.len())
}

fn attribute_values(html: &str, prefix: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(prefix) {
        rest = &rest[i + prefix.len()..];
        if let Some(end) = rest.find('"') {
            values.push(rest[..end].to_string());
        }
    }
    values
}

/// The file a page-relative or base-absolute URL names, if it is one of the
/// site's own.
fn local_file(root: &Path, dir: &Path, url: &str) -> Option<PathBuf> {
    if url.contains("://") {
        return None;
    }
    let path = match url.strip_prefix('/') {
        // Absolute from the base path (the 404 page): find the file by its tail.
        Some(abs) => {
            let mut parts: Vec<&str> = abs.split('/').collect();
            while !parts.is_empty() && !root.join(parts.join("/")).exists() {
                parts.remove(0);
            }
            root.join(parts.join("/"))
        }
        None => dir.join(url),
    };
    path.is_file().then_some(path)
}
