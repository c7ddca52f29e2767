//! "Beginner Check" sections: a list of questions, a paragraph `Answers:`,
//! and a list of answers. Each answer is folded under its question in a
//! `<details>`, so it stays hidden until asked for, without JavaScript.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::diagnostic::Diagnostic;
use crate::events::plain_text;

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Returns the events with every well-formed Beginner Check rewritten;
/// malformed ones are left as they are, with a warning.
pub(crate) fn transform<'a>(
    events: &[Spanned<'a>],
    path: &str,
    source: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len() + 16);
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, .. }) = &events[i].0 else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let (text, heading_end) = plain_text(events, i);
        out.extend_from_slice(&events[i..heading_end]);
        let section_end = (heading_end..events.len())
            .find(|&j| matches!(&events[j].0, Event::Start(Tag::Heading { level: l, .. }) if l <= level))
            .unwrap_or(events.len());
        if !text.to_lowercase().contains("beginner check") {
            i = heading_end;
            continue;
        }
        {
            let heading = &events[i].1;
            match rewrite(&events[heading_end..section_end]) {
                Ok(rewritten) => out.extend(rewritten),
                Err(problem) => {
                    diagnostics.push(
                        Diagnostic::warning("beginner-check/malformed", path, format!("this Beginner Check {problem}; its answers are not hidden"))
                            .at(source, heading.start, heading.len())
                            .with_hint("write a numbered list of questions, a paragraph `Answers:`, then a numbered list with one answer per question"),
                    );
                    out.extend_from_slice(&events[heading_end..section_end]);
                }
            }
        }
        i = section_end;
    }
    out
}

/// The section's events with the questions and answers folded together, or
/// what is missing.
fn rewrite<'a>(section: &[Spanned<'a>]) -> Result<Vec<Spanned<'a>>, String> {
    let blocks = top_level_blocks(section);
    let questions = blocks
        .iter()
        .position(|b| matches!(section[b.start].0, Event::Start(Tag::List(_))))
        .ok_or("has no list of questions")?;
    let label = blocks
        .iter()
        .enumerate()
        .skip(questions + 1)
        .find(|(_, b)| is_answers_label(&section[(*b).clone()]))
        .map(|(k, _)| k)
        .ok_or("has no paragraph `Answers:` after its questions")?;
    let answers = blocks
        .iter()
        .enumerate()
        .skip(label + 1)
        .find(|(_, b)| matches!(section[b.start].0, Event::Start(Tag::List(_))))
        .map(|(k, _)| k)
        .ok_or("has no list of answers after `Answers:`")?;
    let q_items = items(&section[blocks[questions].clone()]);
    let a_items = items(&section[blocks[answers].clone()]);
    if q_items.len() != a_items.len() {
        return Err(format!(
            "has {} questions but {} answers",
            q_items.len(),
            a_items.len()
        ));
    }
    let q_range = blocks[questions].clone();
    let list_tag = match &section[q_range.start].0 {
        Event::Start(Tag::List(Some(start))) if *start != 1 => {
            format!("<ol class=\"check\" start=\"{start}\">\n")
        }
        Event::Start(Tag::List(Some(_))) => "<ol class=\"check\">\n".to_string(),
        _ => "<ul class=\"check\">\n".to_string(),
    };
    let close_tag = if list_tag.starts_with("<ol") {
        "</ol>\n"
    } else {
        "</ul>\n"
    };
    let html = |s: String| (Event::Html(CowStr::from(s)), 0..0);
    let html_static = |s: &'static str| (Event::Html(CowStr::Borrowed(s)), 0..0);

    let mut out = Vec::with_capacity(section.len() + 4 * q_items.len());
    out.extend_from_slice(&section[..q_range.start]);
    out.push(html(list_tag));
    for (n, (q, a)) in q_items.iter().zip(&a_items).enumerate() {
        out.push(html_static("<li><div class=\"question\">"));
        out.extend_from_slice(&section[blocks[questions].start..][q.clone()]);
        out.push(html(format!("</div><details><summary>Show answer<span class=\"visually-hidden\"> {}</span></summary><div class=\"answer\">", n + 1)));
        out.extend_from_slice(&section[blocks[answers].start..][a.clone()]);
        out.push(html_static("</div></details></li>\n"));
    }
    out.push(html_static(close_tag));
    // What stood between the questions and the answers, other than the
    // label, stays (after the check); so does everything after.
    for (k, block) in blocks.iter().enumerate() {
        if k > questions && k != label && k != answers {
            out.extend_from_slice(&section[block.clone()]);
        }
    }
    Ok(out)
}

/// The index ranges of the top-level blocks of a run of events.
fn top_level_blocks(events: &[Spanned<'_>]) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    blocks.push(start..i + 1);
                }
            }
            _ if depth == 0 => blocks.push(i..i + 1),
            _ => {}
        }
    }
    blocks
}

/// The ranges of each item's contents (inside `<li>`), relative to `list`.
fn items(list: &[Spanned<'_>]) -> Vec<Range<usize>> {
    let inner = &list[1..list.len().saturating_sub(1)];
    top_level_blocks(inner)
        .into_iter()
        .filter(|b| matches!(inner[b.start].0, Event::Start(Tag::Item)))
        .map(|b| b.start + 2..b.end)
        .collect()
}

fn is_answers_label(block: &[Spanned<'_>]) -> bool {
    if !matches!(block.first(), Some((Event::Start(Tag::Paragraph), _))) {
        return false;
    }
    if !matches!(block.last(), Some((Event::End(TagEnd::Paragraph), _))) {
        return false;
    }
    let text: String = block
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    matches!(
        text.trim().to_lowercase().as_str(),
        "answers:" | "answer:" | "answers" | "answer"
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::markdown::{parse, render};

    fn render_check(src: &str) -> (String, Vec<String>) {
        let r = render(
            &parse(src, 0),
            "a.md",
            src,
            &HashMap::new(),
            &crate::markdown::test_context(),
        );
        (
            r.html,
            r.diagnostics
                .iter()
                .map(|d| d.render(&crate::diagnostic::Roots::default()))
                .collect(),
        )
    }

    #[test]
    fn answers_fold_under_their_questions() {
        let (html, diags) = render_check(
            "## 🤔 Beginner Check\n\n1. Who?\n2. What?\n\nAnswers:\n\n1. Me.\n2. **That**.\n\n## Next\n\nafter\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert!(html.contains("<ol class=\"check\">\n<li><div class=\"question\">Who?</div><details><summary>Show answer<span class=\"visually-hidden\"> 1</span></summary><div class=\"answer\">Me.</div></details></li>"), "{html}");
        assert!(
            html.contains("<div class=\"answer\"><strong>That</strong>.</div>"),
            "{html}"
        );
        assert!(!html.contains("Answers:"), "{html}");
        assert!(html.contains("<p>after</p>"), "{html}");
    }

    #[test]
    fn loose_lists_and_bold_labels_work() {
        let (html, diags) = render_check(
            "## Beginner check\n\n1. Q one?\n\n2. Q two?\n\n**Answers:**\n\n1. A one.\n\n2. A two.\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert!(
            html.contains("<div class=\"question\">\n<p>Q one?</p>\n</div><details>"),
            "{html}"
        );
        assert_eq!(html.matches("<details>").count(), 2);
    }

    #[test]
    fn mismatched_or_missing_answers_warn_and_stay_visible() {
        let (html, diags) =
            render_check("## Beginner Check\n\n1. A?\n2. B?\n\nAnswers:\n\n1. Only one.\n");
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0]
                .contains("a.md:1:1: warning[beginner-check/malformed]: this Beginner Check has 2 questions but 1 answers"),
            "{diags:?}"
        );
        assert!(html.contains("<p>Answers:</p>") && !html.contains("<details>"));
        let (_, diags) = render_check("## Beginner Check\n\n1. A?\n");
        assert!(diags[0].contains("no paragraph `Answers:`"), "{diags:?}");
    }

    #[test]
    fn a_check_nested_under_a_title_is_found() {
        let (html, diags) =
            render_check("# Title\n\ntext\n\n## Beginner Check\n\n1. Q?\n\nAnswers:\n\n1. A.\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(html.contains("<details>"), "{html}");
    }

    #[test]
    fn other_sections_are_untouched() {
        let (html, diags) = render_check("## Quiz\n\n1. A?\n\nAnswers:\n\n1. B\n");
        assert!(diags.is_empty());
        assert!(!html.contains("<details>"));
    }
}
