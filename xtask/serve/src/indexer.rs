//! The search index, rebuilt after each reload for the whole course (its
//! statistics are global) on a low-priority thread: the newest job first,
//! superseded ones never; only the index files whose bytes changed are
//! written, then open pages hear `event: search`.

use std::collections::HashSet;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use tokenbook_site::{OutputFile, SearchJob};
use xtask::output;

use crate::state::{Notice, Shared};

/// Builds the search indexes the rebuilds send, the latest first and the
/// superseded never, on a thread of low priority so the next rebuild keeps
/// the processor; writes the files that changed and says so.
pub(crate) fn index_search(jobs: &Receiver<SearchJob>, shared: &Shared) {
    lower_priority();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "search index".into())
        .start_handler(|_| lower_priority())
        .build();
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let (epoch, known) = {
            let state = shared.search.lock().unwrap_or_else(|e| e.into_inner());
            (state.epoch, state.key == Some(job.key()))
        };
        if known {
            let _ = shared.notices.send(Notice::Search);
            continue;
        }
        let started = Instant::now();
        let run = || match &pool {
            Ok(pool) => pool.install(|| job.run()),
            Err(_) => job.run(),
        };
        // A bug in the indexer must not stop later indexes.
        let Ok(files) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) else {
            eprintln!("error: the search index could not be built (a bug in tokenbook)");
            continue;
        };
        match write_search(shared, epoch, job.key(), &files) {
            Ok(Some(written)) => {
                eprintln!(
                    "search index: {written} of {} file(s) written in {:.0} ms",
                    files.len(),
                    started.elapsed().as_secs_f64() * 1000.0
                );
                let _ = shared.notices.send(Notice::Search);
            }
            Ok(None) => {}
            Err(message) => eprintln!("error: writing the search index: {message}"),
        }
    }
}

/// Writes the index files whose bytes changed and removes the ones gone,
/// unless the whole output was replaced since `epoch`. Returns how many
/// files were written.
pub(crate) fn write_search(
    shared: &Shared,
    epoch: u64,
    key: u64,
    files: &[OutputFile],
) -> Result<Option<usize>, String> {
    let hashes: Vec<u64> = files
        .iter()
        .map(|f| tokenbook_site::hash_bytes(&f.contents))
        .collect();
    let mut written = 0;
    // The lock is taken per file: a rebuild replacing the whole output
    // waits for one file at most.
    for (file, &hash) in files.iter().zip(&hashes) {
        let state = shared.search.lock().unwrap_or_else(|e| e.into_inner());
        if state.epoch != epoch {
            return Ok(None);
        }
        if state.files.get(&file.path) != Some(&hash) {
            output::replace_file(&shared.out, &file.path, &file.contents)?;
            written += 1;
        }
    }
    let mut state = shared.search.lock().unwrap_or_else(|e| e.into_inner());
    if state.epoch != epoch {
        return Ok(None);
    }
    let current: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for gone in state.files.keys().filter(|p| !current.contains(p.as_str())) {
        output::remove_file(&shared.out, gone);
    }
    state.files = files
        .iter()
        .zip(hashes)
        .map(|(f, h)| (f.path.clone(), h))
        .collect();
    state.key = Some(key);
    Ok(Some(written))
}

/// Puts the calling thread at the lowest scheduling priority (Linux: the
/// nice value is per thread).
pub(crate) fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's id has no memory effects.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 19);
    }
}
