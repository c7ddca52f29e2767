//! The simulated servers, request by request, as a client would meet them.
//! Each test is named after the RFC section the behaviour comes from.

use serde_json::Value;
use tokenbook_lab::{Answer, AuthMethod, Lab, basic_header};
use tokenbook_token::facts::{BILLING_SERVICE, NEXT_SIGNING_KEY_ID, REPORT_JOB, SIGNING_KEY_ID};

const NOW: i64 = 1_795_687_200;
const BILLING_BASIC: &str =
    "Basic YmlsbGluZy1zZXJ2aWNlOkZBS0Utc2VjcmV0LWZvci10aGUtY291cnNlLW9ubHk=";
const REPORT_BASIC: &str = "Basic cmVwb3J0LWpvYjpGQUtFJTJCc2VjcmV0JTJGd2l0aCUzQW9kZCUzRGNoYXJzJTI1";

fn token_request(authorization: Option<&str>, body: &str) -> String {
    let auth = authorization.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
    format!(
        "POST /oauth2/token HTTP/1.1\r\nHost: auth.example.com\r\n{auth}Content-Type: application/x-www-form-urlencoded\r\n\r\n{body}"
    )
}

fn api_request(method: &str, token: &str) -> String {
    format!(
        "{method} /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {token}\n\n"
    )
}

fn json(answer: &Answer) -> Value {
    serde_json::from_str(&answer.response.body).unwrap_or(Value::Null)
}

#[track_caller]
fn expect(answer: &Answer, status: u16, error: Option<&str>, phrase: &str) {
    assert_eq!(
        answer.response.status, status,
        "{}\n{}",
        answer.text, answer.explanation
    );
    assert_eq!(
        answer.outcome.error.as_deref(),
        error,
        "{}",
        answer.explanation
    );
    if let Some(error) = error
        && answer.outcome.host.as_deref() == Some("auth.example.com")
    {
        assert_eq!(json(answer)["error"], error, "{}", answer.text);
    }
    assert!(
        answer.explanation.contains(phrase),
        "{phrase:?} not in: {}",
        answer.explanation
    );
    assert!(
        answer.explanation.contains("RFC"),
        "no RFC cited: {}",
        answer.explanation
    );
}

fn token_for(lab: &mut Lab, scope: &str) -> String {
    let answer = lab.send(&token_request(
        Some(BILLING_BASIC),
        &format!("grant_type=client_credentials&scope={scope}"),
    ));
    assert_eq!(answer.response.status, 200, "{}", answer.explanation);
    json(&answer)["access_token"].as_str().unwrap().to_owned()
}

/// The free lab's first request (the playground's Lab step) is a correct
/// one: 200 with a `ledger:read` token for billing-service.
#[test]
fn rfc6749_s4_4_2_the_first_token_request_of_a_free_lab_succeeds() {
    let mut lab = Lab::new(NOW);
    let answer = lab.send(&tokenbook_lab::first_token_request());
    expect(&answer, 200, None, "RFC 9068 §2");
    let issued = answer.outcome.issued.unwrap();
    assert_eq!(issued.scope, "ledger:read");
    assert_eq!(
        answer.outcome.auth_method,
        Some(AuthMethod::ClientSecretBasic)
    );
}

#[test]
fn rfc6749_s4_4_the_prefilled_request_gets_an_rfc9068_token() {
    let mut lab = Lab::new(NOW);
    let answer = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&scope=ledger%3Aread+ledger%3Awrite",
    ));
    expect(&answer, 200, None, "RFC 9068 §2");
    assert_eq!(answer.response.header("Cache-Control"), Some("no-store"));
    assert_eq!(answer.response.header("Pragma"), Some("no-cache"));
    let body = json(&answer);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], BILLING_SERVICE.token_lifetime);
    assert!(body.get("refresh_token").is_none(), "RFC 6749 §4.4.3");
    assert!(
        body.get("scope").is_none(),
        "same as requested: §5.1 leaves it out"
    );
    let token = body["access_token"].as_str().unwrap();
    let decoded = tokenbook_token::decode(token).unwrap();
    assert_eq!(decoded.header["typ"], "at+jwt");
    assert_eq!(decoded.header["kid"], SIGNING_KEY_ID);
    let claims = decoded.payload;
    for claim in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] {
        assert!(
            claims.get(claim).is_some(),
            "RFC 9068 §2.2 requires {claim}"
        );
    }
    assert_eq!(claims["sub"], "billing-service");
    assert_eq!(claims["aud"], "https://ledger.example.com");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
    assert_eq!(lab.last_token(), Some(token));
    let issued = answer.outcome.issued.unwrap();
    assert_eq!(issued.scope, "ledger:read ledger:write");
    assert_eq!(
        answer.outcome.auth_method,
        Some(AuthMethod::ClientSecretBasic)
    );
    assert!(
        answer
            .text
            .starts_with("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    );
}

#[test]
fn rfc6749_s3_2_repeated_missing_and_unsupported_grant_type() {
    let mut lab = Lab::new(NOW);
    let repeated = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&grant_type=client_credentials",
    ));
    expect(&repeated, 400, Some("invalid_request"), "more than once");
    let missing = lab.send(&token_request(Some(BILLING_BASIC), "scope=ledger%3Aread"));
    expect(&missing, 400, Some("invalid_request"), "no grant_type");
    let password = lab.send(&token_request(Some(BILLING_BASIC), "grant_type=password"));
    expect(
        &password,
        400,
        Some("unsupported_grant_type"),
        "RFC 6749 §5.2",
    );
    // An empty value counts as absent (§3.2).
    let empty = lab.send(&token_request(Some(BILLING_BASIC), "grant_type="));
    expect(&empty, 400, Some("invalid_request"), "no grant_type");
}

#[test]
fn rfc6749_s3_2_post_form_bodies_only_and_nothing_secret_in_the_url() {
    let mut lab = Lab::new(NOW);
    let get = lab.send(&format!(
        "GET /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization: {BILLING_BASIC}\n\n"
    ));
    assert_eq!(get.response.status, 405);
    assert_eq!(get.response.header("Allow"), Some("POST"));
    let json_body = lab.send(&format!("POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization: {BILLING_BASIC}\nContent-Type: application/json\n\n{{\"grant_type\":\"client_credentials\"}}"));
    expect(&json_body, 400, Some("invalid_request"), "Appendix B");
    let in_url = lab.send("POST /oauth2/token?client_id=billing-service&client_secret=FAKE-secret-for-the-course-only HTTP/1.1\nHost: auth.example.com\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials");
    expect(
        &in_url,
        400,
        Some("invalid_request"),
        "§2.3.1 forbids credentials in the request URI",
    );
    let broken = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&scope=%zz",
    ));
    expect(
        &broken,
        400,
        Some("invalid_request"),
        "not a percent-escape",
    );
}

#[test]
fn rfc6749_s2_3_1_basic_credentials_are_form_encoded_before_base64() {
    let mut lab = Lab::new(NOW);
    assert_eq!(basic_header(REPORT_JOB.id, REPORT_JOB.secret), REPORT_BASIC);
    let encoded = lab.send(&token_request(
        Some(REPORT_BASIC),
        "grant_type=client_credentials",
    ));
    expect(&encoded, 200, None, "report-job");
    // The raw secret: + becomes a space, the lone % is a broken escape.
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", REPORT_JOB.id, REPORT_JOB.secret));
    let answer = lab.send(&token_request(
        Some(&format!("Basic {raw}")),
        "grant_type=client_credentials",
    ));
    expect(&answer, 401, Some("invalid_client"), "form-encode");
    assert_eq!(
        answer.response.header("WWW-Authenticate"),
        Some("Basic realm=\"auth.example.com\"")
    );
}

#[test]
fn rfc6749_s5_2_failed_authentication_is_invalid_client_401_with_a_challenge_for_the_header() {
    let mut lab = Lab::new(NOW);
    let wrong = lab.send(&token_request(
        Some(&basic_header("billing-service", "FAKE-wrong-secret")),
        "grant_type=client_credentials",
    ));
    expect(&wrong, 401, Some("invalid_client"), "does not match");
    assert!(wrong.response.header("WWW-Authenticate").is_some());
    let unknown = lab.send(&token_request(
        Some(&basic_header("nobody", "FAKE-x")),
        "grant_type=client_credentials",
    ));
    expect(&unknown, 401, Some("invalid_client"), "No client nobody");
    let post = lab.send(&token_request(
        None,
        "grant_type=client_credentials&client_id=billing-service&client_secret=FAKE-wrong",
    ));
    expect(
        &post,
        400,
        Some("invalid_client"),
        "not in the Authorization header",
    );
    assert!(post.response.header("WWW-Authenticate").is_none());
    let none = lab.send(&token_request(
        None,
        "grant_type=client_credentials&client_id=billing-service",
    ));
    expect(
        &none,
        400,
        Some("invalid_client"),
        "no client authentication",
    );
    let bearer = lab.send(&token_request(
        Some("Bearer abc"),
        "grant_type=client_credentials",
    ));
    expect(&bearer, 401, Some("invalid_client"), "Bearer");
    let not_base64 = lab.send(&token_request(
        Some("Basic !!!"),
        "grant_type=client_credentials",
    ));
    expect(&not_base64, 401, Some("invalid_client"), "not Base64");
}

#[test]
fn rfc6749_s2_3_client_secret_post_works_and_two_methods_are_invalid_request() {
    let mut lab = Lab::new(NOW);
    let post = lab.send(&token_request(None, "grant_type=client_credentials&client_id=billing-service&client_secret=FAKE-secret-for-the-course-only"));
    expect(&post, 200, None, "client_secret_post");
    assert_eq!(post.outcome.auth_method, Some(AuthMethod::ClientSecretPost));
    let both = lab.send(&token_request(Some(BILLING_BASIC), "grant_type=client_credentials&client_id=billing-service&client_secret=FAKE-secret-for-the-course-only"));
    expect(&both, 400, Some("invalid_request"), "RFC 6749 §2.3");
    let other_id = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&client_id=report-job",
    ));
    expect(
        &other_id,
        400,
        Some("invalid_request"),
        "one request, one client",
    );
}

#[test]
fn rfc6749_s3_3_scope_policy_default_partial_grant_and_invalid_scope() {
    let mut lab = Lab::new(NOW);
    let default = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials",
    ));
    expect(&default, 200, None, "documented default");
    assert_eq!(json(&default)["scope"], "ledger:read");
    let admin = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&scope=ledger%3Aadmin",
    ));
    expect(&admin, 400, Some("invalid_scope"), "nobody is granted");
    assert!(admin.response.header("Cache-Control").is_some());
    let reports = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&scope=reports%3Awrite",
    ));
    expect(
        &reports,
        400,
        Some("invalid_scope"),
        "billing-service may not have reports:write",
    );
    // Lesson 04: report-job asking for ledger:write as well gets the rest.
    let partial = lab.send(&token_request(
        Some(REPORT_BASIC),
        "grant_type=client_credentials&scope=ledger%3Aread+ledger%3Awrite",
    ));
    expect(&partial, 200, None, "granted only the rest");
    assert_eq!(json(&partial)["scope"], "ledger:read");
    assert_eq!(json(&partial)["expires_in"], 900);
    let malformed = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&scope=ledger%3Aread++ledger%3Awrite",
    ));
    expect(&malformed, 400, Some("invalid_scope"), "Two spaces");
}

#[test]
fn rfc8707_s2_resource_sets_the_audience_and_unknown_ones_are_invalid_target() {
    let mut lab = Lab::new(NOW);
    let both = lab.send(&token_request(
        Some(REPORT_BASIC),
        "grant_type=client_credentials&scope=ledger%3Aread+reports%3Awrite",
    ));
    expect(&both, 200, None, "every API its scopes name");
    assert_eq!(
        both.outcome.issued.unwrap().audience,
        ["https://ledger.example.com", "https://reports.example.com"]
    );
    let narrowed = lab.send(&token_request(Some(REPORT_BASIC), "grant_type=client_credentials&scope=ledger%3Aread+reports%3Awrite&resource=https%3A%2F%2Freports.example.com"));
    expect(&narrowed, 200, None, "RFC 8707 §2");
    let issued = narrowed.outcome.issued.unwrap();
    assert_eq!(issued.audience, ["https://reports.example.com"]);
    assert_eq!(issued.scope, "reports:write");
    let unknown = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&resource=https%3A%2F%2Fpayroll.example.com",
    ));
    expect(
        &unknown,
        400,
        Some("invalid_target"),
        "no API this server issues tokens for",
    );
    let relative = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&resource=ledger",
    ));
    expect(&relative, 400, Some("invalid_target"), "absolute URI");
    let two = lab.send(&token_request(Some(REPORT_BASIC), "grant_type=client_credentials&resource=https%3A%2F%2Freports.example.com&resource=https%3A%2F%2Fledger.example.com"));
    expect(&two, 400, Some("invalid_target"), "two resources");
    let mismatch = lab.send(&token_request(Some(BILLING_BASIC), "grant_type=client_credentials&scope=ledger%3Aread&resource=https%3A%2F%2Freports.example.com"));
    expect(&mismatch, 400, Some("invalid_scope"), "for the resource");
}

fn assertion_request(assertion: &str) -> String {
    token_request(
        None,
        &format!(
            "grant_type=client_credentials&scope=ledger%3Awrite&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={assertion}"
        ),
    )
}

#[test]
fn rfc7523_s2_2_private_key_jwt_and_client_secret_jwt_and_replays() {
    let mut lab = Lab::new(NOW);
    let assertion = lab
        .client_assertion("billing-service", AuthMethod::PrivateKeyJwt)
        .unwrap();
    let answer = lab.send(&assertion_request(&assertion));
    expect(&answer, 200, None, "private_key_jwt");
    assert_eq!(answer.outcome.auth_method, Some(AuthMethod::PrivateKeyJwt));
    let replay = lab.send(&assertion_request(&assertion));
    expect(&replay, 400, Some("invalid_client"), "already used");
    let hmac = lab
        .client_assertion("billing-service", AuthMethod::ClientSecretJwt)
        .unwrap();
    let answer = lab.send(&assertion_request(&hmac));
    assert_eq!(
        answer.outcome.auth_method,
        Some(AuthMethod::ClientSecretJwt)
    );
    // Too late: the assertion lives a minute, plus the leeway.
    let late = lab
        .client_assertion("billing-service", AuthMethod::PrivateKeyJwt)
        .unwrap();
    lab.advance(121);
    expect(
        &lab.send(&assertion_request(&late)),
        400,
        Some("invalid_client"),
        "expired",
    );
    let no_type = lab.send(&token_request(
        None,
        &format!("grant_type=client_credentials&client_assertion={hmac}"),
    ));
    expect(
        &no_type,
        400,
        Some("invalid_request"),
        "client_assertion_type",
    );
    let wrong_type = lab.send(&token_request(
        None,
        "grant_type=client_credentials&client_assertion_type=saml&client_assertion=x",
    ));
    expect(&wrong_type, 400, Some("invalid_request"), "RFC 7523 §2.2");
    let fresh = lab
        .client_assertion("billing-service", AuthMethod::PrivateKeyJwt)
        .unwrap();
    let with_basic = lab.send(&token_request(Some(BILLING_BASIC), &format!("grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={fresh}")));
    expect(&with_basic, 400, Some("invalid_request"), "more than one");
    assert!(
        lab.client_assertion("report-job", AuthMethod::PrivateKeyJwt)
            .is_err()
    );
}

#[test]
fn rfc8705_s2_1_tls_client_auth_binds_the_token_to_the_certificate() {
    let mut lab = Lab::new(NOW);
    let mtls = token_request(
        None,
        "grant_type=client_credentials&client_id=billing-service&scope=ledger%3Aread",
    );
    expect(
        &lab.send(&mtls),
        400,
        Some("invalid_client"),
        "no client authentication",
    );
    lab.set_certificate(Some("billing-service")).unwrap();
    let answer = lab.send(&mtls);
    expect(&answer, 200, None, "RFC 8705 §3");
    assert!(answer.outcome.issued.as_ref().unwrap().certificate_bound);
    let token = json(&answer)["access_token"].as_str().unwrap().to_owned();
    let claims = tokenbook_token::decode(&token).unwrap().payload;
    assert_eq!(
        claims["cnf"]["x5t#S256"],
        lab.certificate().unwrap().thumbprint()
    );
    expect(
        &lab.send(&api_request("GET", &token)),
        200,
        None,
        "every check",
    );
    lab.set_certificate(Some("billing-service-renewed"))
        .unwrap();
    let renewed = lab.send(&api_request("GET", &token));
    expect(
        &renewed,
        401,
        Some("invalid_token"),
        "renewed certificate needs a new token",
    );
    assert_eq!(renewed.outcome.failed_check.as_deref(), Some("certificate"));
    lab.set_certificate(None).unwrap();
    expect(
        &lab.send(&api_request("GET", &token)),
        401,
        Some("invalid_token"),
        "presented none",
    );
    lab.set_certificate(Some("self-signed")).unwrap();
    expect(
        &lab.send(&mtls),
        400,
        Some("invalid_client"),
        "not by a CA this server trusts",
    );
    lab.set_certificate(Some("report-job")).unwrap();
    expect(
        &lab.send(&mtls),
        400,
        Some("invalid_client"),
        "tls_client_auth_subject_dn",
    );
    let no_id = token_request(None, "grant_type=client_credentials");
    expect(
        &lab.send(&no_id),
        400,
        Some("invalid_request"),
        "client_id is required",
    );
    assert!(lab.set_certificate(Some("nobody")).is_err());
}

#[test]
fn rfc9068_s4_and_rfc6750_s3_1_the_api_accepts_a_good_token_and_checks_scope_per_endpoint() {
    let mut lab = Lab::new(NOW);
    let read = token_for(&mut lab, "ledger%3Aread");
    let get = lab.send(&api_request("GET", &read));
    expect(&get, 200, None, "scope ledger:read");
    assert_eq!(json(&get)["entries"].as_array().unwrap().len(), 2);
    let post = lab.send(&api_request("POST", &read));
    expect(&post, 403, Some("insufficient_scope"), "RFC 6750 §3.1");
    assert_eq!(
        post.response.header("WWW-Authenticate"),
        Some("Bearer realm=\"ledger\", error=\"insufficient_scope\", scope=\"ledger:write\"")
    );
    let write = token_for(&mut lab, "ledger%3Awrite");
    let created = lab.send(&format!("POST /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {write}\nContent-Type: application/json\n\n{{\"memo\": \"FAKE invoice\"}}"));
    expect(&created, 201, None, "written by billing-service");
    assert_eq!(json(&created)["memo"], "FAKE invoice");
    assert_eq!(
        json(&lab.send(&api_request("GET", &read)))["entries"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        lab.send("DELETE /ledger/entries HTTP/1.1\nHost: ledger.example.com\n\n")
            .response
            .status,
        405
    );
    assert_eq!(
        lab.send("GET /ledger/other HTTP/1.1\nHost: ledger.example.com\n\n")
            .response
            .status,
        404
    );
}

#[test]
fn rfc6750_s3_1_no_token_wrong_scheme_and_tokens_in_the_url_or_body() {
    let mut lab = Lab::new(NOW);
    let none = lab.send("GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\n\n");
    expect(&none, 401, None, "no error code");
    assert_eq!(
        none.response.header("WWW-Authenticate"),
        Some("Bearer realm=\"ledger\"")
    );
    let basic = lab.send(&format!(
        "GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: {BILLING_BASIC}\n\n"
    ));
    expect(&basic, 401, None, "never to the API");
    let token = token_for(&mut lab, "ledger%3Aread");
    let query = lab.send(&format!(
        "GET /ledger/entries?access_token={token} HTTP/1.1\nHost: ledger.example.com\n\n"
    ));
    expect(&query, 400, Some("invalid_request"), "RFC 6750 §5.3");
    let body = lab.send(&format!("POST /ledger/entries HTTP/1.1\nHost: ledger.example.com\nContent-Type: application/x-www-form-urlencoded\n\naccess_token={token}"));
    expect(&body, 400, Some("invalid_request"), "§2.2");
    let empty = lab
        .send("GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer \n\n");
    assert_eq!(empty.response.status, 400);
}

#[test]
fn rfc9068_s4_expiry_with_leeway_signature_typ_and_audience() {
    let mut lab = Lab::new(NOW);
    let token = token_for(&mut lab, "ledger%3Aread");
    lab.advance(600 + 59);
    expect(
        &lab.send(&api_request("GET", &token)),
        200,
        None,
        "every check",
    );
    lab.advance(1);
    let expired = lab.send(&api_request("GET", &token));
    expect(&expired, 401, Some("invalid_token"), "leeway");
    assert_eq!(expired.outcome.failed_check.as_deref(), Some("expiry"));
    assert!(
        expired
            .response
            .header("WWW-Authenticate")
            .unwrap()
            .contains("error_description=\"Invalid access token\"")
    );

    let fresh = token_for(&mut lab, "ledger%3Aread");
    let mut tampered = fresh.clone();
    tampered.replace_range(tampered.len() - 4.., "AAAA");
    assert_eq!(
        lab.send(&api_request("GET", &tampered))
            .outcome
            .failed_check
            .as_deref(),
        Some("signature")
    );
    // A JWT not typed as an access token (RFC 9068 §4).
    let id_token = tokenbook_token::sign_rs256_typed(
        &tokenbook_token::decode(&fresh).unwrap().payload,
        tokenbook_token::course_keys().rsa_private_pem,
        Some(SIGNING_KEY_ID),
        "JWT",
    )
    .unwrap();
    assert_eq!(
        lab.send(&api_request("GET", &id_token))
            .outcome
            .failed_check
            .as_deref(),
        Some("typ")
    );
    // A token for the reports API only.
    let answer = lab.send(&token_request(
        Some(REPORT_BASIC),
        "grant_type=client_credentials&scope=reports%3Awrite",
    ));
    let reports = json(&answer)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        lab.send(&api_request("GET", &reports))
            .outcome
            .failed_check
            .as_deref(),
        Some("audience")
    );
    assert_eq!(
        lab.send(&api_request("GET", "not-a-token"))
            .outcome
            .failed_check
            .as_deref(),
        Some("format")
    );
}

#[test]
fn rfc7517_s4_5_keys_rotate_and_the_api_follows_by_kid() {
    let mut lab = Lab::new(NOW);
    let old = token_for(&mut lab, "ledger%3Aread");
    lab.advance(3 * 3600);
    assert_eq!(lab.rotation_phase(), 3);
    let jwks = lab.send("GET /oauth2/jwks HTTP/1.1\nHost: auth.example.com\n\n");
    expect(&jwks, 200, None, "RFC 7517 §5");
    assert_eq!(json(&jwks)["keys"].as_array().unwrap().len(), 2);
    let answer = lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials",
    ));
    assert_eq!(
        answer.outcome.issued.as_ref().unwrap().kid,
        NEXT_SIGNING_KEY_ID
    );
    let new = json(&answer)["access_token"].as_str().unwrap().to_owned();
    expect(
        &lab.send(&api_request("GET", &new)),
        200,
        None,
        NEXT_SIGNING_KEY_ID,
    );
    lab.advance(3600);
    let keys = json(&lab.send("GET /oauth2/jwks HTTP/1.1\nHost: auth.example.com\n\n"));
    assert_eq!(keys["keys"][0]["kid"], NEXT_SIGNING_KEY_ID);
    // The old token is long expired anyway; its key is gone too.
    assert_eq!(
        lab.send(&api_request("GET", &old))
            .outcome
            .failed_check
            .as_deref(),
        Some("signature")
    );
}

#[test]
fn rfc8414_s3_metadata_and_rfc7662_introspection_and_rfc7009_revocation() {
    let mut lab = Lab::new(NOW);
    let metadata = lab
        .send("GET /.well-known/oauth-authorization-server HTTP/1.1\nHost: auth.example.com\n\n");
    expect(&metadata, 200, None, "RFC 8414");
    let body = json(&metadata);
    assert_eq!(body["issuer"], "https://auth.example.com");
    assert_eq!(
        body["token_endpoint"],
        "https://auth.example.com/oauth2/token"
    );
    assert_eq!(body["grant_types_supported"][0], "client_credentials");
    // §2: REQUIRED, and the signing algorithms are required wherever a JWT
    // authentication method is listed.
    assert_eq!(body["response_types_supported"], serde_json::json!([]));
    for endpoint in ["token", "introspection", "revocation"] {
        assert_eq!(
            body[format!("{endpoint}_endpoint_auth_signing_alg_values_supported")],
            serde_json::json!(["RS256", "HS256"]),
            "{endpoint}"
        );
    }
    let token = token_for(&mut lab, "ledger%3Aread");
    // RFC 7662 §2.1 and §2.2: a client that is no resource this token is
    // for learns nothing: active false, as for a dead token.
    let by_client = lab.send(&format!("POST /oauth2/introspect HTTP/1.1\nHost: auth.example.com\nAuthorization: {BILLING_BASIC}\nContent-Type: application/x-www-form-urlencoded\n\ntoken={token}"));
    expect(&by_client, 200, None, "not a protected resource");
    assert_eq!(json(&by_client), serde_json::json!({"active": false}));
    // The ledger API introspects over mutual TLS.
    lab.set_certificate(Some("ledger-api")).unwrap();
    let introspect = |lab: &mut Lab, token: &str| {
        lab.send(&format!("POST /oauth2/introspect HTTP/1.1\nHost: auth.example.com\nContent-Type: application/x-www-form-urlencoded\n\nclient_id=ledger-api&token={token}"))
    };
    let active = introspect(&mut lab, &token);
    expect(&active, 200, None, "RFC 7662 §2.2");
    assert_eq!(json(&active)["active"], true);
    assert_eq!(json(&active)["scope"], "ledger:read");
    assert_eq!(json(&introspect(&mut lab, "junk"))["active"], false);
    let reports = lab.send(&token_request(
        Some(REPORT_BASIC),
        "grant_type=client_credentials&scope=reports%3Awrite",
    ));
    let reports = json(&reports)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        json(&introspect(&mut lab, &reports))["active"],
        false,
        "not addressed to the ledger"
    );
    let revoke = lab.send(&format!("POST /oauth2/revoke HTTP/1.1\nHost: auth.example.com\nAuthorization: {BILLING_BASIC}\nContent-Type: application/x-www-form-urlencoded\n\ntoken={token}"));
    expect(&revoke, 200, None, "RFC 7009 §2.2");
    assert_eq!(json(&introspect(&mut lab, &token))["active"], false);
    // The API validates locally: still accepted, and it says so.
    expect(&lab.send(&api_request("GET", &token)), 200, None, "revoked");
    let by_other = lab.send(&format!("POST /oauth2/revoke HTTP/1.1\nHost: auth.example.com\nAuthorization: {REPORT_BASIC}\nContent-Type: application/x-www-form-urlencoded\n\ntoken={token}"));
    expect(
        &by_other,
        400,
        Some("unauthorized_client"),
        "only its own tokens",
    );
    assert!(!by_other.response.body.contains("billing-service"));
    // RFC 7662 §2.3: a caller that fails to authenticate gets 401, with a
    // challenge, even without an Authorization header.
    lab.set_certificate(None).unwrap();
    let unauthenticated = lab.send(&format!("POST /oauth2/introspect HTTP/1.1\nHost: auth.example.com\nContent-Type: application/x-www-form-urlencoded\n\ntoken={token}"));
    expect(
        &unauthenticated,
        401,
        Some("invalid_client"),
        "RFC 7662 §2.3",
    );
    assert!(
        unauthenticated
            .response
            .header("WWW-Authenticate")
            .is_some()
    );
    assert_eq!(
        lab.send("GET /nothing HTTP/1.1\nHost: auth.example.com\n\n")
            .response
            .status,
        404
    );
}

#[test]
fn rfc9110_s15_5_20_and_rfc9112_s3_2_s6_3_unknown_hosts_and_broken_requests_are_explained() {
    let mut lab = Lab::new(NOW);
    let other = lab.send("GET / HTTP/1.1\nHost: www.example.org\n\n");
    expect(&other, 421, None, "two hosts only");
    let reports = lab.send("GET / HTTP/1.1\nHost: reports.example.com\n\n");
    assert_eq!(reports.response.status, 421);
    let junk = lab.send("\u{0}\u{7f}\u{1b}[31m");
    expect(&junk, 400, None, "control character");
    let big = lab.send(&token_request(Some(BILLING_BASIC), &"a".repeat(1_000_000)));
    expect(&big, 413, None, "RFC 9110 §15.5.14");
    let no_colon = lab.send("POST /oauth2/token HTTP/1.1\nHost auth.example.com\n\n");
    expect(&no_colon, 400, None, "without a colon");
    let longer_body = lab.send("POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 10\n\ngrant_type=client_credentials");
    expect(&longer_body, 400, None, "Content-Length");
    // RFC 9112 §3.2.2: the target's authority, not Host, names the host.
    let absolute = lab
        .send("GET https://evil.example.net/ledger/entries HTTP/1.1\nHost: ledger.example.com\n\n");
    expect(&absolute, 421, None, "evil.example.net");
}

#[test]
fn the_same_requests_always_get_the_same_answers() {
    let run = || {
        let mut lab = Lab::new(NOW);
        let token = token_for(&mut lab, "ledger%3Aread");
        (token.clone(), lab.send(&api_request("GET", &token)))
    };
    assert_eq!(run(), run());
}

#[test]
fn rfc7662_s2_1_and_rfc6749_s5_2_the_api_introspects_with_mutual_tls_and_is_an_unauthorized_client_for_tokens()
 {
    let mut lab = Lab::new(NOW);
    let token = token_for(&mut lab, "ledger%3Aread");
    lab.set_certificate(Some("ledger-api")).unwrap();
    let introspection = format!(
        "POST /oauth2/introspect HTTP/1.1\nHost: auth.example.com\nContent-Type: application/x-www-form-urlencoded\n\ntoken={token}&client_id=ledger-api"
    );
    let answer = lab.send(&introspection);
    expect(&answer, 200, None, "active true");
    assert_eq!(answer.outcome.active, Some(true));
    assert_eq!(answer.outcome.auth_method, Some(AuthMethod::TlsClientAuth));
    lab.advance(700);
    assert_eq!(lab.send(&introspection).outcome.active, Some(false));
    // RFC 6749 §5.2: authenticated, but not allowed the grant.
    let grant = lab.send(&token_request(
        None,
        "grant_type=client_credentials&client_id=ledger-api",
    ));
    expect(&grant, 400, Some("unauthorized_client"), "no scope");
    // No secret to guess: an empty one never matches.
    let empty = lab.send(&token_request(
        Some(&basic_header("ledger-api", "")),
        "grant_type=client_credentials",
    ));
    assert_eq!(empty.outcome.error.as_deref(), Some("invalid_client"));
}

/// Workload identity federation (lesson 10, RFC 7523 §2.2 and §3): the
/// cluster's token for billing-service's pod, addressed to this server,
/// is the client assertion; the one addressed to the cluster's own API is
/// refused with invalid_client (400: no Authorization header was used).
#[test]
fn rfc7523_s2_2_a_platform_token_as_the_client_assertion() {
    let mut lab = Lab::new(NOW);
    let body = "grant_type=client_credentials&scope=ledger%3Aread&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=";
    let request = lab
        .fill(&token_request(None, &format!("{body}{{{{k8s_token}}}}")))
        .unwrap();
    let answer = lab.send(&request);
    expect(&answer, 200, None, "RFC 9068 §2");
    assert_eq!(
        answer.outcome.federated_issuer.as_deref(),
        Some("https://k8s.example.com")
    );
    assert_eq!(answer.outcome.issued.unwrap().client_id, "billing-service");
    let request = lab
        .fill(&token_request(
            None,
            &format!("{body}{{{{k8s_token:https://k8s.example.com}}}}"),
        ))
        .unwrap();
    let answer = lab.send(&request);
    expect(&answer, 400, Some("invalid_client"), "cluster's own API");
    assert_eq!(answer.outcome.federated_issuer, None);
}

/// The 201's Location names the new entry, and the API serves it there
/// (RFC 9110 §15.3.2: Location identifies the created resource).
#[test]
fn rfc9110_s15_3_2_the_created_entry_is_at_its_location() {
    let mut lab = Lab::new(NOW);
    let token = token_for(&mut lab, "ledger%3Awrite+ledger%3Aread");
    let created = lab.send(&format!(
        "POST /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {token}\nContent-Type: application/json\n\n{{\"memo\": \"FAKE\"}}"
    ));
    expect(&created, 201, None, "RFC 9110 §15.3.2");
    let location = created.response.header("Location").unwrap().to_owned();
    let entry = lab.send(&format!(
        "GET {location} HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {token}\n\n"
    ));
    expect(&entry, 200, None, "RFC 9068 §4");
    assert_eq!(json(&entry)["memo"], "FAKE");
    let missing = lab.send(&format!(
        "GET /ledger/entries/entry-99 HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {token}\n\n"
    ));
    expect(&missing, 404, None, "no entry entry-99");
    let delete = lab.send(&format!(
        "DELETE {location} HTTP/1.1\nHost: ledger.example.com\nAuthorization: Bearer {token}\n\n"
    ));
    assert_eq!(delete.response.status, 405);
}

#[test]
fn rfc9110_s9_3_2_head_is_get_without_the_content() {
    let mut lab = Lab::new(NOW);
    let token = json(&lab.send(&token_request(
        Some(BILLING_BASIC),
        "grant_type=client_credentials&scope=ledger%3Aread",
    )))["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for (get, head) in [
        (api_request("GET", &token), api_request("HEAD", &token)),
        (
            "GET /oauth2/jwks HTTP/1.1\nHost: auth.example.com\n\n".to_owned(),
            "HEAD /oauth2/jwks HTTP/1.1\nHost: auth.example.com\n\n".to_owned(),
        ),
        (
            "GET /.well-known/oauth-authorization-server HTTP/1.1\nHost: auth.example.com\n\n"
                .to_owned(),
            "HEAD /.well-known/oauth-authorization-server HTTP/1.1\nHost: auth.example.com\n\n"
                .to_owned(),
        ),
    ] {
        let (get, head) = (lab.send(&get), lab.send(&head));
        expect(&head, 200, None, "RFC 9110 §9.3.2");
        assert!(!get.response.body.is_empty());
        // The same fields, Content-Length that of GET's content, no content.
        let fields = |text: &str| text.split("\r\n\r\n").next().unwrap().to_owned();
        assert_eq!(fields(&head.text), fields(&get.text));
        assert!(head.text.ends_with("\r\n\r\n"), "{}", head.text);
        assert!(
            head.text
                .contains(&format!("Content-Length: {}\r\n", get.response.body.len())),
            "{}",
            head.text
        );
        assert_eq!(head.text.matches("Content-Length").count(), 1);
        assert_eq!(head.outcome.method.as_deref(), Some("HEAD"));
    }
    // A HEAD still needs what GET needs: the token and its scope.
    let no_token = lab.send("HEAD /ledger/entries HTTP/1.1\nHost: ledger.example.com\n\n");
    expect(&no_token, 401, None, "RFC 6750 §3.1");
    // Methods GET allows list HEAD too; the token endpoint stays POST-only.
    let delete = lab.send("DELETE /ledger/entries HTTP/1.1\nHost: ledger.example.com\n\n");
    assert_eq!(delete.response.header("Allow"), Some("GET, HEAD, POST"));
    let post_jwks = lab.send("POST /oauth2/jwks HTTP/1.1\nHost: auth.example.com\n\n");
    assert_eq!(post_jwks.response.header("Allow"), Some("GET, HEAD"));
    let head_token = lab.send("HEAD /oauth2/token HTTP/1.1\nHost: auth.example.com\n\n");
    assert_eq!(head_token.response.status, 405);
    assert_eq!(head_token.response.header("Allow"), Some("POST"));
}
