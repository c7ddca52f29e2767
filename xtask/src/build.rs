//! `cargo xtask build`: read the content, build the site in memory, report
//! every problem, and only then write the output, atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use tokenbook_site::{Diagnostic, Severity};

use crate::{output, read, repo_root};

/// The directories a build reads and writes (shared by `build` and `serve`).
#[derive(clap::Args)]
pub struct Dirs {
    /// The lessons.
    #[arg(long, value_name = "DIR", default_value_os_t = repo_root().join("content"))]
    pub content: PathBuf,
    /// Where the site goes; replaced as a whole when a build succeeds.
    #[arg(long, value_name = "DIR", default_value_os_t = repo_root().join("public"))]
    pub out: PathBuf,
    /// Files copied as they are into the site (stylesheets, scripts).
    #[arg(long = "static", value_name = "DIR", default_value_os_t = repo_root().join("static"))]
    pub static_dir: PathBuf,
}

impl Dirs {
    /// Calls `f` with these directories as diagnostics show them.
    pub fn with_roots<T>(&self, f: impl FnOnce(&tokenbook_site::Roots<'_>) -> T) -> T {
        let (content, static_dir, out) = (
            self.content.display().to_string(),
            self.static_dir.display().to_string(),
            self.out.display().to_string(),
        );
        f(&tokenbook_site::Roots {
            content: &content,
            static_dir: &static_dir,
            out: &out,
        })
    }

    /// The checked output location for these directories.
    pub fn plan(&self) -> Result<output::Plan, String> {
        output::Plan::new(&self.out, &self.content, &self.static_dir, &repo_root())
    }
}

/// Arguments of `cargo xtask build`.
#[derive(clap::Args)]
pub struct Args {
    /// What to read and where to write.
    #[command(flatten)]
    pub dirs: Dirs,
    /// Treat warnings as errors: write nothing if there are any.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// A site built in memory, with everything to copy beside it.
pub struct Assembled {
    /// The pages and every diagnostic, reading problems included.
    pub build: tokenbook_site::Build,
    /// Static files and content assets: where they are, their site paths.
    pub copies: Vec<(PathBuf, String)>,
}

impl Assembled {
    /// How many diagnostics have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.build.count(severity)
    }
}

/// Reads the content and static directories and builds the site in memory.
pub fn assemble(
    content: &Path,
    static_dir: &Path,
    cache: &tokenbook_site::Cache,
    now: i64,
) -> Result<Assembled, String> {
    let read = read::content(content)?;
    let statics = read::static_files(static_dir)?;
    let (copied_pages, mut unreadable) = read::copied_pages(&statics, &read.assets);
    let input = tokenbook_site::SiteInput {
        sources: read.sources,
        assets: read.assets.iter().map(|(rel, _)| rel.clone()).collect(),
        static_files: statics.iter().map(|(rel, _)| rel.clone()).collect(),
        copied_pages,
        now,
    };
    let mut build = tokenbook_site::build_cached(&input, cache);
    let mut diagnostics = read.diagnostics;
    diagnostics.append(&mut unreadable);
    diagnostics.append(&mut build.diagnostics);
    build.diagnostics = diagnostics;
    let copies = statics
        .into_iter()
        .map(|(rel, path)| (path, rel))
        .chain(read.assets.into_iter().map(|(rel, path)| (path, rel)))
        .collect();
    Ok(Assembled { build, copies })
}

/// Runs the build and prints diagnostics and a summary line.
pub fn run(args: &Args) -> Result<ExitCode, String> {
    let started = Instant::now();
    let plan = args.dirs.plan()?;
    let mut site = assemble(
        &args.dirs.content,
        &args.dirs.static_dir,
        &tokenbook_site::Cache::disabled(),
        unix_now(),
    )?;
    report(&site.build.diagnostics, &args.dirs);
    let errors = site.count(Severity::Error);
    let warnings = site.count(Severity::Warning);
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        let why = if errors > 0 {
            format!("{errors} error(s), {warnings} warning(s)")
        } else {
            format!("{warnings} warning(s) with --deny-warnings")
        };
        eprintln!(
            "build failed: {why}; {} was left as it was",
            args.dirs.out.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    if site.build.uses_playground {
        site.copies.extend(crate::wasm::build(&repo_root())?);
    }
    plan.write(&site.build.files, &site.copies)?;
    eprintln!(
        "built {} lessons, {} pages into {} in {:.2} s; {warnings} warning(s)",
        site.build.lessons,
        site.build.pages(),
        args.dirs.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// When the playground's samples are issued, in Unix seconds: now, or
/// `SOURCE_DATE_EPOCH` when it is set (reproducible builds: the same
/// content and that time give the same bytes).
pub fn unix_now() -> i64 {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
    {
        return epoch;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Prints every diagnostic for a terminal, paths under the directories
/// they are in.
pub fn report(diagnostics: &[Diagnostic], dirs: &Dirs) {
    for d in diagnostics {
        eprintln!("{}\n", dirs.with_roots(|roots| d.render(roots)));
    }
}
