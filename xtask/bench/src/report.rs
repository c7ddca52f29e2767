//! The benchmark's report: tables of medians, the issue's goals met or
//! not, as text and as markdown for BENCHMARKS.md.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use super::*;

// ---------------------------------------------------------------------------
// Reporting

/// When, where and with what the numbers were taken.
pub(super) struct Header {
    pub(super) date: String,
    pub(super) rustc: String,
    pub(super) cores: usize,
    pub(super) commit: String,
}

impl Header {
    pub(super) fn now(root: &Path) -> Header {
        let rustc = Command::new("rustc")
            .arg("--version")
            .current_dir(root)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|| "rustc version unknown".into());
        let head = git(root, &["rev-parse", "--short", "HEAD"]);
        let dirty = git(
            root,
            &[
                "status",
                "--porcelain",
                "--",
                "Cargo.toml",
                "Cargo.lock",
                "crates",
                "templates",
                "static",
                "xtask",
            ],
        );
        let changed: Vec<&str> = dirty.lines().filter_map(|l| l.get(3..)).collect();
        let commit = match changed.len() {
            0 => head,
            1..=12 => format!("{head} with uncommitted changes to {}", changed.join(", ")),
            n => format!("{head} with {n} uncommitted changed files"),
        };
        Header {
            date: today(),
            rustc,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            commit,
        }
    }

    pub(super) fn text(&self) -> String {
        format!(
            "tokenbook bench: {}, {}, {} core(s), code at {}",
            self.date, self.rustc, self.cores, self.commit
        )
    }

    pub(super) fn floor(&self) -> f64 {
        if self.cores >= 2 {
            FLOOR_TWO_THREADS
        } else {
            FLOOR_ONE_THREAD
        }
    }
}

pub(super) fn git(root: &Path, args: &[&str]) -> String {
    Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim_end().to_string())
        .unwrap_or_else(|| "?".into())
}

/// Today's date (UTC) as YYYY-MM-DD.
pub(super) fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Howard Hinnant's civil_from_days.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A goal of the issue and how this run did.
pub(super) struct Goal {
    pub(super) what: String,
    pub(super) target: String,
    pub(super) measured: String,
    pub(super) met: Option<bool>,
}

impl Goal {
    pub(super) fn verdict(&self) -> &'static str {
        match self.met {
            Some(true) => "met",
            Some(false) => "NOT met",
            None => "not measured",
        }
    }
}

pub(super) struct Report {
    pub(super) header: Header,
    pub(super) results: Vec<SizeResult>,
    pub(super) missing: Vec<Missing>,
    pub(super) reload: Option<Reload>,
    pub(super) runs: u32,
}

impl Report {
    pub(super) fn builds_table(&self) -> Table {
        let mut table = Table::new(&[
            "N",
            "corpus",
            "tool",
            "wall",
            "CPU (user+sys)",
            "peak RSS",
            "output",
            "background",
        ]);
        for r in &self.results {
            let mut rows = vec![&r.cargo, &r.direct];
            rows.extend(r.peers.iter().map(|(_, _, s)| s));
            for s in rows {
                table.row(vec![
                    r.n.to_string(),
                    megabytes(r.corpus_bytes),
                    s.tool.clone(),
                    seconds_f(s.wall()),
                    seconds_f(s.cpu()),
                    megabytes_f(s.rss()),
                    format!("{} ({} files)", megabytes(s.output_bytes), s.output_files),
                    format!("{:.2} cores", s.background()),
                ]);
            }
        }
        table
    }

    pub(super) fn at(&self, n: usize) -> Option<&SizeResult> {
        self.results.iter().find(|r| r.n == n)
    }

    /// Wall time at the largest size over the smallest, against what
    /// linear growth would give.
    pub(super) fn linearity(&self) -> Option<(usize, usize, f64, f64)> {
        let (small, large) = (self.results.first()?, self.results.last()?);
        (small.n != large.n).then(|| {
            (
                small.n,
                large.n,
                large.cargo.wall() / small.cargo.wall(),
                large.direct.wall() / small.direct.wall(),
            )
        })
    }

    /// The issue's goals, all set at N = 1000.
    pub(super) fn goals(&self) -> Vec<Goal> {
        let Some(large) = self.at(GOAL_N) else {
            let mut goals = vec![Goal {
                what: format!("the issue's build goals (all at N = {GOAL_N})"),
                target: "-".into(),
                measured: format!("this run built no N = {GOAL_N}: add it to --sizes"),
                met: None,
            }];
            goals.push(self.reload_goal());
            return goals;
        };
        let mut goals = Vec::new();
        let ours = large.cargo.wall();
        for peer in [Peer::Mdbook, Peer::Zola] {
            let (version, ref_wall) = peer.reference();
            let what = format!("at most 1/5 of {}'s wall time, side by side", peer.name());
            let target = format!("ratio ≤ {GOAL_PEER_FRACTION:.2}");
            let goal = match large.peers.iter().find(|(p, _, _)| *p == peer) {
                Some((_, _, theirs)) => {
                    let ratio = ours / theirs.wall();
                    Goal {
                        what,
                        target,
                        measured: format!(
                            "{} / {} = {ratio:.3} (1/{:.1}); against the issue's {} {version} figure of {ref_wall} s: {:.3}",
                            seconds_f(ours),
                            seconds_f(theirs.wall()),
                            1.0 / ratio,
                            peer.name(),
                            ours / ref_wall
                        ),
                        met: Some(ratio <= GOAL_PEER_FRACTION),
                    }
                }
                None => Goal {
                    what,
                    target,
                    measured: format!(
                        "not run side by side; against the issue's {} {version} figure of {ref_wall} s: {:.3}",
                        peer.name(),
                        ours / ref_wall
                    ),
                    met: None,
                },
            };
            goals.push(goal);
        }
        let floor = self.header.floor();
        goals.push(Goal {
            what: format!(
                "within {FLOOR_FACTOR}x of the floor ({floor} s on {} thread(s))",
                self.header.cores.min(2)
            ),
            target: format!("≤ {}", seconds_f(floor * FLOOR_FACTOR)),
            measured: format!(
                "{} with cargo ({:.2}x), {} for the binary alone ({:.2}x)",
                seconds_f(ours),
                ours / floor,
                seconds_f(large.direct.wall()),
                large.direct.wall() / floor
            ),
            met: Some(ours <= floor * FLOOR_FACTOR),
        });
        let rss = large.direct.rss();
        goals.push(Goal {
            what: "peak RSS of the build".into(),
            target: format!("≤ {}", megabytes(GOAL_RSS_BYTES)),
            measured: format!(
                "{} (with cargo: {})",
                megabytes_f(rss),
                megabytes_f(large.cargo.rss())
            ),
            met: Some(rss <= GOAL_RSS_BYTES as f64),
        });
        goals.push(Goal {
            what: "output size".into(),
            target: format!("≤ {}", megabytes(GOAL_OUTPUT_BYTES)),
            measured: megabytes(large.cargo.output_bytes),
            met: Some(large.cargo.output_bytes <= GOAL_OUTPUT_BYTES),
        });
        let linearity = "wall time at N = 1000 over N = 100".to_string();
        goals.push(match self.at(100) {
            Some(small) => {
                let ratio = ours / small.cargo.wall();
                Goal {
                    what: linearity,
                    target: format!("≤ {GOAL_LINEARITY}"),
                    measured: format!(
                        "{ratio:.2} with cargo, {:.2} for the binary alone",
                        large.direct.wall() / small.direct.wall()
                    ),
                    met: Some(ratio <= GOAL_LINEARITY),
                }
            }
            None => Goal {
                what: linearity,
                target: format!("≤ {GOAL_LINEARITY}"),
                measured: "needs N = 100 in --sizes".into(),
                met: None,
            },
        });
        goals.push(self.reload_goal());
        goals
    }

    /// The goal for `serve`'s edit-to-reload latency at N = 1000.
    fn reload_goal(&self) -> Goal {
        let what = "serve: from saving a lesson to `event: reload`".to_string();
        let target = format!("≤ {GOAL_RELOAD_MS} ms");
        match &self.reload {
            Some(reload) if reload.n == GOAL_N => {
                let ms = reload.median_ms();
                Goal {
                    what,
                    target,
                    measured: format!("{ms:.1} ms (median of {})", reload.latencies.len()),
                    met: Some(ms <= GOAL_RELOAD_MS),
                }
            }
            _ => Goal {
                what,
                target,
                measured: "not measured at N = 1000".into(),
                met: None,
            },
        }
    }

    pub(super) fn goals_table(&self) -> Table {
        let mut table = Table::new(&["goal (N = 1000)", "target", "measured", "verdict"]);
        for g in self.goals() {
            table.row(vec![
                g.what.clone(),
                g.target.clone(),
                g.measured.clone(),
                g.verdict().into(),
            ]);
        }
        table
    }

    pub(super) fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.results.is_empty() {
            notes.push(format!(
                "Medians of {} runs after one warm-up. `wall`, `CPU` and `peak RSS` come from wait4: CPU is user+sys of the whole process tree; the peak RSS of `cargo xtask build` is the larger of cargo's and the build's, the binary's row is the build's own. `background` is CPU other processes used meanwhile.",
                self.runs
            ));
        }
        for r in &self.results {
            let walls = |s: &Series| {
                s.samples
                    .iter()
                    .map(|x| format!("{:.3}", x.wall.as_secs_f64()))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            notes.push(format!(
                "N = {}: every run's wall time (s): cargo xtask build [{}], xtask [{}]{}; cargo's own share {}",
                r.n,
                walls(&r.cargo),
                walls(&r.direct),
                r.peers
                    .iter()
                    .map(|(p, _, s)| format!(", {} [{}]", p.binary(), walls(s)))
                    .collect::<String>(),
                seconds_f(r.cargo.wall() - r.direct.wall()),
            ));
            for (peer, _, theirs) in &r.peers {
                notes.push(format!(
                    "N = {}: ours / {} = {:.3} (ours {} with cargo, theirs {}; peak RSS ours {} vs theirs {})",
                    r.n,
                    peer.name(),
                    r.cargo.wall() / theirs.wall(),
                    seconds_f(r.cargo.wall()),
                    seconds_f(theirs.wall()),
                    megabytes_f(r.direct.rss()),
                    megabytes_f(theirs.rss()),
                ));
            }
        }
        if let Some((small, large, cargo, direct)) = self.linearity() {
            notes.push(format!(
                "Linearity: wall time at N = {large} / at N = {small} = {cargo:.2} with cargo, {direct:.2} for the binary alone (linear would be {:.1}; the goal for 1000/100 is ≤ {GOAL_LINEARITY})",
                large as f64 / small as f64
            ));
        }
        if let Some(reload) = &self.reload {
            let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
            let mut sorted = reload.latencies.clone();
            sorted.sort();
            let mut search = reload.search.clone();
            search.sort();
            notes.push(format!(
                "serve at N = {}: edit to `event: reload` median {:.1} ms, min {:.1} ms, max {:.1} ms over {} edits{}; edit to `event: search` (the search index, rebuilt after the reload, written) median {:.1} ms, min {:.1} ms, max {:.1} ms",
                reload.n,
                reload.median_ms(),
                ms(sorted.first()),
                ms(sorted.last()),
                sorted.len(),
                if reload.extra_reloads > 0 {
                    format!("; {} save(s) caused a second reload", reload.extra_reloads)
                } else {
                    String::new()
                },
                median(search.iter().map(|d| d.as_secs_f64() * 1000.0).collect()),
                ms(search.first()),
                ms(search.last()),
            ));
        }
        for m in self
            .missing
            .iter()
            .chain(self.results.iter().flat_map(|r| &r.failed))
        {
            notes.push(format!("{} not measured: {}", m.peer.name(), m.why));
        }
        notes
    }

    pub(super) fn text(&self) -> String {
        let mut s = format!("\n{}\n\n", self.header.text());
        if !self.results.is_empty() {
            s.push_str(&self.builds_table().text());
            s.push('\n');
        }
        for note in self.notes() {
            let _ = writeln!(s, "{note}");
        }
        s.push('\n');
        s.push_str(&self.goals_table().text());
        s
    }

    pub(super) fn markdown(&self) -> String {
        let mut s = format!(
            "\n<!-- cargo xtask bench --markdown -->\n\n{}\n\n",
            self.header.text()
        );
        if !self.results.is_empty() {
            s.push_str(&self.builds_table().markdown());
            s.push('\n');
        }
        for note in self.notes() {
            let _ = writeln!(s, "- {note}");
        }
        s.push('\n');
        s.push_str(&self.goals_table().markdown());
        s
    }
}

impl Reload {
    pub(super) fn median_ms(&self) -> f64 {
        median(
            self.latencies
                .iter()
                .map(|d| d.as_secs_f64() * 1000.0)
                .collect(),
        )
    }
}

/// A table printed aligned for a terminal or as markdown.
pub(super) struct Table {
    pub(super) head: Vec<String>,
    pub(super) rows: Vec<Vec<String>>,
}

impl Table {
    pub(super) fn new(head: &[&str]) -> Table {
        Table {
            head: head.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub(super) fn row(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    pub(super) fn text(&self) -> String {
        let widths: Vec<usize> = (0..self.head.len())
            .map(|i| {
                std::iter::once(&self.head)
                    .chain(&self.rows)
                    .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut s = String::new();
        for row in std::iter::once(&self.head).chain(&self.rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            let _ = writeln!(s, "{}", cells.join("  ").trim_end());
        }
        s
    }

    pub(super) fn markdown(&self) -> String {
        let mut s = format!("| {} |\n", self.head.join(" | "));
        let _ = writeln!(s, "|{}", " --- |".repeat(self.head.len()));
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        s
    }
}

pub(super) fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

pub(super) fn seconds(d: Duration) -> String {
    seconds_f(d.as_secs_f64())
}

pub(super) fn seconds_f(s: f64) -> String {
    format!("{s:.3} s")
}

pub(super) fn megabytes(bytes: u64) -> String {
    megabytes_f(bytes as f64)
}

pub(super) fn megabytes_f(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_deterministic_and_about_12_kb_a_lesson() {
        let a = corpus(20);
        let b = corpus(20);
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.body == y.body && x.file == y.file)
        );
        for lesson in &a {
            assert!(
                (LESSON_BYTES - 1000..LESSON_BYTES + 1500).contains(&lesson.body.len()),
                "{} is {} bytes",
                lesson.file,
                lesson.body.len()
            );
            assert!(lesson.body.contains("## 🤔 Beginner Check"));
            assert!(lesson.body.contains(EDIT_MARKER));
            assert!(lesson.body.contains("```json") && lesson.body.contains("```bash"));
        }
    }

    #[test]
    fn links_point_at_lessons_that_exist() {
        let lessons = corpus(30);
        let files: Vec<&str> = lessons.iter().map(|l| l.file.as_str()).collect();
        for lesson in &lessons {
            for (i, _) in lesson.body.match_indices("](./") {
                let rest = &lesson.body[i + 4..];
                let target = &rest[..rest.find(')').unwrap_or(0)];
                assert!(files.contains(&target), "{target} in {}", lesson.file);
            }
        }
    }

    #[test]
    fn diagrams_have_22_lines_with_right_borders_under_their_corners() {
        let mut rng = Rng(SEED);
        let text = diagram(&mut rng);
        assert_eq!(text.lines().count(), 22);
        let lints = tokenbook_diagram::lint(&text);
        assert!(lints.is_empty(), "{lints:?}\n{text}");
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
