//! The OAuth lab of the tokenbook course, pure and without I/O: a
//! simulated authorization server (`auth.example.com`) and ledger API
//! (`ledger.example.com`) that read raw HTTP/1.1 request text and answer
//! as the RFCs say, each answer with the exact response text, why the
//! server answered that way (citing the RFC section), and an [`Outcome`]
//! that exercises are graded on.
//!
//! - [`Lab`] holds the servers' memory and the lab's clock: the caller
//!   passes the starting time and moves it forward; nothing here reads a
//!   clock.
//! - [`basic_header`] and [`Lab::client_assertion`] are the helpers a
//!   reader uses beside the request editor; [`Lab::fill`] fills the
//!   placeholders of worked solutions (`{{access_token}}` …).
//! - [`parse_exercise`] reads an exercise fence (TOML); an [`Exercise`]
//!   runs its starting state and its worked solution in a fresh lab and
//!   says which goals each meets.
//!
//! - [`TokenTools`]: the token operations borrowed from tokenbook-token,
//!   which the browser module routes to the playground's module.
//!
//! The world is the course's (`tokenbook_token::facts`); every key,
//! secret and certificate is FAKE. Nothing here panics on any input.

#![forbid(unsafe_code)]

mod answer;
mod api;
mod assertion;
mod auth_server;
mod client_auth;
mod dpop;
mod exercise;
mod form;
mod http;
mod lab;
mod placeholders;
mod state;
mod token;
mod tokens;
mod world;

pub use answer::{Answer, IssuedToken, Outcome};
#[cfg(feature = "toml")]
pub use exercise::parse_exercise;
pub use exercise::{EXERCISE_START, Exercise, ExerciseError, Goal, Run, Step};
pub use http::{MAX_REQUEST_BYTES, Response};
pub use lab::{AUTH_HOST, Lab, basic_header, first_token_request, ledger_host};
pub use placeholders::PLACEHOLDERS;
pub use tokens::{SigningKey, TokenParts, TokenTools, install_token_tools};
pub use world::{AuthMethod, CERTIFICATES, Certificate, ROTATION_PHASES};
