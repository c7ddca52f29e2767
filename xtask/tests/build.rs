//! `cargo xtask build` end to end: the real binary on fixture folders and
//! on the course itself, with the output checked on disk.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{copy_dir, fixture, repo, snapshot, stderr, xtask_build};

#[test]
fn broken_content_reports_every_problem_and_leaves_the_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let good = xtask_build(&fixture("good"), &out, &[]);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = snapshot(&out);
    assert!(before.contains_key(Path::new("01-no-user-involved/index.html")));

    let broken = xtask_build(&fixture("broken"), &out, &[]);
    let report = stderr(&broken);
    assert!(!broken.status.success(), "{report}");
    let content = fixture("broken").display().to_string();
    for expected in [
        format!(
            "{content}/01_No_User_Involved.md:5:5: error[link/missing-target]: link to a lesson that does not exist: `./03_The_Flw.md`"
        ),
        format!(
            "{content}/01_No_User_Involved.md:7:5: error[link/missing-anchor]: link to an anchor that does not exist: `./03_The_Flow.md#step-too`"
        ),
        format!(
            "{content}/01_No_User_Involved.md:9:4: warning[code/unknown-language]: unknown language `klingon`"
        ),
        format!(
            "{content}/04_Bad_Front_Matter.md:3:1: error[toml/invalid]: invalid TOML: unknown field `descripton`"
        ),
    ] {
        assert!(
            report.contains(&expected),
            "missing `{expected}` in:\n{report}"
        );
    }
    assert_eq!(report.matches(": error[").count(), 3, "{report}");
    assert_eq!(report.matches(": warning[").count(), 1, "{report}");
    assert!(
        report.contains("= hint: did you mean `./03_The_Flow.md`?"),
        "{report}"
    );
    assert!(
        report.contains("= hint: did you mean `#step-two`?"),
        "{report}"
    );
    assert!(
        report.contains("5 | See [the flow](./03_The_Flw.md) for more."),
        "{report}"
    );
    assert_eq!(
        snapshot(&out),
        before,
        "the previous output must stay byte for byte"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("public")],
        "no temporary directories left"
    );
}

#[test]
fn each_rebuild_gives_exactly_what_a_fresh_build_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    let out = tmp.path().join("public");
    let write = |name: &str, text: &str| std::fs::write(content.join(name), text).unwrap();
    let fresh = |label: &str| {
        let dir = tmp.path().join(format!("fresh-{label}"));
        let output = xtask_build(&content, &dir, &[]);
        assert!(output.status.success(), "{}", stderr(&output));
        snapshot(&dir)
    };
    let build = |label: &str| {
        let output = xtask_build(&content, &out, &[]);
        assert!(output.status.success(), "{label}: {}", stderr(&output));
        assert_eq!(
            snapshot(&out),
            fresh(label),
            "{label}: differs from a fresh build"
        );
    };

    write("01_A.md", "# A\n\nOne.\n");
    write("02_B.md", "# B\n\nTwo.\n");
    build("first");
    build("same again");
    write("01_A.md", "# A\n\nOne, edited.\n");
    build("a lesson edited");
    std::fs::remove_file(content.join("02_B.md")).unwrap();
    write("03_C.md", "# C\n\nThree.\n");
    build("a lesson removed, one added");
    // A redirect page appears under a lesson's folder, and goes.
    write(
        "03_C.md",
        "+++\naliases = [\"01-a/old\"]\n+++\n# C\n\nThree.\n",
    );
    build("an alias inside another page's folder");
    write("03_C.md", "# C\n\nThree.\n");
    build("the alias removed");
    // An asset that was a file becomes a folder, and a file again.
    write("pic", "a file");
    build("an asset file");
    std::fs::remove_file(content.join("pic")).unwrap();
    std::fs::create_dir(content.join("pic")).unwrap();
    write("pic/x.png", "a file in a folder");
    build("the asset is now a folder");
    std::fs::remove_dir_all(content.join("pic")).unwrap();
    write("pic", "a file again");
    build("and a file again");
    // A file goes from a folder that stays. Each build syncs into the
    // build before last, so both copies must have held the file.
    std::fs::create_dir(content.join("img")).unwrap();
    write("img/kept.png", "kept");
    write("img/dropped.png", "dropped");
    build("two assets in a folder");
    build("two assets in a folder, again");
    std::fs::remove_file(content.join("img/dropped.png")).unwrap();
    build("one asset gone, its folder stays");
    build("one asset gone, again");
    // A failed build in between touches neither the site nor the next build.
    write("04_D.md", "# D\n\n[broken](./nowhere.md)\n");
    let before = snapshot(&out);
    assert!(!xtask_build(&content, &out, &[]).status.success());
    assert_eq!(snapshot(&out), before);
    std::fs::remove_file(content.join("04_D.md")).unwrap();
    build("after a failed build");

    let hidden: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public."))
        .collect();
    assert_eq!(
        hidden,
        [".public.tokenbook-stage"],
        "only the staging directory is kept beside the output"
    );
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(content.join("01_A.md"), "# A\n\n```klingon\nx\n```\n").unwrap();
    let out = tmp.path().join("public");
    let lenient = xtask_build(&content, &out, &[]);
    assert!(lenient.status.success(), "{}", stderr(&lenient));
    assert!(stderr(&lenient).contains("1 warning(s)"));
    std::fs::write(
        content.join("01_A.md"),
        "# A changed\n\n```klingon\nx\n```\n",
    )
    .unwrap();
    let strict = xtask_build(&content, &out, &["--deny-warnings"]);
    assert!(!strict.status.success());
    let page = std::fs::read_to_string(out.join("01-a/index.html")).unwrap();
    assert!(
        !page.contains("A changed"),
        "a failed build must not replace the output"
    );
}

#[test]
fn invalid_utf8_and_duplicate_urls_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(content.join("01_Bytes.md"), b"# Bytes\n\nna\xefve\n").unwrap();
    std::fs::write(content.join("02_Same.md"), "# Same\n").unwrap();
    std::fs::write(content.join("02-same.md"), "# Same again\n").unwrap();
    let output = xtask_build(&content, &tmp.path().join("public"), &[]);
    let report = stderr(&output);
    assert!(!output.status.success());
    assert!(
        report.contains(
            "01_Bytes.md:3:3: error[encoding/invalid-utf8]: the file is not valid UTF-8: byte 0xEF"
        ),
        "{report}"
    );
    assert!(
        report.contains("02_Same.md:1:1: error[output/duplicate-url]: duplicate URL `02-same/`: `02-same.md` has it too"),
        "{report}"
    );
    assert!(!tmp.path().join("public").exists());
}

#[test]
fn dangerous_output_directories_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(content.join("01_A.md"), "# A\n").unwrap();
    let foreign = tmp.path().join("photos");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("holiday.jpg"), "not ours").unwrap();
    for (out, why) in [
        (content.clone(), "is or contains the content directory"),
        (
            tmp.path().to_path_buf(),
            "is or contains the content directory",
        ),
        (content.join("public"), "inside the content directory"),
        (
            repo().join("static/site-out"),
            "inside the static directory",
        ),
        (repo(), "is or contains"),
        (foreign.clone(), "was not made by tokenbook"),
    ] {
        let output = xtask_build(&content, &out, &[]);
        assert!(!output.status.success(), "{} was accepted", out.display());
        assert!(
            stderr(&output).contains(why),
            "{}: {}",
            out.display(),
            stderr(&output)
        );
    }
    assert_eq!(
        std::fs::read_to_string(foreign.join("holiday.jpg")).unwrap(),
        "not ours"
    );
    assert!(content.join("01_A.md").exists());
    assert!(!repo().join("static/site-out").exists());
}

#[test]
fn the_browser_tests_diagram_fixture_has_no_ragged_boxes() {
    let tmp = tempfile::tempdir().unwrap();
    let output = xtask_build(
        &repo().join("tests/browser/fixtures/diagrams"),
        &tmp.path().join("public"),
        &["--deny-warnings"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn the_course_builds_cleanly_and_every_internal_link_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let output = xtask_build(&repo().join("content"), &out, &["--deny-warnings"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lessons: Vec<_> = std::fs::read_dir(repo().join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".md"))
        .collect();
    assert!(lessons.len() >= 3, "{lessons:?}");
    let files = snapshot(&out);
    let pages: Vec<_> = files
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(files.contains_key(Path::new("index.html")));
    assert!(
        pages.len() > lessons.len(),
        "one page per lesson plus the index: {pages:?}"
    );
    let broken = broken_links(&files, "/client-credentials/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn with_source_date_epoch_two_builds_of_the_course_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let build = |out: &Path, epoch: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["build", "--content"])
            .arg(repo().join("content"))
            .arg("--out")
            .arg(out)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        snapshot(out)
    };
    let first = build(&tmp.path().join("a"), "1780000000");
    let second = build(&tmp.path().join("b"), "1780000000");
    assert!(
        first == second,
        "the same content and SOURCE_DATE_EPOCH gave different files"
    );
    // The time does reach the output: the playground's samples are issued then.
    let later = build(&tmp.path().join("c"), "1780003600");
    assert!(
        first != later,
        "SOURCE_DATE_EPOCH did not change the samples"
    );
}

#[test]
fn another_course_gets_only_what_it_wrote_and_the_generators_files_and_no_broken_link() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let output = xtask_build(&fixture("other-course"), &out, &["--deny-warnings"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let files = snapshot(&out);
    let broken = broken_links(&files, "/bread/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // Every file is the course's own, the generator's (static/), or made
    // by the build: nothing of the OAuth course came along.
    let statics: Vec<PathBuf> = snapshot(&repo().join("static")).into_keys().collect();
    for path in files.keys() {
        let generated = path.starts_with("search")
            || ["index.html", "404.html", "sitemap.xml", ".tokenbook-output"]
                .contains(&path.to_str().unwrap())
            || path.file_name().is_some_and(|n| n == "index.html");
        let own = path.starts_with("extras");
        assert!(
            generated || own || statics.contains(path),
            "{} is neither the course's, the generator's nor generated",
            path.display()
        );
    }
    for (path, text) in files.iter().map(|(p, b)| (p, String::from_utf8_lossy(b))) {
        for word in ["billing-service", "naive-app", "social-card", "OAuth"] {
            assert!(
                !text.contains(word),
                "{} mentions {word}: it belongs to the OAuth course",
                path.display()
            );
        }
    }
}

#[test]
fn a_copied_page_with_a_broken_link_fails_the_build_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    // The other course, with its checklist linking to a lesson it lacks.
    let content = tmp.path().join("content");
    copy_dir(&fixture("other-course"), &content);
    let checklist = content.join("extras/checklist.html");
    let text = std::fs::read_to_string(&checklist)
        .unwrap()
        .replace(
            "../03-baking/",
            "../08-secrets-never-ship-in-browsers/index.html",
        )
        .replace("#feeding", "#feding");
    std::fs::write(&checklist, text).unwrap();
    // And a static directory with a page of its own linking nowhere.
    let static_dir = tmp.path().join("theme");
    copy_dir(&repo().join("static"), &static_dir);
    std::fs::write(
        static_dir.join("about.html"),
        "<!doctype html>\n<title>About</title>\n<p><a href=\"playground/index.html#sample=app-token\">Play</a></p>\n",
    )
    .unwrap();
    let out = tmp.path().join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("build")
        .arg("--content")
        .arg(&content)
        .arg("--static")
        .arg(&static_dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = stderr(&output);
    assert!(!output.status.success(), "{stderr}");
    assert!(!out.exists(), "a failed build writes nothing");
    for expected in [
        format!(
            "{}:12:14: error[page/missing-anchor]: link to an anchor that does not exist: `../01-starter/index.html#feding`",
            content.join("extras/checklist.html").display()
        ),
        "did you mean `#feeding`?".to_string(),
        format!(
            "{}:14:14: error[page/missing-file]: link to `../08-secrets-never-ship-in-browsers/index.html`, which is not a file of the site",
            content.join("extras/checklist.html").display()
        ),
        format!(
            "{}:3:13: error[page/missing-file]: link to `playground/index.html#sample=app-token`, which is not a file of the site",
            static_dir.join("about.html").display()
        ),
    ] {
        assert!(
            stderr.contains(&expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}

/// A crawl of every HTML file of a site: each `href` and `src` inside the
/// site must name a file, each `#fragment` an id of its page. The 404 page
/// links from the base URL's path, `base_path`.
fn broken_links(files: &BTreeMap<PathBuf, Vec<u8>>, base_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    for (path, bytes) in files {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        for url in attribute_values(&html, &["href=\"", "src=\""]) {
            if url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("mailto:")
                // Inline content (the redirect pages' empty icon), no file.
                || url == "data:,"
            {
                continue;
            }
            let (file, fragment) = url.split_once('#').unwrap_or((&url, ""));
            let target = if file.is_empty() {
                path.clone()
            } else if let Some(absolute) = file.strip_prefix(base_path) {
                normalise(Path::new(absolute))
            } else {
                normalise(&path.parent().unwrap().join(file))
            };
            let target = if file.ends_with('/') || target.as_os_str().is_empty() {
                target.join("index.html")
            } else {
                target
            };
            match files.get(&target) {
                None => broken.push(format!(
                    "{}: {url} (no file {})",
                    path.display(),
                    target.display()
                )),
                // `#sample=…&step=…` is the playground's state, not an anchor.
                Some(target_bytes) if !fragment.is_empty() && !fragment.contains('=') => {
                    let target_html = String::from_utf8_lossy(target_bytes);
                    if !target_html.contains(&format!("id=\"{fragment}\"")) {
                        broken.push(format!("{}: {url} (no id {fragment})", path.display()));
                    }
                }
                Some(_) => {}
            }
        }
    }
    broken
}

fn attribute_values(html: &str, prefixes: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for prefix in prefixes {
        let mut rest = html;
        while let Some(i) = rest.find(prefix) {
            rest = &rest[i + prefix.len()..];
            if let Some(end) = rest.find('"') {
                values.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    values
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn fix_encoding_restores_mojibake_through_each_code_page_and_keeps_a_backup() {
    let original = std::fs::read_to_string(fixture("mojibake/original.md")).unwrap();
    for page in ["windows-1254.md", "windows-1252.md"] {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        std::fs::create_dir(&content).unwrap();
        let file = content.join("02_Lesson.md");
        let garbled = std::fs::read_to_string(fixture("mojibake").join(page)).unwrap();
        assert_ne!(garbled, original);
        std::fs::write(&file, &garbled).unwrap();

        // The build refuses it and shows the line as it should read.
        let build = xtask_build(&content, &tmp.path().join("public"), &[]);
        let report = stderr(&build);
        assert!(!build.status.success(), "{report}");
        assert!(
            report.contains("02_Lesson.md:1:3: error[encoding/mojibake]: mojibake:"),
            "{page}: {report}"
        );
        assert!(
            report.contains("the line should read: # 📌 A Lesson That Went Through Windows"),
            "{page}: {report}"
        );

        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("fix-encoding")
            .arg(&file)
            .output()
            .unwrap();
        let log = stderr(&output);
        assert!(output.status.success(), "{log}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            original,
            "{page}: {log}"
        );
        assert_eq!(
            std::fs::read_to_string(content.join("02_Lesson.md.orig")).unwrap(),
            garbled
        );
        assert!(
            !log.contains("wrote U+FFFD") && log.contains("0 lost"),
            "{page}: {log}"
        );
        if page == "windows-1254.md" {
            // ❌ (E2 9D 8C) and U+FE0F (EF B8 8F) lose a byte in Windows-1254.
            assert!(
                log.contains("02_Lesson.md:3:4: inferred `\u{fe0f}`"),
                "{log}"
            );
            assert!(log.contains("02_Lesson.md:9:6: inferred `❌`"), "{log}");
            assert!(log.contains("02_Lesson.md:6:32: inferred `┐`"), "{log}");
            assert!(log.contains("02_Lesson.md:15:29: inferred `”`"), "{log}");
        }
        for (fixed, want) in std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .zip(original.lines())
        {
            assert_eq!(fixed.chars().count(), want.chars().count());
        }
    }
}

/// A FIFO named like a lesson used to hang the build forever (reading it
/// waits for a writer), and a huge file was read whole: only regular files
/// are read, up to a size limit, and the rest are located errors.
#[test]
fn only_regular_files_of_reasonable_size_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&fixture("good"), &content);
    let fifo = content.join("03_Pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    Command::new("mkfifo")
        .arg(content.join("pipe.png"))
        .status()
        .unwrap();
    let big = format!("# Big\n\n{}\n", "word ".repeat(1_000_000));
    std::fs::write(content.join("04_Big.md"), big).unwrap();
    let built = xtask_build(&content, &tmp.path().join("public"), &[]);
    let report = stderr(&built);
    assert!(!built.status.success(), "{report}");
    let dir = content.display();
    for expected in [
        format!("{dir}/03_Pipe.md: error[read/not-a-file]"),
        format!("{dir}/pipe.png: error[read/not-a-file]"),
        format!("{dir}/04_Big.md: error[read/too-large]"),
    ] {
        assert!(
            report.contains(&expected),
            "missing `{expected}` in:\n{report}"
        );
    }
}
