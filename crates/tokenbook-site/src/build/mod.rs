//! The build: sources in memory in, the site's files and every problem
//! out. [`build_with`] runs it in steps, each in a module of its own:
//!
//! 1. [`prepare`] each source on its own (kept by the cache while its bytes
//!    stay the same), then [`Plan`]: the settings, the course in reading
//!    order, its titles and descriptions;
//! 2. `outputs`: who owns which output path, decided before anything is
//!    rendered;
//! 3. `keys`: every cache key, from one struct;
//! 4. `lessons`: the lesson pages, in parallel, beside the search index;
//! 5. `emit`: the other pages, and the files to write;
//! 6. `page_check`: the link and anchor check of every finished page.

mod emit;
mod keys;
mod lessons;
mod outputs;
mod page_check;
mod plan;
mod result;

use std::sync::Arc;

use crate::cache::Cache;
use crate::diagnostic::Diagnostic;
use crate::files::SiteInput;
use crate::playground::LazyKit;

pub use outputs::WASM_FILES;
pub use result::{Build, Reuse, SearchJob};

/// Builds the site. Never panics on content: every problem becomes a
/// [`Diagnostic`], and the files are only meant to be written when
/// [`Build::has_errors`] is false.
pub fn build(input: &SiteInput) -> Build {
    build_cached(input, &Cache::disabled())
}

/// [`build`], reusing what `cache` kept from earlier builds of the same
/// content; the result is the same as without it.
pub fn build_cached(input: &SiteInput, cache: &Cache) -> Build {
    build_with(
        input,
        Reuse {
            cache,
            written: None,
            defer_search: false,
        },
    )
}

/// [`build_cached`], leaving out what `reuse` says is written already or
/// is to be built later. An edit costs about what it touched: unchanged
/// sources are not decoded or parsed again, an unchanged lesson is one
/// cache lookup, and an unchanged output file is not copied.
pub fn build_with(input: &SiteInput, reuse: Reuse<'_>) -> Build {
    let cache = reuse.cache;
    cache.begin();
    let prepared = plan::prepare(input, cache);
    let mut diagnostics = Vec::new();
    let plan = plan::Plan::new(&prepared, &mut diagnostics);
    let outputs = outputs::claim_outputs(&plan.course, input, plan.print_page, &mut diagnostics);
    outputs::check_site_files(&plan.config, input, &outputs, &mut diagnostics);
    let index = plan.link_index(input, outputs);
    let keys = plan.keys(input);
    let view = plan.view();
    let kit = LazyKit::new(input.now, plan.leaky_app());
    let job = plan.search_job(&keys);
    let lessons = lessons::Lessons {
        plan: &plan,
        index: &index,
        keys: &keys,
        view: &view,
        kit: &kit,
        cache,
    };
    // The index does not depend on the pages: it is made beside them.
    let (pages, search_files) = rayon::join(
        || lessons.render(),
        || (!reuse.defer_search).then(|| cache.search(job.key, || job.run())),
    );
    let mut out = emit::Emitter::new(reuse.written);
    let uses_playground = emit::pages(&mut out, &lessons, pages, &mut diagnostics);
    let search = match search_files {
        None => Some(job),
        Some(files) => {
            let files = Arc::try_unwrap(files).unwrap_or_else(|kept| kept.as_ref().clone());
            for file in files {
                out.emit_bytes(job.fingerprint(&file.path), file);
            }
            None
        }
    };
    // A safety net over the finished pages, for what the checks of the
    // sources cannot see (pages copied as they are, templates). Its findings
    // would repeat theirs, so it runs once they pass.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let mut files = index.outputs;
        if uses_playground {
            files.extend(WASM_FILES.iter().map(|f| f.to_string()));
        }
        let base_path = plan.config.base_path();
        diagnostics.extend(page_check::check(
            &out,
            &input.copied_pages,
            &files,
            &base_path,
            cache,
        ));
    }
    diagnostics.sort_by(|a, b| {
        (a.origin, &a.path, a.line, a.column, &a.message)
            .cmp(&(b.origin, &b.path, b.line, b.column, &b.message))
    });
    diagnostics.dedup();
    let (files, outputs) = out.finish();
    Build {
        files,
        outputs,
        diagnostics,
        lessons: plan.course.lessons.len(),
        uses_playground,
        search,
    }
}
