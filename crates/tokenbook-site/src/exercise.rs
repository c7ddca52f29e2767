//! The OAuth lab's exercises in lessons: a fence ```` ```exercise id=… ````
//! whose TOML body `tokenbook_lab::parse_exercise` reads becomes a
//! `<section class="exercise">` showing the task, the goals, the starting
//! request, the hints and, folded, the worked solution with the server's
//! answers, all rendered at build time by the lab itself, so it reads the
//! same without JavaScript.
//!
//! Every exercise is run while the page renders: a fence whose worked
//! solution does not meet its goals, or whose start already does, is an
//! error at the fence (`exercise/unsolved`); a malformed fence is one at
//! the faulty line (`exercise/fence`).

use tokenbook_lab::{EXERCISE_START, Exercise, ExerciseError, Run, parse_exercise};

use crate::diagnostic::Diagnostic;
use crate::highlight::Highlighted;
use crate::html::{escape, escape_into};

/// Where a fence is in its lesson.
pub(crate) struct Fence<'a> {
    /// The fence's `id` attribute.
    pub(crate) id: Option<&'a str>,
    /// Its body.
    pub(crate) body: &'a str,
    /// The byte offset of the fence, and of its body, in the source.
    pub(crate) offset: usize,
    pub(crate) body_offset: usize,
}

/// What rendering needs from the page.
pub(crate) struct Page<'a> {
    pub(crate) path: &'a str,
    pub(crate) source: &'a str,
    /// Highlights a code block: `(key, language, code)`.
    pub(crate) highlight: &'a (dyn Fn(u64, &str, &str) -> Highlighted + Sync),
    /// The heading level of the exercise's title.
    pub(crate) heading_level: u8,
}

/// Renders `fence`, or returns nothing and reports why.
pub(crate) fn render(
    fence: &Fence<'_>,
    page: &Page<'_>,
    diagnostics: &mut Vec<Diagnostic>,
    code_keys: &mut Vec<u64>,
) -> String {
    let located = |code: &'static str, message: String, offset: usize| {
        Diagnostic::error(code, page.path, message)
            .at(page.source, offset, 3)
            .with_hint("the exercise syntax is in README.md, \"Exercises\"")
    };
    let Some(id) = fence.id else {
        diagnostics.push(located(
            "exercise/fence",
            "an exercise fence needs an id: ```exercise id=read-only-token".to_owned(),
            fence.offset,
        ));
        return String::new();
    };
    let exercise = match parse_exercise(id, fence.body) {
        Ok(exercise) => exercise,
        Err(ExerciseError { message, offset }) => {
            let at = offset.map_or(fence.offset, |o| fence.body_offset + o);
            diagnostics.push(located(
                "exercise/fence",
                format!("exercise {id}: {message}"),
                at,
            ));
            return String::new();
        }
    };
    let runs = exercise
        .run_start(EXERCISE_START)
        .and_then(|start| Ok((start, exercise.run_solution(EXERCISE_START)?)));
    let problem = match &runs {
        Err(why) => Some(format!("exercise {id} cannot run: {why}")),
        Ok((start, _)) if start.done() => Some(format!(
            "exercise {id} is already done from its start: its starting request meets every goal"
        )),
        Ok((_, solution)) if !solution.done() => Some(format!(
            "exercise {id}: its worked solution does not meet {}",
            unmet(&exercise, solution)
        )),
        Ok(_) => None,
    };
    match (problem, runs) {
        (None, Ok((_, solution))) => html(&exercise, &solution, page, code_keys),
        (problem, _) => {
            diagnostics.push(located(
                "exercise/unsolved",
                problem.unwrap_or_default(),
                fence.offset,
            ));
            String::new()
        }
    }
}

fn unmet(exercise: &Exercise, run: &Run) -> String {
    let goals: Vec<String> = exercise
        .goals
        .iter()
        .zip(&run.met)
        .filter(|(_, met)| !**met)
        .map(|(goal, _)| format!("\"{}\"", goal.describe()))
        .collect();
    goals.join(" nor ")
}

/// `text` escaped, with `` `code` `` spans as `<code>`.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            escape_into(&mut out, part);
            out.push_str("</code>");
        } else {
            escape_into(&mut out, part);
        }
    }
    out
}

fn code_block(text: &str, page: &Page<'_>, code_keys: &mut Vec<u64>) -> String {
    let text = text.replace("\r\n", "\n");
    let text = text.trim_matches('\n');
    let key = crate::hash::key_of(&("http", text));
    code_keys.push(key);
    let code = match (page.highlight)(key, "http", text) {
        Highlighted::Html(html) => html,
        Highlighted::Plain | Highlighted::Unknown => escape(text),
    };
    format!("<pre class=\"code\" tabindex=\"0\" data-lang=\"http\"><code>{code}</code></pre>\n")
}

/// The JSON the lab's page script reads: the exercise, the certificates
/// the lab can present, and the client its helpers start with (a course's
/// facts, kept out of the generator's scripts; its secret is the client
/// password of RFC 6749 §2.3.1).
fn lab_data(exercise: &Exercise) -> String {
    lab_page_data(exercise).to_string()
}

/// The page data of the playground's Lab step: a free lab, with no goals,
/// whose editor opens with a correct token request.
pub(crate) fn free_lab_data() -> serde_json::Value {
    lab_page_data(&Exercise {
        id: "playground".to_owned(),
        title: String::new(),
        task: String::new(),
        certificate: None,
        setup: Vec::new(),
        advance: 0,
        start: tokenbook_lab::first_token_request(),
        hints: Vec::new(),
        goals: Vec::new(),
        solution: Vec::new(),
    })
}

fn lab_page_data(exercise: &Exercise) -> serde_json::Value {
    let client = &tokenbook_token::facts::BILLING_SERVICE;
    // What the browser needs to grade: not the title, task, goals' words,
    // hints or solution, which the page shows already.
    let exercise = Exercise {
        title: String::new(),
        task: String::new(),
        goals: exercise
            .goals
            .iter()
            .map(|goal| tokenbook_lab::Goal {
                says: None,
                ..goal.clone()
            })
            .collect(),
        hints: Vec::new(),
        solution: Vec::new(),
        ..exercise.clone()
    };
    let certificates: Vec<&str> = tokenbook_lab::CERTIFICATES.iter().map(|c| c.name).collect();
    let data = serde_json::json!({
        "exercise": &exercise,
        "certificates": certificates,
        "client": { "id": client.id, "password": client.secret },
    });
    data
}

/// What the lab did before the starting request: the certificate, the
/// requests already sent (folded), the clock moved.
fn setting(exercise: &Exercise, page: &Page<'_>, code_keys: &mut Vec<u64>) -> String {
    let mut parts = Vec::new();
    if let Some(certificate) = &exercise.certificate {
        parts.push(format!(
            "the client presents the certificate <code>{}</code>",
            escape(certificate)
        ));
    }
    if !exercise.setup.is_empty() {
        parts.push(match exercise.setup.len() {
            1 => "one request was sent already (below)".to_owned(),
            n => format!("{n} requests were sent already (below)"),
        });
    }
    if exercise.advance > 0 {
        parts.push(format!(
            "then the clock moved {} s forward",
            exercise.advance
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    let mut out = format!("<p>In the lab, {}.</p>\n", parts.join("; "));
    if !exercise.setup.is_empty() {
        out.push_str(
            "<details class=\"exercise-setup\"><summary>Sent before the start</summary>\n",
        );
        for request in &exercise.setup {
            out.push_str(&code_block(request, page, code_keys));
        }
        out.push_str("</details>\n");
    }
    out
}

fn html(exercise: &Exercise, solution: &Run, page: &Page<'_>, code_keys: &mut Vec<u64>) -> String {
    let id = escape(&exercise.id);
    let level = page.heading_level.clamp(2, 6);
    let title = escape(&exercise.title);
    // The title is a heading like the lesson's own: with its # link.
    let mut out = format!(
        "<section class=\"exercise\" id=\"exercise-{id}\" data-exercise=\"{id}\" aria-labelledby=\"exercise-{id}-title\">\n<div class=\"heading\"><h{level} class=\"exercise-title\" id=\"exercise-{id}-title\">Exercise: {title}</h{level}><a class=\"anchor\" href=\"#exercise-{id}-title\" aria-label=\"Link to the section Exercise: {title}\">#</a></div>\n<p class=\"exercise-task\">{}</p>\n",
        inline(&exercise.task)
    );
    out.push_str("<p>Done when:</p>\n<ul class=\"exercise-goals\">\n");
    for goal in &exercise.goals {
        out.push_str(&format!("<li>{}</li>\n", inline(&goal.describe())));
    }
    out.push_str("</ul>\n");
    out.push_str(&setting(exercise, page, code_keys));
    out.push_str("<p>The starting request:</p>\n");
    out.push_str(&code_block(&exercise.start, page, code_keys));
    for (n, hint) in exercise.hints.iter().enumerate() {
        out.push_str(&format!(
            "<details class=\"exercise-hint\"><summary>Hint {}</summary><p>{}</p></details>\n",
            n + 1,
            inline(hint)
        ));
    }
    out.push_str("<details class=\"exercise-solution\"><summary>Worked solution</summary>\n");
    for (n, (step, (_, answer))) in exercise.solution.iter().zip(&solution.answers).enumerate() {
        let mut before = Vec::new();
        if step.advance > 0 {
            before.push(format!("move the clock {} s forward", step.advance));
        }
        match step.certificate.as_deref() {
            Some("") => before.push("present no certificate".to_owned()),
            Some(name) => before.push(format!(
                "present the certificate <code>{}</code>",
                escape(name)
            )),
            None => {}
        }
        let before = if before.is_empty() {
            String::new()
        } else {
            format!(": {}, then send", before.join(", "))
        };
        out.push_str(&format!(
            "<p class=\"exercise-step\">Step {}{before}</p>\n",
            n + 1
        ));
        out.push_str(&code_block(&step.request, page, code_keys));
        out.push_str("<p>The server answers:</p>\n");
        out.push_str(&code_block(&answer.text, page, code_keys));
        out.push_str(&format!(
            "<p class=\"exercise-why\">{}</p>\n",
            escape(&answer.explanation)
        ));
    }
    let requests = || {
        std::iter::once(&exercise.start)
            .chain(&exercise.setup)
            .chain(exercise.solution.iter().map(|step| &step.request))
    };
    if requests().any(|r| r.contains("{{")) {
        out.push_str("<p class=\"exercise-note\">The lab fills <code>{{access_token}}</code> with the last token it issued, and <code>{{private_key_jwt}}</code> or <code>{{client_secret_jwt}}</code> with a client assertion it signs at that moment.");
        if requests().any(|r| r.contains("{{k8s_token")) {
            out.push_str(" <code>{{k8s_token:AUDIENCE}}</code> is the token the simulated cluster <code>https://k8s.example.com</code> projects into billing-service's pod for that audience (<code>{{k8s_token}}</code>: for <code>https://auth.example.com</code>).");
        }
        out.push_str("</p>\n");
    }
    out.push_str("</details>\n");
    // Data for the lab's page script, inert: a template's text is never run
    // or rendered (as the playground's).
    out.push_str("<template class=\"lab-data\">");
    let json = lab_data(exercise);
    out.push_str(
        &json
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
    );
    out.push_str("</template>\n</section>\n");
    out
}
