//! `cargo xtask bench`: how fast the build is at every size, side by side
//! with mdBook and Zola. It writes a deterministic synthetic course (fixed
//! seed) of 100 and 1000 lessons of about 12 KB under `target/bench/`,
//! builds it the way users do (`cargo xtask build`, cargo's start-up
//! included) and with the xtask binary directly, and reports the median wall
//! time, CPU time (user + sys of the whole process tree, from `wait4`), peak
//! RSS and output size. With `--vs`, the same corpus in the peer's layout is
//! built by the peer, alternating runs with ours. Last, it measures how long
//! `cargo xtask serve` takes from saving a lesson to telling the page to
//! reload.
//!
//! Every number comes from the machine as it is: `background` is the CPU
//! that other processes used during our runs, in cores, so a busy machine
//! shows in the results instead of hiding in them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use clap::Parser as _;
use xtask::repo_root;

mod corpus;
mod measure;
mod reload;
mod report;

use corpus::*;
use measure::*;
use reload::*;
use report::*;
use xtask::fail::AtPath as _;

/// The floor for our pipeline at N = 1000: about 1.0 s on one
/// thread, 0.6 s on two; the goal is to stay within 1.3 times of it.
const FLOOR_ONE_THREAD: f64 = 1.0;
const FLOOR_TWO_THREADS: f64 = 0.6;
const FLOOR_FACTOR: f64 = 1.3;
/// The other goals of the issue.
const GOAL_PEER_FRACTION: f64 = 0.2;
const GOAL_RSS_BYTES: u64 = 150_000_000;
const GOAL_OUTPUT_BYTES: u64 = 25_000_000;
const GOAL_LINEARITY: f64 = 11.0;
const GOAL_RELOAD_MS: f64 = 50.0;
/// The size the goals are set at.
const GOAL_N: usize = 1000;
/// About how long a lesson is, in bytes.
const LESSON_BYTES: usize = 12_000;
/// The words `serve`'s latency test changes in a lesson.
const EDIT_MARKER: &str = "revision 1 of this lesson";
/// The seed of the corpus: the same lessons on every machine.
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// A static site generator to compare with.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Peer {
    /// mdBook: `mdbook build DIR`.
    Mdbook,
    /// Zola: `zola build --force --output-dir DIR`, run inside the site.
    Zola,
}

impl Peer {
    fn binary(self) -> &'static str {
        match self {
            Peer::Mdbook => "mdbook",
            Peer::Zola => "zola",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Peer::Mdbook => "mdBook",
            Peer::Zola => "Zola",
        }
    }

    /// The reference figures at N = 1000 on a 2-core machine:
    /// version and wall seconds.
    fn reference(self) -> (&'static str, f64) {
        match self {
            Peer::Mdbook => ("0.5.4", 4.6),
            Peer::Zola => ("0.22.1", 3.95),
        }
    }

    fn install_hint(self) -> &'static str {
        match self {
            Peer::Mdbook => {
                "install it with `cargo install mdbook --locked` (0.5.4 when this was written; `cargo info mdbook` shows the current version), or add `--no-default-features --features search` to skip its server and compile faster"
            }
            Peer::Zola => {
                "Zola is not published on crates.io: install a release binary or distribution package of 0.22, or build it from its repository with `cargo install --locked --path .` (BENCHMARKS.md shows how it ran from npm's Zola addon on a machine without either)"
            }
        }
    }
}

/// `cargo xtask bench`: times builds of a synthetic course at 100 and 1000
/// lessons, beside mdBook and Zola, and serve's edit-to-reload latency.
#[derive(clap::Parser)]
#[command(name = "cargo xtask bench", bin_name = "cargo xtask bench")]
pub struct Args {
    /// Measured builds per corpus size and tool, after one warm-up build.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Corpus sizes, in lessons.
    #[arg(long, value_name = "N,N", value_delimiter = ',', default_values_t = [100, 1000])]
    sizes: Vec<usize>,
    /// Also build the same corpus with this peer, alternating runs with ours
    /// (repeat for both).
    #[arg(long = "vs", value_enum, value_name = "PEER")]
    vs: Vec<Peer>,
    /// How many edits measure `serve`'s edit-to-reload latency, on a copy of
    /// the largest corpus; 0 skips it.
    #[arg(long, value_name = "EDITS", default_value_t = 20)]
    reload_edits: u32,
    /// Measure only `serve`'s edit-to-reload latency (on the largest of
    /// `--sizes`), skipping the builds.
    #[arg(long)]
    reload_only: bool,
    /// Also print the results as markdown tables for BENCHMARKS.md.
    #[arg(long)]
    markdown: bool,
    /// Where the corpora, outputs and logs go.
    #[arg(long, value_name = "DIR", default_value_os_t = repo_root().join("target").join("bench"))]
    dir: PathBuf,
}

/// One measured process.
#[derive(Clone, Copy, Debug)]
struct Sample {
    wall: Duration,
    /// User + system time of the process and every descendant it waited for.
    cpu: Duration,
    /// The largest resident set of the process or of any descendant it
    /// waited for, in bytes.
    peak_rss: u64,
    /// CPU used by everything else on the machine meanwhile, in cores.
    background: f64,
}

/// The measurements of one tool at one size.
struct Series {
    tool: String,
    samples: Vec<Sample>,
    output_bytes: u64,
    output_files: usize,
}

impl Series {
    fn median(&self, f: impl Fn(&Sample) -> f64) -> f64 {
        median(self.samples.iter().map(f).collect())
    }
    fn wall(&self) -> f64 {
        self.median(|s| s.wall.as_secs_f64())
    }
    fn cpu(&self) -> f64 {
        self.median(|s| s.cpu.as_secs_f64())
    }
    fn rss(&self) -> f64 {
        self.median(|s| s.peak_rss as f64)
    }
    fn background(&self) -> f64 {
        self.median(|s| s.background)
    }
}

/// A peer that could not be measured, and why.
struct Missing {
    peer: Peer,
    why: String,
}

/// Everything measured at one corpus size.
struct SizeResult {
    n: usize,
    corpus_bytes: u64,
    cargo: Series,
    direct: Series,
    peers: Vec<(Peer, String, Series)>,
    /// Peers whose build of this corpus failed.
    failed: Vec<Missing>,
}

/// The latency of `serve` from a write to the `reload` event.
struct Reload {
    n: usize,
    latencies: Vec<Duration>,
    /// From the write until the search index is written too.
    search: Vec<Duration>,
    extra_reloads: usize,
}

/// Runs the whole benchmark and prints the tables.
fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the benchmark.
fn run(args: &Args) -> Result<ExitCode, String> {
    let root = repo_root();
    let mut sizes = args.sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.first().is_none_or(|&n| n < 2) {
        return Err("--sizes needs at least one size of 2 lessons or more".into());
    }
    // The xtask binary beside this one (`cargo xtask bench` built both).
    let xtask = std::env::current_exe()
        .map_err(|e| format!("where is xtask? {e}"))?
        .with_file_name(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    // What users type: `cargo` as their shell finds it (with rustup, its
    // proxy, which reads rust-toolchain.toml first), not the cargo binary
    // that runs this benchmark.
    let cargo = find_on_path("cargo")
        .map(PathBuf::into_os_string)
        .or_else(|| std::env::var_os("CARGO"))
        .unwrap_or_else(|| "cargo".into());
    eprintln!("cargo: {}", Path::new(&cargo).display());
    std::fs::create_dir_all(args.dir.join("logs")).at_path(&args.dir)?;

    let header = Header::now(&root);
    eprintln!("{}", header.text());

    let mut peers = Vec::new();
    let mut missing = Vec::new();
    for &peer in &args.vs {
        if peers.iter().any(|(p, _, _)| *p == peer)
            || missing.iter().any(|m: &Missing| m.peer == peer)
        {
            continue;
        }
        match find_on_path(peer.binary()) {
            Some(path) => {
                let version = version_of(&path);
                eprintln!("{}: {} ({version})", peer.name(), path.display());
                peers.push((peer, path, version));
            }
            None => {
                let why = format!(
                    "`{}` is not on PATH; {}",
                    peer.binary(),
                    peer.install_hint()
                );
                eprintln!("{}: {why}. Continuing with our numbers only.", peer.name());
                missing.push(Missing { peer, why });
            }
        }
    }

    let mut results = Vec::new();
    for &n in sizes.iter().filter(|_| !args.reload_only) {
        let result = bench_size(args, n, &cargo, &xtask, &peers)?;
        results.push(result);
    }

    if args.reload_only && args.reload_edits == 0 {
        return Err("--reload-only needs --reload-edits above 0".into());
    }
    let reload = if args.reload_edits > 0 {
        let n = *sizes.last().unwrap_or(&GOAL_N);
        Some(reload_latency(args, &xtask, n)?)
    } else {
        None
    };

    let report = Report {
        header,
        results,
        missing,
        reload,
        runs: args.runs,
    };
    println!("{}", report.text());
    if args.markdown {
        println!("{}", report.markdown());
    }
    Ok(ExitCode::SUCCESS)
}

/// Each peer's command for the corpus of `n` lessons, written in its
/// layout, and where its output goes.
fn peer_commands(
    args: &Args,
    n: usize,
    lessons: &[Lesson],
    peers: &[(Peer, PathBuf, String)],
) -> Result<Vec<(Peer, String, Command, PathBuf)>, String> {
    let mut theirs = Vec::new();
    for (peer, path, version) in peers {
        let site = args.dir.join(format!("{}-{n}", peer.binary()));
        let (command, output) = match peer {
            Peer::Mdbook => {
                write_mdbook(&site, lessons)?;
                let mut c = Command::new(path);
                c.arg("build").arg(&site);
                (c, site.join("book"))
            }
            Peer::Zola => {
                write_zola(&site, lessons)?;
                let output = args.dir.join(format!("zola-{n}-public"));
                let mut c = Command::new(path);
                c.current_dir(&site)
                    .args(["build", "--force", "--output-dir"])
                    .arg(&output);
                (c, output)
            }
        };
        theirs.push((*peer, version.clone(), command, output));
    }
    Ok(theirs)
}

/// Writes the corpus of `n` lessons and measures every tool on it.
fn bench_size(
    args: &Args,
    n: usize,
    cargo: &std::ffi::OsStr,
    xtask: &Path,
    peers: &[(Peer, PathBuf, String)],
) -> Result<SizeResult, String> {
    let lessons = corpus(n);
    let content = args.dir.join(format!("corpus-{n}"));
    write_tokenbook(&content, &lessons)?;
    let corpus_bytes = dir_size(&content).0;
    let out = args.dir.join(format!("out-{n}"));
    let logs = args.dir.join("logs");
    eprintln!(
        "\nN = {n}: {} in {}",
        megabytes(corpus_bytes),
        content.display()
    );

    let mut ours_cargo = Command::new(cargo);
    ours_cargo
        .current_dir(repo_root())
        // rustup's proxy set these for this process; a user's shell has
        // neither, so the proxy has to look the toolchain up as it does
        // for them.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTUP_TOOLCHAIN_SOURCE")
        .args(["xtask", "build", "--content"])
        .arg(&content)
        .arg("--out")
        .arg(&out);
    let mut ours_direct = Command::new(xtask);
    ours_direct
        .current_dir(repo_root())
        .args(["build", "--content"])
        .arg(&content)
        .arg("--out")
        .arg(&out);

    let theirs = peer_commands(args, n, &lessons, peers)?;

    // One warm-up of each: cargo compiles what changed, files get cached,
    // and a corpus with warnings or errors is caught before measuring.
    eprintln!("  warm-up");
    let log = logs.join(format!("ours-{n}-warmup.log"));
    measure(&mut ours_cargo, &log)?;
    check_clean_build(&log)?;
    measure(
        &mut ours_direct,
        &logs.join(format!("direct-{n}-warmup.log")),
    )?;
    let mut failed = Vec::new();
    let mut ready = Vec::new();
    for (peer, version, mut command, output) in theirs {
        let log = logs.join(format!("{}-{n}-warmup.log", peer.binary()));
        match measure(&mut command, &log) {
            Ok(_) => ready.push((peer, version, command, output)),
            Err(e) => {
                eprintln!("  {} failed, leaving it out: {e}", peer.name());
                failed.push(Missing {
                    peer,
                    why: format!("its build of the corpus failed at N = {n}: {e}"),
                });
            }
        }
    }
    let mut theirs = ready;

    let mut cargo_samples = Vec::new();
    let mut direct_samples = Vec::new();
    let mut their_samples: Vec<Vec<Sample>> = vec![Vec::new(); theirs.len()];
    for run in 1..=args.runs {
        let sample = measure_fresh(
            &mut ours_cargo,
            xtask,
            &logs.join(format!("ours-{n}-{run}.log")),
        )?;
        let mut line = format!("  run {run}: cargo xtask build {}", seconds(sample.wall));
        cargo_samples.push(sample);
        let sample = measure(
            &mut ours_direct,
            &logs.join(format!("direct-{n}-{run}.log")),
        )?;
        let _ = write!(line, ", xtask {}", seconds(sample.wall));
        direct_samples.push(sample);
        for (i, (peer, _, command, _)) in theirs.iter_mut().enumerate() {
            let sample = measure(
                command,
                &logs.join(format!("{}-{n}-{run}.log", peer.binary())),
            )?;
            let _ = write!(line, ", {} {}", peer.binary(), seconds(sample.wall));
            their_samples[i].push(sample);
        }
        eprintln!("{line}");
    }

    let (output_bytes, output_files) = dir_size(&out);
    let series = |tool: &str, samples| Series {
        tool: tool.to_string(),
        samples,
        output_bytes,
        output_files,
    };
    let peers = theirs
        .into_iter()
        .zip(their_samples)
        .map(|((peer, version, _, output), samples)| {
            let (output_bytes, output_files) = dir_size(&output);
            let series = Series {
                tool: version.clone(),
                samples,
                output_bytes,
                output_files,
            };
            (peer, version, series)
        })
        .collect();
    Ok(SizeResult {
        n,
        corpus_bytes,
        cargo: series("cargo xtask build", cargo_samples),
        direct: series("target/debug/xtask build", direct_samples),
        peers,
        failed,
    })
}

/// Fails if the warm-up build reported warnings: the corpus is meant to be
/// clean (aligned diagrams, real links, well-formed Beginner Checks).
fn check_clean_build(log: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let summary = text
        .lines()
        .rev()
        .find(|l| l.starts_with("built ") && l.contains("warning(s)"))
        .ok_or_else(|| format!("the build printed no summary; see {}", log.display()))?;
    let warnings: usize = summary
        .rsplit("; ")
        .next()
        .and_then(|w| w.split_whitespace().next())
        .and_then(|w| w.parse().ok())
        .unwrap_or(0);
    eprintln!("  {summary}");
    if warnings > 0 {
        let first: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
        return Err(format!(
            "the synthetic corpus has {warnings} warning(s), it should have none:\n{first}\n(all of them in {})",
            log.display()
        ));
    }
    Ok(())
}
