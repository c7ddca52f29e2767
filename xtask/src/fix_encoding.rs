//! `cargo xtask fix-encoding FILE...`: repairs mojibake in place. The
//! original is kept beside the file (`FILE.orig`), the repaired text is
//! written atomically, and every inferred character and every U+FFFD is
//! printed with its `path:line:col`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tokenbook_diagram::mojibake::{self, Replacement};

/// Arguments of `cargo xtask fix-encoding`.
#[derive(clap::Args)]
pub struct Args {
    /// The files to repair.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Repairs each file; fails if any file could not be read or written.
pub fn run(args: &Args) -> Result<ExitCode, String> {
    let mut failed = false;
    for file in &args.files {
        if let Err(message) = fix(file) {
            eprintln!("{}: error: {message}", file.display());
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn fix(file: &Path) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 (first bad byte at offset {}); this command repairs UTF-8 text that was misread, convert the file to UTF-8 first",
            e.utf8_error().valid_up_to()
        )
    })?;
    let Some(repair) = mojibake::repair(&text) else {
        eprintln!("{}: no mojibake found; left as it was", file.display());
        return Ok(());
    };
    let shown = file.display();
    let mut inferred = 0;
    let mut lost = 0;
    for finding in repair.losses() {
        let line_start = repair.text[..finding.at].rfind('\n').map_or(0, |i| i + 1);
        let line = repair.text[..line_start].matches('\n').count() + 1;
        let column = repair.text[line_start..finding.at].chars().count() + 1;
        match &finding.replacement {
            Replacement::Inferred { text, reason } => {
                inferred += 1;
                eprintln!(
                    "{shown}:{line}:{column}: inferred `{text}` for `{}`: {reason}",
                    finding.found
                );
            }
            Replacement::Lost { bytes } => {
                lost += 1;
                eprintln!(
                    "{shown}:{line}:{column}: wrote U+FFFD for `{}`: {bytes} byte(s) lost and more than one character fits; put the right one in by hand",
                    finding.found
                );
            }
            Replacement::Exact(_) => {}
        }
    }
    let backup = backup_path(file);
    std::fs::copy(file, &backup)
        .map_err(|e| format!("cannot keep a backup at {}: {e}", backup.display()))?;
    let temporary = file.with_file_name(format!(
        ".{}.fix-encoding-{}",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    std::fs::write(&temporary, &repair.text).map_err(|e| format!("cannot write: {e}"))?;
    std::fs::rename(&temporary, file).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot replace the file: {e}")
    })?;
    let restored = repair.findings.len() - inferred - lost;
    eprintln!(
        "{shown}: repaired mojibake from {}: {restored} restored exactly, {inferred} inferred, {lost} lost (U+FFFD); the original is at {}",
        repair.code_page.name(),
        backup.display()
    );
    Ok(())
}

/// `FILE.orig`, or `FILE.orig.N` when that exists already.
fn backup_path(file: &Path) -> PathBuf {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let first = file.with_file_name(format!("{name}.orig"));
    if !first.exists() {
        return first;
    }
    (1..)
        .map(|n| file.with_file_name(format!("{name}.orig.{n}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}
