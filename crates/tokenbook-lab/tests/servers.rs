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
    // Three dot-separated parts make a JWT, checked here; anything else is
    // an opaque handle, which only introspection can judge.
    for (token, check) in [("not.a.token", "format"), ("not-a-token", "introspection")] {
        let refused = lab.send(&api_request("GET", token));
        expect(&refused, 401, Some("invalid_token"), "RFC 6750 §3.1");
        assert_eq!(refused.outcome.failed_check.as_deref(), Some(check));
    }
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
    let still = lab.send(&api_request("GET", &token));
    expect(&still, 200, None, "revoked");
    assert_eq!(still.outcome.revoked, Some(true));
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

/// Sends `token` to the revocation endpoint, authenticated by
/// `authorization`.
fn revoke_token(lab: &mut Lab, authorization: &str, token: &str) -> Answer {
    lab.send(&format!("POST /oauth2/revoke HTTP/1.1\nHost: auth.example.com\nAuthorization: {authorization}\nContent-Type: application/x-www-form-urlencoded\n\ntoken={token}&token_type_hint=access_token"))
}

/// Lesson 05's opaque tokens: `audit-export` is registered for them. The
/// token is a handle that says nothing; the authorization server answers
/// for it by introspection (RFC 7662 §2.2), the API asks it for every
/// request (§2.1), and so a revocation (RFC 7009 §2.2) or the expiry
/// takes effect at once, with no leeway.
#[test]
fn rfc7662_s2_2_opaque_tokens_are_answered_by_introspection_and_revocation_is_immediate() {
    let audit_basic = basic_header(
        "audit-export",
        "FAKE-audit-export-secret-for-the-course-only",
    );
    let opaque_token = |lab: &mut Lab| {
        let answer = lab.send(&token_request(
            Some(&audit_basic),
            "grant_type=client_credentials",
        ));
        expect(&answer, 200, None, "opaque access token");
        let issued = answer.outcome.issued.clone().unwrap();
        assert!(issued.opaque);
        assert_eq!(issued.kid, "");
        assert_eq!(issued.scope, "ledger:read");
        let body = json(&answer);
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 300);
        assert_eq!(answer.response.header("Cache-Control"), Some("no-store"));
        body["access_token"].as_str().unwrap().to_owned()
    };
    let mut lab = Lab::new(NOW);
    let token = opaque_token(&mut lab);
    assert!(token.starts_with("opaque-FAKE-"), "{token}");
    assert!(!token.contains('.'), "not a JWT: {token}");
    assert!(token.len() >= 30, "long enough not to be guessed: {token}");
    assert_ne!(opaque_token(&mut lab), token, "each token is new");

    let introspect = |lab: &mut Lab, token: &str| {
        lab.set_certificate(Some("ledger-api")).unwrap();
        let answer = lab.send(&format!("POST /oauth2/introspect HTTP/1.1\nHost: auth.example.com\nContent-Type: application/x-www-form-urlencoded\n\ntoken={token}&client_id=ledger-api"));
        lab.set_certificate(None).unwrap();
        assert_eq!(answer.response.status, 200, "{}", answer.explanation);
        json(&answer)
    };
    let claims = introspect(&mut lab, &token);
    assert_eq!(claims["active"], true);
    assert_eq!(claims["client_id"], "audit-export");
    assert_eq!(claims["sub"], "audit-export");
    assert_eq!(claims["scope"], "ledger:read");
    assert_eq!(claims["aud"], "https://ledger.example.com");
    assert_eq!(claims["iss"], "https://auth.example.com");
    assert_eq!(claims["token_type"], "Bearer");
    assert_eq!(claims["exp"], NOW + 300);
    // Another client is no resource the token is for (§2.1, §4).
    let by_client = lab.send(&format!("POST /oauth2/introspect HTTP/1.1\nHost: auth.example.com\nAuthorization: {BILLING_BASIC}\nContent-Type: application/x-www-form-urlencoded\n\ntoken={token}"));
    assert_eq!(json(&by_client), serde_json::json!({"active": false}));
    // The API introspects with its own identity, whatever certificate the
    // reader's client presents, and grants by the answer's scope.
    let read = lab.send(&api_request("GET", &token));
    expect(&read, 200, None, "RFC 7662 §2.1");
    assert_eq!(read.outcome.active, Some(true));
    let write = lab.send(&api_request("POST", &token));
    expect(&write, 403, Some("insufficient_scope"), "ledger:write");
    assert_eq!(
        write.response.header("WWW-Authenticate"),
        Some("Bearer realm=\"ledger\", error=\"insufficient_scope\", scope=\"ledger:write\"")
    );
    // A handle the server never issued, like the lesson's example, and a
    // JWT's jti passed off as a handle, are not active.
    for unknown in ["opaque-FAKE-7f3c9a", "FAKE-jti-lab-1"] {
        assert_eq!(introspect(&mut lab, unknown)["active"], false, "{unknown}");
        let refused = lab.send(&api_request("GET", unknown));
        expect(&refused, 401, Some("invalid_token"), "active false");
        assert_eq!(
            refused.outcome.failed_check.as_deref(),
            Some("introspection")
        );
        assert_eq!(refused.outcome.active, Some(false));
        assert_eq!(refused.outcome.revoked, None, "never issued");
        let junk = revoke_token(&mut lab, &audit_basic, unknown);
        expect(&junk, 200, None, "nothing to revoke");
        assert_eq!(junk.outcome.revoked, None, "nothing was revoked");
    }
    // Only its own client may revoke it; once revoked, the API refuses it
    // at the next request (RFC 7009 §2.2).
    let by_other = revoke_token(&mut lab, BILLING_BASIC, &token);
    expect(
        &by_other,
        400,
        Some("unauthorized_client"),
        "only its own tokens",
    );
    let before = lab.send(&api_request("GET", &token));
    expect(&before, 200, None, "introspect");
    assert_eq!(before.outcome.revoked, Some(false));
    let revocation = revoke_token(&mut lab, &audit_basic, &token);
    expect(&revocation, 200, None, "RFC 7009 §2.2");
    assert_eq!(revocation.outcome.revoked, Some(true));
    assert_eq!(
        introspect(&mut lab, &token),
        serde_json::json!({"active": false})
    );
    let revoked = lab.send(&api_request("GET", &token));
    expect(&revoked, 401, Some("invalid_token"), "RFC 7662");
    assert_eq!(
        revoked.outcome.failed_check.as_deref(),
        Some("introspection")
    );
    assert_eq!(revoked.outcome.revoked, Some(true));
    // Expiry: active until exp, not a second after, with no leeway.
    let fresh = opaque_token(&mut lab);
    lab.advance(299);
    assert_eq!(lab.send(&api_request("GET", &fresh)).response.status, 200);
    lab.advance(1);
    assert_eq!(introspect(&mut lab, &fresh)["active"], false);
    assert_eq!(lab.send(&api_request("GET", &fresh)).response.status, 401);
    // audit-export is registered for the secret methods only.
    let post = lab.send(&token_request(
        None,
        "grant_type=client_credentials&client_id=audit-export&client_secret=FAKE-audit-export-secret-for-the-course-only&scope=ledger%3Awrite",
    ));
    expect(
        &post,
        400,
        Some("invalid_scope"),
        "audit-export may have ledger:read",
    );
}

/// billing-service's FAKE key, which signs its DPoP proofs in the lab.
const DPOP_PRIVATE: &str = include_str!("../keys/FAKE-billing-assertion-key.pem");
const DPOP_PUBLIC: &str = include_str!("../keys/FAKE-billing-assertion-key.pub.pem");

/// The public JWK of a key in PEM: kty, e and n.
fn rsa_jwk(public_pem: &str) -> Value {
    let jwk = tokenbook_token::public_jwk(public_pem, "").unwrap();
    serde_json::json!({"kty": "RSA", "e": jwk["e"], "n": jwk["n"]})
}

/// RFC 7638 §3, written out: SHA-256 of {"e","kty","n"} in that order.
fn jwk_thumbprint(jwk: &Value) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let canonical = format!(
        r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
        jwk["e"].as_str().unwrap(),
        jwk["n"].as_str().unwrap()
    );
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(canonical))
}

fn token_hash(token: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(token))
}

/// A proof of `claims`, signed with `private_pem` under a header carrying
/// `jwk` and `typ`.
fn signed_proof(claims: &Value, private_pem: &str, typ: &str, jwk: &Value) -> String {
    tokenbook_token::sign_rs256_with_jwk(claims, private_pem, typ, jwk).unwrap()
}

/// A correct proof's claims for `htm` on `htu` at `iat`.
fn proof_claims(htm: &str, htu: &str, iat: i64, jti: &str) -> Value {
    serde_json::json!({"jti": jti, "htm": htm, "htu": htu, "iat": iat})
}

fn dpop_token_request(proof_lines: &str) -> String {
    format!(
        "POST /oauth2/token HTTP/1.1\nHost: auth.example.com\nAuthorization: {BILLING_BASIC}\nContent-Type: application/x-www-form-urlencoded\n{proof_lines}\ngrant_type=client_credentials&scope=ledger%3Aread"
    )
}

fn dpop_api_request(method: &str, scheme: &str, token: &str, proof: Option<&str>) -> String {
    let proof = proof.map_or(String::new(), |p| format!("DPoP: {p}\n"));
    format!(
        "{method} /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: {scheme} {token}\n{proof}\n"
    )
}

/// A DPoP-bound token for `billing-service`, issued in `lab` with a proof
/// the lab made.
fn dpop_bound_token(lab: &mut Lab) -> String {
    let filled = lab
        .fill(&dpop_token_request("DPoP: {{dpop_proof}}\n"))
        .unwrap();
    let bound = lab.send(&filled);
    assert_eq!(json(&bound)["token_type"], "DPoP", "{}", bound.text);
    json(&bound)["access_token"].as_str().unwrap().to_owned()
}

/// Lesson 11's DPoP: a proof at the token endpoint binds the token to the
/// proof's key (cnf.jkt, token_type DPoP); the same proof again is a
/// replay; without a proof the token is a bearer token.
#[test]
fn rfc9449_s5_a_proof_at_the_token_endpoint_binds_the_token_to_its_key() {
    let mut lab = Lab::new(NOW);
    let metadata = lab
        .send("GET /.well-known/oauth-authorization-server HTTP/1.1\nHost: auth.example.com\n\n");
    assert_eq!(
        json(&metadata)["dpop_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    let filled = lab
        .fill(&dpop_token_request("DPoP: {{dpop_proof}}\n"))
        .unwrap();
    let bound = lab.send(&filled);
    expect(&bound, 200, None, "RFC 9449 §5");
    assert_eq!(json(&bound)["token_type"], "DPoP");
    let token = json(&bound)["access_token"].as_str().unwrap().to_owned();
    let claims = tokenbook_token::decode(&token).unwrap().payload;
    let jwk = rsa_jwk(DPOP_PUBLIC);
    assert_eq!(claims["cnf"]["jkt"], jwk_thumbprint(&jwk));
    assert!(bound.outcome.issued.as_ref().unwrap().dpop_bound);
    assert_eq!(bound.outcome.dpop, Some(true));
    // The proof the lab made: typ, alg, the public key, this request.
    let proof_text = filled
        .lines()
        .find_map(|l| l.strip_prefix("DPoP: "))
        .unwrap();
    let proof = tokenbook_token::decode(proof_text).unwrap();
    assert_eq!(
        proof.header,
        serde_json::json!({"typ": "dpop+jwt", "alg": "RS256", "jwk": jwk})
    );
    assert_eq!(proof.payload["htm"], "POST");
    assert_eq!(
        proof.payload["htu"],
        "https://auth.example.com/oauth2/token"
    );
    assert_eq!(proof.payload["iat"], NOW);
    assert!(proof.payload.get("ath").is_none(), "no token yet");
    // Replayed: the same proof again.
    expect(
        &lab.send(&filled),
        400,
        Some("invalid_dpop_proof"),
        "already accepted",
    );
    // Without a proof the token is a bearer token, as before.
    let plain = lab.send(&dpop_token_request(""));
    assert_eq!(json(&plain)["token_type"], "Bearer");
    assert_eq!(plain.outcome.dpop, Some(false));
    let plain_token = json(&plain)["access_token"].as_str().unwrap().to_owned();
    let plain_claims = tokenbook_token::decode(&plain_token).unwrap().payload;
    assert!(plain_claims.get("cnf").is_none());
    let unreadable = lab.fill("DPoP: {{dpop_proof}}").unwrap_err();
    assert!(unreadable.contains("cannot be read"), "{unreadable}");
}

/// RFC 9449 §4.3: each check, in turn, refuses a bad proof at the token
/// endpoint with invalid_dpop_proof, and nothing is issued.
#[test]
fn rfc9449_s4_3_each_check_refuses_a_bad_proof_with_invalid_dpop_proof() {
    let mut lab = Lab::new(NOW);
    let jwk = rsa_jwk(DPOP_PUBLIC);
    let url = "https://auth.example.com/oauth2/token";
    let good = |jti: &str| proof_claims("POST", url, NOW, jti);
    let course = tokenbook_token::course_keys();
    let mut with_private = rsa_jwk(DPOP_PUBLIC);
    with_private["d"] = serde_json::json!("FAKE-private-exponent");
    let secret = b"FAKE-shared-secret-for-the-course-only";
    let hs256 = tokenbook_token::sign_hs256_typed(&good("hs"), secret, None, "dpop+jwt").unwrap();
    let two = format!(
        "DPoP: {}\nDPoP: {}\n",
        signed_proof(&good("a1"), DPOP_PRIVATE, "dpop+jwt", &jwk),
        signed_proof(&good("a2"), DPOP_PRIVATE, "dpop+jwt", &jwk)
    );
    let mut fields = vec![
        (two, "more than one DPoP field"),
        ("DPoP: not-a-jwt\n".to_owned(), "not a JWT"),
        (format!("DPoP: {hs256}\n"), "never a shared secret"),
    ];
    let no_jti = serde_json::json!({"htm": "POST", "htu": url, "iat": NOW});
    let no_htu = serde_json::json!({"jti": "i", "htm": "POST", "iat": NOW});
    let introspect = "https://auth.example.com/oauth2/introspect";
    let signed: [(Value, &str, &str, &Value, &str); 9] = [
        (good("b"), DPOP_PRIVATE, "JWT", &jwk, "typ is \"JWT\""),
        (
            good("c"),
            DPOP_PRIVATE,
            "dpop+jwt",
            &with_private,
            "a private key's member",
        ),
        (
            good("d"),
            course.rsa_private_pem,
            "dpop+jwt",
            &jwk,
            "does not verify",
        ),
        (
            proof_claims("GET", url, NOW, "e"),
            DPOP_PRIVATE,
            "dpop+jwt",
            &jwk,
            "htm is \"GET\"",
        ),
        (
            proof_claims("POST", introspect, NOW, "f"),
            DPOP_PRIVATE,
            "dpop+jwt",
            &jwk,
            "htu",
        ),
        (
            proof_claims("POST", url, NOW - 121, "g"),
            DPOP_PRIVATE,
            "dpop+jwt",
            &jwk,
            "121 s ago",
        ),
        (
            proof_claims("POST", url, NOW + 120, "h"),
            DPOP_PRIVATE,
            "dpop+jwt",
            &jwk,
            "ahead of",
        ),
        (no_jti, DPOP_PRIVATE, "dpop+jwt", &jwk, "jti is missing"),
        (no_htu, DPOP_PRIVATE, "dpop+jwt", &jwk, "lacks a claim"),
    ];
    for (claims, pem, typ, key, phrase) in &signed {
        let proof = signed_proof(claims, pem, typ, key);
        fields.push((format!("DPoP: {proof}\n"), phrase));
    }
    for (lines, phrase) in &fields {
        let refused = lab.send(&dpop_token_request(lines));
        expect(&refused, 400, Some("invalid_dpop_proof"), phrase);
        assert!(refused.outcome.issued.is_none(), "{phrase}");
    }
}

/// RFC 9449 §4.3: htu is compared as a URL; any key the client holds
/// binds the token to that key; a proof is taken for two minutes.
#[test]
fn rfc9449_s4_3_urls_compare_as_urls_and_any_client_key_binds() {
    let mut lab = Lab::new(NOW);
    let jwk = rsa_jwk(DPOP_PUBLIC);
    let url = "https://auth.example.com/oauth2/token";
    // Case of scheme and host, the default port, query and fragment do
    // not matter (RFC 3986 §6.2.2, §6.2.3).
    let spelled = proof_claims(
        "POST",
        "HTTPS://Auth.Example.com:443/oauth2/token?x=1#y",
        NOW,
        "j",
    );
    let proof = signed_proof(&spelled, DPOP_PRIVATE, "dpop+jwt", &jwk);
    let accepted = lab.send(&dpop_token_request(&format!("DPoP: {proof}\n")));
    expect(&accepted, 200, None, "cnf jkt");
    // Any key will do: the token is bound to that one.
    let course = tokenbook_token::course_keys();
    let other_jwk = rsa_jwk(course.rsa_public_pem);
    let claims = proof_claims("POST", url, NOW, "k");
    let proof = signed_proof(&claims, course.rsa_private_pem, "dpop+jwt", &other_jwk);
    let other = lab.send(&dpop_token_request(&format!("DPoP: {proof}\n")));
    expect(&other, 200, None, "RFC 9449");
    let other_token = json(&other)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        tokenbook_token::decode(&other_token).unwrap().payload["cnf"]["jkt"],
        jwk_thumbprint(&other_jwk)
    );
    // A proof made 120 s ago is still taken.
    lab.advance(120);
    let proof = signed_proof(
        &proof_claims("POST", url, NOW, "l"),
        DPOP_PRIVATE,
        "dpop+jwt",
        &jwk,
    );
    expect(
        &lab.send(&dpop_token_request(&format!("DPoP: {proof}\n"))),
        200,
        None,
        "DPoP",
    );
}

/// A proof for the ledger's entries at NOW, with `ath` of `token`.
fn api_proof(jti: &str, htm: &str, token: &str, private_pem: &str, jwk: &Value) -> String {
    let mut claims = proof_claims(htm, "https://ledger.example.com/ledger/entries", NOW, jti);
    claims["ath"] = serde_json::json!(token_hash(token));
    signed_proof(&claims, private_pem, "dpop+jwt", jwk)
}

/// The API refuses a DPoP-bound token as a bearer token (§7.2), and under
/// the DPoP scheme without a proof, or with one that lacks ath, names
/// another token or another method (§7.1), in a DPoP challenge.
#[test]
fn rfc9449_s7_the_api_refuses_a_bound_token_without_a_proof_for_this_request() {
    let mut lab = Lab::new(NOW);
    let token = dpop_bound_token(&mut lab);
    let jwk = rsa_jwk(DPOP_PUBLIC);
    let as_bearer = lab.send(&api_request("GET", &token));
    expect(&as_bearer, 401, Some("invalid_token"), "RFC 9449 §7.2");
    assert_eq!(
        as_bearer.outcome.failed_check.as_deref(),
        Some("dpop binding")
    );
    let no_proof = lab.send(&dpop_api_request("GET", "DPoP", &token, None));
    expect(&no_proof, 401, Some("invalid_dpop_proof"), "no DPoP field");
    assert_eq!(
        no_proof.response.header("WWW-Authenticate"),
        Some("DPoP realm=\"ledger\", error=\"invalid_dpop_proof\", algs=\"RS256\"")
    );
    assert_eq!(no_proof.outcome.failed_check.as_deref(), Some("dpop proof"));
    let entries = "https://ledger.example.com/ledger/entries";
    let no_ath = signed_proof(
        &proof_claims("GET", entries, NOW, "n1"),
        DPOP_PRIVATE,
        "dpop+jwt",
        &jwk,
    );
    let other_ath = api_proof("n2", "GET", "another-token", DPOP_PRIVATE, &jwk);
    let for_post = api_proof("n3", "POST", &token, DPOP_PRIVATE, &jwk);
    for (proof, phrase) in [
        (no_ath, "no ath"),
        (other_ath, "made for another token"),
        (for_post, "htm is \"POST\""),
    ] {
        let refused = lab.send(&dpop_api_request("GET", "DPoP", &token, Some(&proof)));
        expect(&refused, 401, Some("invalid_dpop_proof"), phrase);
        assert_eq!(refused.outcome.dpop, None);
    }
}

/// The API takes a DPoP-bound token under the DPoP scheme with a new proof
/// signed by its key (§7.1), once; a proof by another key, a bearer token
/// under DPoP and a missing scope are refused in a DPoP challenge;
/// introspection reports the binding (§6.2).
#[test]
fn rfc9449_s7_1_the_api_takes_a_bound_token_with_a_proof_of_its_key_once() {
    let mut lab = Lab::new(NOW);
    let token = dpop_bound_token(&mut lab);
    let jwk = rsa_jwk(DPOP_PUBLIC);
    let filled = lab.fill("GET /ledger/entries HTTP/1.1\nHost: ledger.example.com\nAuthorization: DPoP {{access_token}}\nDPoP: {{dpop_proof}}\n\n").unwrap();
    let read = lab.send(&filled);
    expect(&read, 200, None, "RFC 9068 §4");
    assert_eq!(read.outcome.dpop, Some(true));
    let made = filled
        .lines()
        .find_map(|l| l.strip_prefix("DPoP: "))
        .unwrap();
    let made = tokenbook_token::decode(made).unwrap();
    assert_eq!(made.payload["ath"], token_hash(&token));
    assert_eq!(
        made.payload["htu"],
        "https://ledger.example.com/ledger/entries"
    );
    expect(
        &lab.send(&filled),
        401,
        Some("invalid_dpop_proof"),
        "already accepted",
    );
    // A valid proof by another key: the token is not bound to it.
    let course = tokenbook_token::course_keys();
    let course_jwk = rsa_jwk(course.rsa_public_pem);
    let thief = api_proof("n4", "GET", &token, course.rsa_private_pem, &course_jwk);
    let stolen = lab.send(&dpop_api_request("GET", "DPoP", &token, Some(&thief)));
    expect(
        &stolen,
        401,
        Some("invalid_token"),
        "invalid DPoP key binding",
    );
    assert_eq!(
        stolen.response.header("WWW-Authenticate"),
        Some(
            "DPoP realm=\"ledger\", error=\"invalid_token\", error_description=\"Invalid access token\", algs=\"RS256\""
        )
    );
    // A read-only token on the write endpoint: 403, in the DPoP scheme.
    let write_proof = api_proof("n5", "POST", &token, DPOP_PRIVATE, &jwk);
    let write = lab.send(&dpop_api_request(
        "POST",
        "DPoP",
        &token,
        Some(&write_proof),
    ));
    expect(&write, 403, Some("insufficient_scope"), "ledger:write");
    assert_eq!(
        write.response.header("WWW-Authenticate"),
        Some(
            "DPoP realm=\"ledger\", error=\"insufficient_scope\", scope=\"ledger:write\", algs=\"RS256\""
        )
    );
    // A bearer token under the DPoP scheme is bound to no key.
    let plain = lab.send(&dpop_token_request(""));
    let plain_token = json(&plain)["access_token"].as_str().unwrap().to_owned();
    let plain_proof = api_proof("n6", "GET", &plain_token, DPOP_PRIVATE, &jwk);
    let unbound = lab.send(&dpop_api_request(
        "GET",
        "DPoP",
        &plain_token,
        Some(&plain_proof),
    ));
    expect(&unbound, 401, Some("invalid_token"), "not bound to any key");
    assert_eq!(
        lab.send(&api_request("GET", &plain_token)).outcome.dpop,
        Some(false)
    );
    // Introspection reports the binding (RFC 9449 §6.2).
    lab.set_certificate(Some("ledger-api")).unwrap();
    let introspected = lab.send(&format!("POST /oauth2/introspect HTTP/1.1\nHost: auth.example.com\nContent-Type: application/x-www-form-urlencoded\n\nclient_id=ledger-api&token={token}"));
    assert_eq!(
        json(&introspected)["token_type"],
        "DPoP",
        "{}",
        introspected.text
    );
    assert_eq!(json(&introspected)["cnf"]["jkt"], jwk_thumbprint(&jwk));
}
