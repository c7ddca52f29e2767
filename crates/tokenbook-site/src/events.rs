//! Helpers over pulldown-cmark's events with their source ranges, shared
//! by the renderer and the Beginner Check rewrite.

use std::ops::Range;

use pulldown_cmark::Event;

/// The plain text of the element starting at `start`, and the index just
/// past its end.
pub(crate) fn plain_text(events: &[(Event<'_>, Range<usize>)], start: usize) -> (String, usize) {
    let mut text = String::new();
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (text, i + 1);
                }
            }
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
        if depth == 0 {
            return (text, i + 1);
        }
    }
    (text, events.len())
}
