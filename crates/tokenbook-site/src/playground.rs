//! The token playground in lessons. A fence ```` ```playground sample=app-token step=validate ````
//! becomes a `<section class="playground">` holding the sample rendered at
//! build time — the token, its decoded header and payload, every claim
//! explained, the app-or-user verdict — so it reads well without
//! JavaScript, plus the JSON data `static/js/playground.js` needs to make
//! it interactive.

use serde::Serialize;
use tokenbook_token::facts;
use tokenbook_token::samples::{self, Sample};

use crate::highlight::{self, Highlighted};
use crate::html::{escape, escape_into, relative_url};

/// The steps a fence may open at.
pub(crate) const STEPS: &[&str] = &["decode", "validate", "flow", "lab", "leak"];

/// How long after issue the playground's clock reads a sample.
const READ_AFTER_SECONDS: i64 = 300;

/// The kit, minted the first time a page asks for it: courses without a
/// playground never pay for the RSA signatures.
pub(crate) struct LazyKit {
    now: i64,
    leaky_app: Option<LeakyApp>,
    kit: std::sync::OnceLock<Result<Kit, String>>,
}

impl LazyKit {
    /// A kit that will be minted as of `now` (Unix seconds), for a course
    /// with this leaky app (or none: then there is no Leak step).
    pub(crate) fn new(now: i64, leaky_app: Option<LeakyApp>) -> Self {
        LazyKit {
            now,
            leaky_app,
            kit: std::sync::OnceLock::new(),
        }
    }

    /// The kit, or why it could not be minted.
    pub(crate) fn get(&self) -> Result<&Kit, &str> {
        self.kit
            .get_or_init(|| Kit::new(self.now, self.leaky_app.clone()))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// The course's deliberately leaky browser app, which the Leak step opens
/// and reads: site paths of its page and of the script holding the secret
/// (`[playground]` in `site.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct LeakyApp {
    /// Its page, e.g. `naive-app/index.html`.
    pub page: String,
    /// Its script, e.g. `naive-app/app.js`.
    pub script: String,
}

/// The course's samples and keys, minted once per build.
pub(crate) struct Kit {
    samples: Vec<Sample>,
    /// What the simulated authorization server issues, by scope.
    flow_tokens: Vec<(String, String)>,
    leaky_app: Option<LeakyApp>,
    issued_at: i64,
    rsa_public_pem: &'static str,
    jwks: String,
}

impl Kit {
    /// Mints the samples as of `now` (Unix seconds) with the course's fake
    /// keys.
    pub(crate) fn new(now: i64, leaky_app: Option<LeakyApp>) -> Result<Kit, String> {
        let keys = samples::course_keys();
        let minted =
            samples::mint_samples(&keys, now).map_err(|e| format!("{}: {}", e.message, e.hint))?;
        let flow_tokens = samples::mint_flow_tokens(&keys, now)
            .map_err(|e| format!("{}: {}", e.message, e.hint))?;
        Ok(Kit {
            samples: minted,
            flow_tokens,
            leaky_app,
            issued_at: now,
            rsa_public_pem: keys.rsa_public_pem,
            jwks: samples::public_jwks(&keys),
        })
    }

    /// The ids of the samples, for hints.
    pub(crate) fn sample_ids(&self) -> Vec<&str> {
        self.samples.iter().map(|s| s.id.as_str()).collect()
    }

    fn sample(&self, id: &str) -> Option<&Sample> {
        self.samples.iter().find(|s| s.id == id)
    }

    /// The section for a fence, on the page at site path `page_url`; the
    /// `n`th playground of the page, titled by a heading of `heading_level`
    /// (one below the section it sits in). Errors name what is wrong with
    /// the fence's attributes.
    pub(crate) fn render(
        &self,
        sample_id: &str,
        step: &str,
        page_url: &str,
        n: usize,
        heading_level: u8,
    ) -> Result<String, String> {
        let sample = self
            .sample(sample_id)
            .ok_or_else(|| format!("unknown playground sample `{sample_id}`"))?;
        if !STEPS.contains(&step) {
            return Err(format!("unknown playground step `{step}`"));
        }
        if step == "leak" && self.leaky_app.is_none() {
            return Err("the `leak` step needs the course's leaky browser app: set `leaky_app` and `leaky_app_script` under `[playground]` in site.toml".to_string());
        }
        let now = self.issued_at + READ_AFTER_SECONDS;
        let decoded = tokenbook_token::decode(&sample.token).map_err(|e| e.message)?;
        let verdict = tokenbook_token::classify(&decoded);
        let claims = tokenbook_token::explain(&decoded, now);
        let header_claims = tokenbook_token::explain_header(&decoded);

        let mut html = String::with_capacity(8 * 1024);
        let id = if n == 1 {
            "playground".to_string()
        } else {
            format!("playground-{n}")
        };
        html.push_str(&format!(
            "<section class=\"playground\" id=\"{id}\" data-sample=\"{}\" data-step=\"{step}\" aria-labelledby=\"{id}-title\">\n<div class=\"heading\"><h{level} id=\"{id}-title\">🧪 Token playground</h{level}><a class=\"anchor\" href=\"#{id}-title\" aria-label=\"Link to the section Token playground\">#</a></div>\n",
            escape(&sample.id),
            level = heading_level.clamp(2, 6),
        ));
        html.push_str("<p class=\"pg-fake\">Every token, key and secret in the playground is fake, made for this course. Nothing you paste leaves your browser.</p>\n<div class=\"pg-static\">\n");
        html.push_str(&format!(
            "<p class=\"pg-label\">Sample: {}</p>\n<p>{}</p>\n",
            escape(&sample.title),
            escape(&sample.lesson_point)
        ));
        let [h, p, s] = &decoded.segments;
        html.push_str(&format!(
            "<pre class=\"pg-token\"><span class=\"pg-h\">{}</span>.<span class=\"pg-p\">{}</span>.<span class=\"pg-s\">{}</span></pre>\n",
            escape(h),
            escape(p),
            escape(s)
        ));
        let verdict_class = match verdict.verdict {
            tokenbook_token::Verdict::AppToken => "pg-verdict-app",
            tokenbook_token::Verdict::UserToken => "pg-verdict-user",
            tokenbook_token::Verdict::Unclear => "pg-verdict-unclear",
        };
        html.push_str(&format!(
            "<div class=\"pg-verdict {verdict_class}\"><p class=\"pg-verdict-title\">{}</p><ul>",
            rich(&verdict.summary)
        ));
        for reason in &verdict.reasons {
            html.push_str(&format!("<li>{}</li>", rich(reason)));
        }
        html.push_str("</ul></div>\n<div class=\"pg-columns\">");
        for (label, class, json) in [
            ("Header", "pg-h", &decoded.header_pretty),
            ("Payload", "pg-p", &decoded.payload_pretty),
        ] {
            html.push_str(&format!(
                "<div><p class=\"pg-label {class}\">{label}</p><pre class=\"pg-json\" tabindex=\"0\"><code>"
            ));
            match highlight::highlight("json", json) {
                Highlighted::Html(code) => html.push_str(&code),
                _ => escape_into(&mut html, json),
            }
            html.push_str("</code></pre></div>");
        }
        html.push_str("</div>\n");
        claim_table(&mut html, "Header", &header_claims);
        claim_table(&mut html, "Claims", &claims);
        html.push_str(if self.leaky_app.is_some() {
            "<p class=\"pg-small\">Times are read five minutes after the sample was issued. With JavaScript, this becomes an interactive playground: paste a token, validate it, walk the flow, and watch a secret leak.</p>\n</div>\n"
        } else {
            "<p class=\"pg-small\">Times are read five minutes after the sample was issued. With JavaScript, this becomes an interactive playground: paste a token, validate it and walk the flow.</p>\n</div>\n"
        });
        // Data for the page script, inert: a template's text is never run or
        // rendered (an inline JSON <script> would trip CSP checkers).
        html.push_str("<template class=\"pg-data\">");
        for c in self.page_data(page_url).chars() {
            match c {
                '&' => html.push_str("&amp;"),
                '<' => html.push_str("&lt;"),
                '>' => html.push_str("&gt;"),
                c => html.push(c),
            }
        }
        html.push_str("</template>\n</section>\n");
        Ok(html)
    }

    /// What the page script needs, as JSON.
    fn page_data(&self, page_url: &str) -> String {
        #[derive(Serialize)]
        struct SampleData<'a> {
            #[serde(flatten)]
            sample: &'a Sample,
            now: i64,
        }
        #[derive(Serialize)]
        struct Keys<'a> {
            rsa_public_pem: &'a str,
            jwks: &'a str,
            hs256_secret: &'a str,
            hs256_kid: &'a str,
            issuer: &'a str,
            audience: &'a str,
        }
        #[derive(Serialize)]
        struct Client<'a> {
            id: &'a str,
            secret: &'a str,
            scopes: &'a [&'a str],
            default_scope: &'a str,
            token_lifetime: i64,
            /// What the simulated server issues, by requested scope.
            tokens: std::collections::BTreeMap<&'a str, &'a str>,
        }
        #[derive(Serialize)]
        struct Api<'a> {
            identifier: &'a str,
            host: &'a str,
            leeway_seconds: i64,
        }
        #[derive(Serialize)]
        struct NaiveApp {
            page: String,
            script: String,
        }
        #[derive(Serialize)]
        struct Data<'a> {
            samples: Vec<SampleData<'a>>,
            keys: Keys<'a>,
            client: Client<'a>,
            api: Api<'a>,
            ungranted_scope: &'a str,
            naive_app: Option<NaiveApp>,
            /// The Lab step's free lab, as exercises get theirs.
            lab: serde_json::Value,
        }
        let now = self.issued_at + READ_AFTER_SECONDS;
        let data = Data {
            samples: self
                .samples
                .iter()
                .map(|sample| SampleData { sample, now })
                .collect(),
            keys: Keys {
                rsa_public_pem: self.rsa_public_pem,
                jwks: &self.jwks,
                hs256_secret: samples::FAKE_HS256_SECRET,
                hs256_kid: samples::HS256_KID,
                issuer: facts::ISSUER,
                audience: facts::LEDGER_API.identifier,
            },
            client: Client {
                id: facts::BILLING_SERVICE.id,
                secret: facts::BILLING_SERVICE.secret,
                scopes: facts::BILLING_SERVICE.scopes,
                default_scope: facts::BILLING_SERVICE.default_scope,
                token_lifetime: facts::BILLING_SERVICE.token_lifetime,
                tokens: self
                    .flow_tokens
                    .iter()
                    .map(|(scope, token)| (scope.as_str(), token.as_str()))
                    .collect(),
            },
            api: Api {
                identifier: facts::LEDGER_API.identifier,
                host: facts::LEDGER_API.identifier.trim_start_matches("https://"),
                leeway_seconds: facts::LEEWAY_SECONDS,
            },
            ungranted_scope: facts::UNGRANTED_SCOPE,
            naive_app: self.leaky_app.as_ref().map(|app| NaiveApp {
                page: relative_url(page_url, &app.page),
                script: relative_url(page_url, &app.script),
            }),
            lab: crate::exercise::free_lab_data(),
        };
        serde_json::to_string(&data).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Escaped text with backquoted parts as `<code>`, as the page script shows
/// them.
fn rich(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            html.push_str("<code>");
            escape_into(&mut html, part);
            html.push_str("</code>");
        } else {
            escape_into(&mut html, part);
        }
    }
    html
}

fn claim_table(html: &mut String, caption: &str, claims: &[tokenbook_token::ClaimExplanation]) {
    html.push_str(&format!(
        "<div class=\"scroll\" tabindex=\"0\"><table class=\"pg-claims\"><caption>{caption}</caption><thead><tr><th scope=\"col\">Claim</th><th scope=\"col\">Value</th><th scope=\"col\">What it means</th></tr></thead><tbody>"
    ));
    for claim in claims {
        html.push_str(&format!(
            "<tr><th scope=\"row\"><code>{}</code></th><td><code>{}</code>",
            escape(&claim.name),
            escape(&claim.value)
        ));
        if let Some(time) = &claim.time {
            html.push_str(&format!(
                "<span class=\"pg-time\"> {} ({})</span>",
                escape(&time.iso),
                escape(&time.summary)
            ));
        }
        html.push_str(&format!(
            "</td><td>{}<span class=\"pg-source-note\"> {}</span></td></tr>",
            rich(&claim.meaning),
            escape(&claim.source)
        ));
    }
    html.push_str("</tbody></table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backquoted_parts_become_code_and_everything_is_escaped() {
        assert_eq!(
            rich("`sub` equals `<b>`"),
            "<code>sub</code> equals <code>&lt;b&gt;</code>"
        );
        assert_eq!(rich("no quotes <i>"), "no quotes &lt;i&gt;");
    }

    #[test]
    fn a_fence_renders_the_sample_and_the_page_data() {
        let leaky_app = LeakyApp {
            page: "naive-app/index.html".into(),
            script: "naive-app/app.js".into(),
        };
        let kit = Kit::new(1_780_000_000, Some(leaky_app)).expect("samples mint");
        let html = kit.render("user-token", "validate", "02-x/", 1, 3).unwrap();
        assert!(html.contains("data-sample=\"user-token\" data-step=\"validate\""));
        assert!(html.contains("pg-verdict-user"), "{html}");
        assert!(
            html.contains("\"naive_app\":{\"page\":\"../naive-app/index.html\""),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("<template class=\"pg-data\">{\"samples\":"));
        assert!(
            kit.render("nope", "decode", "", 1, 3)
                .unwrap_err()
                .contains("unknown playground sample")
        );
        assert!(
            kit.render("app-token", "nope", "", 1, 3)
                .unwrap_err()
                .contains("unknown playground step")
        );
        assert!(kit.render("app-token", "leak", "", 1, 3).is_ok());
    }

    #[test]
    fn without_a_leaky_app_there_is_no_leak_step() {
        let kit = Kit::new(1_780_000_000, None).expect("samples mint");
        let html = kit.render("app-token", "flow", "02-x/", 1, 3).unwrap();
        assert!(html.contains("\"naive_app\":null"), "{html}");
        assert!(!html.contains("leak"), "{html}");
        let error = kit.render("app-token", "leak", "02-x/", 1, 3).unwrap_err();
        assert!(error.contains("`leaky_app`"), "{error}");
    }

    /// What `playground.js` and the browser tests repeat, as vectors.
    #[test]
    fn golden_vectors_of_steps_checks_and_samples() {
        let kit = Kit::new(1_780_000_000, None).expect("samples mint");
        let vectors = serde_json::json!({
            "note": "Written by crates/tokenbook-site (playground::tests, TOKENBOOK_UPDATE_GOLDEN=1); read by the JavaScript unit tests (tests/unit) and the browser tests' playground page objects (tests/browser/playground-page.mjs). Do not edit by hand.",
            "steps": STEPS,
            "checks": tokenbook_token::CHECK_NAMES,
            "samples": kit.sample_ids(),
        });
        crate::golden::check("playground.json", &vectors);
    }
}
