//! `cargo xtask new "Title"`: the next numbered lesson, from a template with
//! front matter, a heading, a diagram skeleton and a Beginner Check. Creates
//! one file and touches nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::fail::AtPath as _;
use crate::repo_root;

/// Arguments of `cargo xtask new`.
#[derive(clap::Args)]
pub struct Args {
    /// The lesson's title, e.g. "Token Caching".
    title: String,
    /// The content directory.
    #[arg(long, value_name = "DIR", default_value_os_t = repo_root().join("content"))]
    content: PathBuf,
    /// A part (folder) inside the content directory to add the lesson to.
    #[arg(long, value_name = "DIR")]
    part: Option<PathBuf>,
}

/// Writes the new lesson and prints its path and URL.
pub fn run(args: &Args) -> Result<ExitCode, String> {
    let title = args.title.trim();
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return Err(format!(
            "the title {title:?} has no letters or digits to name the file after"
        ));
    }
    let dir = match &args.part {
        Some(part) if part.is_absolute() => part.clone(),
        Some(part) => args.content.join(part),
        None => args.content.clone(),
    };
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a directory; create it first (a folder is a part of the course)",
            dir.display()
        ));
    }
    let numbers: Vec<(u64, usize)> = std::fs::read_dir(&dir)
        .at_path(&dir)?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            let rest = &name[digits.len()..];
            (!digits.is_empty() && rest.starts_with(['_', '-', ' ', '.']))
                .then(|| Some((digits.parse().ok()?, digits.len())))?
        })
        .collect();
    let next = numbers.iter().map(|(n, _)| n + 1).max().unwrap_or(1);
    let width = numbers.iter().map(|(_, w)| *w).max().unwrap_or(2).max(2);
    let number = format!("{next:0width$}");
    let file = dir.join(format!("{number}_{}.md", words.join("_")));
    if file.exists() {
        return Err(format!("{} exists already", file.display()));
    }
    std::fs::write(&file, template(&number, title)).at_path(&file)?;
    let rel = file.strip_prefix(&args.content).unwrap_or(&file);
    let url_dirs: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| tokenbook_site::slugify(&c.as_os_str().to_string_lossy()))
        .collect();
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut url: String = url_dirs.iter().map(|d| format!("{d}/")).collect();
    url.push_str(&tokenbook_site::slugify(&stem));
    println!("created {}", file.display());
    println!("its page: /{url}/ (run cargo xtask serve to see it)");
    Ok(ExitCode::SUCCESS)
}

fn template(number: &str, title: &str) -> String {
    format!(
        r#"+++
description = "One sentence: what the reader learns in this lesson."
+++

# {number} · {title}

Say in two or three sentences what this lesson is about and why it matters.

## 🧭 The Big Picture

```text alt="Describe the diagram in one sentence for screen readers"
┌──────────────────┐          ┌──────────────────┐
│ 💻 client        │ ───────► │ 🔐 auth server   │
└──────────────────┘          └──────────────────┘
```

## 🤔 Beginner Check

1. A first question?
2. A second question?

Answers:

1. The answer to the first.
2. The answer to the second.

## 📚 References

- [RFC 6749, section 4.4: Client Credentials Grant](https://www.rfc-editor.org/rfc/rfc6749#section-4.4)
"#
    )
}
