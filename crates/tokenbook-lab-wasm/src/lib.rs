//! The OAuth lab's WebAssembly module. It only translates: a `LabSession`
//! holds a `tokenbook_lab::Lab` (and, for an exercise, the exercise and
//! the outcomes so far), takes strings from JavaScript and returns JSON
//! text or a `JsError`. No logic lives here. The token operations come
//! from the playground's module (see `tokens`), installed when a session
//! is made.

#![forbid(unsafe_code)]

mod tokens;

use serde::Serialize;
use tokenbook_lab::{AuthMethod, EXERCISE_START, Exercise, Lab, Outcome};
use wasm_bindgen::prelude::*;

/// One lab in the page: the simulated servers and what the reader did.
#[wasm_bindgen]
pub struct LabSession {
    lab: Lab,
    exercise: Option<Exercise>,
    outcomes: Vec<Outcome>,
}

#[derive(Serialize)]
struct Sent<'a> {
    /// The request as sent, placeholders filled.
    request: &'a str,
    text: &'a str,
    explanation: &'a str,
    outcome: &'a Outcome,
    /// Per goal of the exercise, whether it is met so far.
    met: Vec<bool>,
    now: i64,
}

#[wasm_bindgen]
impl LabSession {
    /// A free lab whose clock starts at `now` (Unix seconds).
    #[wasm_bindgen(constructor)]
    pub fn new(now: f64) -> LabSession {
        tokenbook_lab::install_token_tools(&tokens::Playground);
        LabSession {
            lab: Lab::new(now as i64),
            exercise: None,
            outcomes: Vec::new(),
        }
    }

    /// A lab in the starting state of the exercise whose JSON the page
    /// holds, at the exercises' fixed time.
    #[wasm_bindgen(js_name = forExercise)]
    pub fn for_exercise(json: &str) -> Result<LabSession, JsError> {
        tokenbook_lab::install_token_tools(&tokens::Playground);
        let exercise = Exercise::from_json(json).map_err(|e| JsError::new(&e))?;
        let lab = exercise
            .open(EXERCISE_START)
            .map_err(|e| JsError::new(&e))?;
        Ok(LabSession {
            lab,
            exercise: Some(exercise),
            outcomes: Vec::new(),
        })
    }

    /// Sends a request (placeholders filled first); JSON of what came back.
    pub fn send(&mut self, text: &str) -> Result<String, JsError> {
        let request = self.lab.fill(text).map_err(|e| JsError::new(&e))?;
        let answer = self.lab.send(&request);
        self.outcomes.push(answer.outcome.clone());
        let met = self
            .exercise
            .as_ref()
            .map(|exercise| exercise.met(&self.outcomes))
            .unwrap_or_default();
        to_json(&Sent {
            request: &request,
            text: &answer.text,
            explanation: &answer.explanation,
            outcome: &answer.outcome,
            met,
            now: self.lab.now(),
        })
    }

    /// Moves the lab's clock forward by `seconds`.
    pub fn advance(&mut self, seconds: f64) {
        self.lab.advance(seconds as i64);
    }

    /// The lab's clock, Unix seconds.
    pub fn now(&self) -> f64 {
        self.lab.now() as f64
    }

    /// Presents the certificate `name` from now on (`""` for none).
    #[wasm_bindgen(js_name = setCertificate)]
    pub fn set_certificate(&mut self, name: &str) -> Result<(), JsError> {
        self.lab
            .set_certificate(Some(name).filter(|n| !n.is_empty()))
            .map_err(|e| JsError::new(&e))
    }

    /// The certificate presented, `""` for none.
    pub fn certificate(&self) -> String {
        self.lab
            .certificate()
            .map_or(String::new(), |c| c.name.to_owned())
    }

    /// The last access token issued, `""` if none.
    #[wasm_bindgen(js_name = lastToken)]
    pub fn last_token(&self) -> String {
        self.lab.last_token().unwrap_or_default().to_owned()
    }

    /// A DPoP proof for the request `text` (its method and URL, and `ath`
    /// when it sends a token under the DPoP scheme), signed now with
    /// billing-service's FAKE key.
    #[wasm_bindgen(js_name = dpopProof)]
    pub fn dpop_proof(&mut self, text: &str) -> Result<String, JsError> {
        self.lab.dpop_proof_for(text).map_err(|e| JsError::new(&e))
    }

    /// A fresh client assertion for `client_id`: `method` is
    /// `private_key_jwt` or `client_secret_jwt`.
    #[wasm_bindgen(js_name = clientAssertion)]
    pub fn client_assertion(&mut self, client_id: &str, method: &str) -> Result<String, JsError> {
        let method = AuthMethod::from_name(method)
            .ok_or_else(|| JsError::new(&format!("no authentication method {method}")))?;
        self.lab
            .client_assertion(client_id, method)
            .map_err(|e| JsError::new(&e))
    }
}

/// `Basic …` for a client id and secret, form-encoded first (RFC 6749
/// §2.3.1).
#[wasm_bindgen(js_name = basicHeader)]
pub fn basic_header(client_id: &str, secret: &str) -> String {
    tokenbook_lab::basic_header(client_id, secret)
}

fn to_json<T: Serialize>(value: &T) -> Result<String, JsError> {
    serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))
}
