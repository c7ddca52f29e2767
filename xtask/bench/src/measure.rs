//! Measuring one process of the benchmark: wall time, CPU time and peak
//! RSS of its whole tree from `wait4`, what else the machine was doing, and
//! the size of what it wrote.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use walkdir::WalkDir;

use super::*;
use xtask::fail::AtPath as _;

/// Measures `cargo xtask build`, again if cargo had to rebuild xtask first
/// (someone changed the code meanwhile): a compile is not a build.
pub(super) fn measure_fresh(
    command: &mut Command,
    xtask: &Path,
    log: &Path,
) -> Result<Sample, String> {
    for _ in 0..3 {
        let before = modified(xtask);
        let sample = measure(command, log)?;
        if modified(xtask) == before {
            return Ok(sample);
        }
        eprintln!(
            "  cargo rebuilt xtask during this run (the code changed): not counted, running again"
        );
    }
    Err("cargo rebuilt xtask on three runs in a row: the code keeps changing; try again when it is quiet".into())
}

pub(super) fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs `command` to completion, its output into `log`, and measures it
/// with `wait4`. A failure is an error carrying the log's end.
pub(super) fn measure(command: &mut Command, log: &Path) -> Result<Sample, String> {
    let file = std::fs::File::create(log).at_path(log)?;
    let busy_before = busy_cpu_seconds();
    let started = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(file.try_clone().map_err(|e| e.to_string())?)
        .stderr(file)
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let (status, usage) = wait4(&child)?;
    let wall = started.elapsed();
    let busy_after = busy_cpu_seconds();
    drop(child);
    let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
    let background = match (busy_before, busy_after) {
        (Some(a), Some(b)) if wall.as_secs_f64() > 0.0 => {
            ((b - a - cpu.as_secs_f64()) / wall.as_secs_f64()).max(0.0)
        }
        _ => 0.0,
    };
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{:?} {:?} failed ({}):\n{}\n(whole output in {})",
            command.get_program(),
            command.get_args().collect::<Vec<_>>(),
            describe_status(status),
            tail.join("\n"),
            log.display()
        ));
    }
    Ok(Sample {
        wall,
        cpu,
        // ru_maxrss is in KiB on Linux.
        peak_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        background,
    })
}

/// Waits for `child` and returns its status and resource usage, which on
/// Linux covers the child and every descendant it waited for (the build
/// that `cargo` runs included); its peak RSS is the largest of them.
pub(super) fn wait4(child: &Child) -> Result<(libc::c_int, libc::rusage), String> {
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not waited for yet, and both
        // pointers point to live, writable values of the right types.
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if waited == pid {
            return Ok((status, usage));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {error}"));
        }
    }
}

pub(super) fn describe_status(status: libc::c_int) -> String {
    if libc::WIFEXITED(status) {
        format!("exit code {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        format!("killed by signal {}", libc::WTERMSIG(status))
    } else {
        format!("status {status}")
    }
}

pub(super) fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
        + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
}

/// CPU seconds the whole machine has spent busy since boot (`/proc/stat`),
/// to tell how much of it other processes used while we measured.
pub(super) fn busy_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| fields.get(i))
        .sum();
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (ticks > 0).then(|| busy as f64 / ticks as f64)
}

/// Bytes and number of files under `dir`.
pub(super) fn dir_size(dir: &Path) -> (u64, usize) {
    WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .fold((0, 0), |(bytes, files), m| (bytes + m.len(), files + 1))
}

/// The first executable called `name` on PATH.
pub(super) fn find_on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt as _;
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

pub(super) fn version_of(binary: &Path) -> String {
    Command::new(binary)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "version unknown".into())
}

// ---------------------------------------------------------------------------
// serve's edit-to-reload latency
