//! `cargo xtask check`: every lint of a build — links, anchors, front
//! matter, diagrams, mojibake, fake-only credentials — without writing
//! anything. Plain text for people, `--format json` for editors, and an
//! exit code for CI.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use tokenbook_site::{Origin, Severity};

use crate::build::{assemble, report};
use crate::repo_root;

/// How to print the findings.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: severity: message` with the source line and a hint.
    Text,
    /// One JSON array of {path, origin, code, line, column, severity,
    /// message, hint}.
    Json,
}

/// Arguments of `cargo xtask check`.
#[derive(clap::Args)]
pub struct Args {
    /// The lessons to check.
    #[arg(long, value_name = "DIR", default_value_os_t = repo_root().join("content"))]
    content: PathBuf,
    /// The static directory (link targets such as /css/site.css).
    #[arg(long = "static", value_name = "DIR", default_value_os_t = repo_root().join("static"))]
    static_dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

/// Checks the content; fails on errors (and on warnings if asked).
pub fn run(args: &Args) -> Result<ExitCode, String> {
    let site = assemble(
        &args.content,
        &args.static_dir,
        &tokenbook_site::Cache::disabled(),
        crate::build::unix_now(),
    )?;
    let dirs = crate::build::Dirs {
        content: args.content.clone(),
        static_dir: args.static_dir.clone(),
        out: PathBuf::from("(not written)"),
    };
    let diagnostics = &site.build.diagnostics;
    match args.format {
        Format::Text => {
            report(diagnostics, &dirs);
            eprintln!(
                "checked {} lessons: {} error(s), {} warning(s)",
                site.build.lessons,
                site.count(Severity::Error),
                site.count(Severity::Warning)
            );
        }
        Format::Json => {
            let items: Vec<_> = diagnostics
                .iter()
                .map(|d| {
                    // A generated page is named by its path in the site.
                    let path = match d.origin {
                        Origin::Static => dirs.static_dir.join(&d.path),
                        Origin::Content => dirs.content.join(&d.path),
                        Origin::Generated => PathBuf::from(&d.path),
                    };
                    json!({
                        "path": path.display().to_string(),
                        "origin": d.origin.name(),
                        "code": d.code,
                        "line": d.line,
                        "column": d.column,
                        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                        "message": d.message,
                        "hint": d.hint,
                    })
                })
                .collect();
            println!("{}", serde_json::Value::Array(items));
        }
    }
    let failed = site.count(Severity::Error) > 0
        || (args.deny_warnings && site.count(Severity::Warning) > 0);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
