//! The crate's crypto provider for `jsonwebtoken`, installed in the
//! browser and natively alike: HS256 signing and verification (`hmac` +
//! `sha2`), RS256 verification (PKCS#1 v1.5 with SHA-256, `rsa`) and,
//! natively, RS256 signing for minting the samples. Every other algorithm
//! is refused with `ErrorKind::InvalidAlgorithm`, in the browser and in the
//! site build the same way.
//!
//! It is small on purpose: the ready-made `rust_crypto` provider links
//! P-256, P-384 and Ed25519 too, which would blow the playground's size
//! budget and add ~40 crates to every build of the command line. The tests
//! check it against the `rust_crypto` provider.

use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{Error, ErrorKind, new_error};
use jsonwebtoken::signature::{Error as SignatureError, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// HS256 and RS256 only; see the module documentation.
pub(crate) static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer_for,
    verifier_factory: verifier_for,
    key_utils: KeyUtils::new_unimplemented(),
};

fn signer_for(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    match algorithm {
        Algorithm::HS256 => Ok(Box::new(Hs256::from_secret(key.family(), key.as_bytes())?)),
        #[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
        Algorithm::RS256 => Ok(Box::new(Rs256Signer::new(key)?)),
        _ => Err(new_error(ErrorKind::InvalidAlgorithm)),
    }
}

fn verifier_for(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, Error> {
    match algorithm {
        Algorithm::HS256 => Ok(Box::new(Hs256::from_secret(
            key.family(),
            key.try_get_as_bytes()?,
        )?)),
        Algorithm::RS256 => Ok(Box::new(Rs256Verifier::new(key)?)),
        _ => Err(new_error(ErrorKind::InvalidAlgorithm)),
    }
}

/// HMAC with SHA-256, keyed with the shared secret.
struct Hs256 {
    mac: HmacSha256,
}

impl Hs256 {
    fn from_secret(family: AlgorithmFamily, secret: &[u8]) -> Result<Self, Error> {
        if family != AlgorithmFamily::Hmac {
            return Err(new_error(ErrorKind::InvalidKeyFormat));
        }
        let mac = HmacSha256::new_from_slice(secret)
            .map_err(|_| new_error(ErrorKind::InvalidKeyFormat))?;
        Ok(Self { mac })
    }
}

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let mut mac = self.mac.clone();
        mac.update(message);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), SignatureError> {
        let mut mac = self.mac.clone();
        mac.update(message);
        // Constant-time comparison.
        mac.verify_slice(signature)
            .map_err(|_| SignatureError::new())
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

/// RSASSA-PKCS1-v1_5 with SHA-256, checked with the issuer's public key.
struct Rs256Verifier {
    public_key: RsaPublicKey,
}

impl Rs256Verifier {
    fn new(key: &DecodingKey) -> Result<Self, Error> {
        if key.family() != AlgorithmFamily::Rsa {
            return Err(new_error(ErrorKind::InvalidKeyFormat));
        }
        let invalid = |error: rsa::Error| new_error(ErrorKind::InvalidRsaKey(error.to_string()));
        let public_key = match key.kind() {
            // `from_rsa_der` keeps the PKCS#1 DER of the public key.
            // Read with the crate's own DER reader (`pem.rs`): the `rsa`
            // crate's would bring `der` into the browser builds.
            DecodingKeyKind::SecretOrDer(der) => {
                let (n, e) = crate::pem::pkcs1_components(der).ok_or_else(|| {
                    new_error(ErrorKind::InvalidRsaKey(
                        "not a PKCS#1 RSA public key".into(),
                    ))
                })?;
                RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e))
                    .map_err(invalid)?
            }
            // A JWK gives the modulus and exponent, big-endian.
            DecodingKeyKind::RsaModulusExponent { n, e } => {
                RsaPublicKey::new(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e))
                    .map_err(invalid)?
            }
        };
        Ok(Self { public_key })
    }
}

impl Verifier<Vec<u8>> for Rs256Verifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), SignatureError> {
        let digest = Sha256::digest(message);
        self.public_key
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, signature)
            .map_err(|_| SignatureError::new())
    }
}

impl JwtVerifier for Rs256Verifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

/// RSASSA-PKCS1-v1_5 with SHA-256, signed with the FAKE private key of the
/// samples (`EncodingKey::from_rsa_der`: PKCS#1 DER). Natively, and in
/// the browser only with the `rs256-signing` feature (the OAuth lab's
/// module): the playground never signs with RSA.
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
struct Rs256Signer {
    private_key: rsa::RsaPrivateKey,
}

#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
impl Rs256Signer {
    fn new(key: &EncodingKey) -> Result<Self, Error> {
        if key.family() != AlgorithmFamily::Rsa {
            return Err(new_error(ErrorKind::InvalidKeyFormat));
        }
        let invalid = || {
            new_error(ErrorKind::InvalidRsaKey(
                "not a PKCS#1 RSA private key".into(),
            ))
        };
        let [n, e, d, p, q] =
            crate::pem::private_key_integers(key.as_bytes()).ok_or_else(invalid)?;
        let int = |bytes: &[u8]| BigUint::from_bytes_be(bytes);
        let private_key =
            rsa::RsaPrivateKey::from_components(int(&n), int(&e), int(&d), vec![int(&p), int(&q)])
                .map_err(|error| new_error(ErrorKind::InvalidRsaKey(error.to_string())))?;
        Ok(Self { private_key })
    }
}

#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
impl Signer<Vec<u8>> for Rs256Signer {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let digest = Sha256::digest(message);
        // PKCS#1 v1.5 signatures are deterministic: no randomness needed.
        self.private_key
            .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
            // An opaque error: a boxed source would link the Debug text of
            // every rsa and der error into the browser build.
            .map_err(|_| SignatureError::new())
    }
}

#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
impl JwtSigner for Rs256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;
    use crate::samples::course_keys;
    use crate::sign::{sign_hs256, sign_rs256};

    fn parts(token: &str) -> (String, Vec<u8>) {
        let (message, signature) = token.rsplit_once('.').expect("a JWT");
        (
            message.to_owned(),
            URL_SAFE_NO_PAD.decode(signature).expect("base64url"),
        )
    }

    fn verifies(token: &str, algorithm: Algorithm, key: &DecodingKey) -> bool {
        let (message, signature) = parts(token);
        match (PROVIDER.verifier_factory)(&algorithm, key) {
            Ok(verifier) => verifier.verify(message.as_bytes(), &signature).is_ok(),
            Err(_) => false,
        }
    }

    /// Signs `message` with jsonwebtoken's own `rust_crypto` provider.
    fn rust_crypto_signs(message: &str, algorithm: Algorithm, key: &EncodingKey) -> Vec<u8> {
        let signer =
            (jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.signer_factory)(&algorithm, key)
                .expect("rust_crypto signer");
        signer
            .try_sign(message.as_bytes())
            .expect("rust_crypto signs")
    }

    /// Verifies with jsonwebtoken's own `rust_crypto` provider.
    fn rust_crypto_verifies(token: &str, algorithm: Algorithm, key: &DecodingKey) -> bool {
        let (message, signature) = parts(token);
        let verifier =
            (jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.verifier_factory)(&algorithm, key)
                .expect("rust_crypto verifier");
        verifier.verify(message.as_bytes(), &signature).is_ok()
    }

    #[test]
    fn hs256_signatures_match_rust_crypto() {
        let claims = json!({"sub": "billing-service"});
        let token =
            sign_hs256(&claims, b"FAKE-secret-of-at-least-32-bytes!!", None).expect("signs");
        let (message, ours) = parts(&token);
        let key = EncodingKey::from_secret(b"FAKE-secret-of-at-least-32-bytes!!");
        assert_eq!(ours, rust_crypto_signs(&message, Algorithm::HS256, &key));
        let right = DecodingKey::from_secret(b"FAKE-secret-of-at-least-32-bytes!!");
        let wrong = DecodingKey::from_secret(b"another secret");
        assert!(verifies(&token, Algorithm::HS256, &right));
        assert!(rust_crypto_verifies(&token, Algorithm::HS256, &right));
        assert!(!verifies(&token, Algorithm::HS256, &wrong));
    }

    #[test]
    fn rs256_signatures_match_rust_crypto() {
        let keys = course_keys();
        let token = sign_rs256(
            &json!({"sub": "billing-service", "scope": "ledger:read"}),
            keys.rsa_private_pem,
            Some("FAKE-kid"),
        )
        .expect("signs");
        let (message, ours) = parts(&token);
        let der = crate::pem::private_key_der(keys.rsa_private_pem).expect("private key");
        let key = EncodingKey::from_rsa_der(&der);
        // PKCS#1 v1.5 is deterministic: the same bytes from both providers.
        assert_eq!(ours, rust_crypto_signs(&message, Algorithm::RS256, &key));
        let public = crate::pem::public_decoding_key(keys.rsa_public_pem).expect("pem");
        assert!(rust_crypto_verifies(&token, Algorithm::RS256, &public));
    }

    #[test]
    fn rs256_verifies_with_pem_and_with_jwk_components() {
        let keys = course_keys();
        let token = sign_rs256(
            &json!({"sub": "billing-service"}),
            keys.rsa_private_pem,
            None,
        )
        .expect("signs");
        let pem = crate::pem::public_decoding_key(keys.rsa_public_pem).expect("pem");
        assert!(verifies(&token, Algorithm::RS256, &pem));

        let jwks: serde_json::Value =
            serde_json::from_str(&crate::samples::public_jwks(&keys)).expect("JSON");
        let (n, e) = (jwks["keys"][0]["n"].as_str(), jwks["keys"][0]["e"].as_str());
        let components =
            DecodingKey::from_rsa_components(n.unwrap_or(""), e.unwrap_or("")).expect("n, e");
        assert!(verifies(&token, Algorithm::RS256, &components));

        let (header, _) = token.split_once('.').expect("a JWT");
        let (_, signature) = token.rsplit_once('.').expect("a JWT");
        let other_payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"someone-else"}"#);
        let tampered = format!("{header}.{other_payload}.{signature}");
        assert!(!verifies(&tampered, Algorithm::RS256, &pem));
    }

    #[test]
    fn other_algorithms_and_wrong_keys_are_refused() {
        let secret = DecodingKey::from_secret(b"secret");
        let rsa = crate::pem::public_decoding_key(course_keys().rsa_public_pem).expect("pem");
        let refused = [
            (Algorithm::RS384, &rsa),
            (Algorithm::PS256, &rsa),
            (Algorithm::ES256, &secret),
            (Algorithm::EdDSA, &secret),
            (Algorithm::HS512, &secret),
        ];
        for (algorithm, key) in refused {
            let error = (PROVIDER.verifier_factory)(&algorithm, key).err();
            assert_eq!(
                error.map(|e| e.into_kind()),
                Some(ErrorKind::InvalidAlgorithm),
                "{algorithm:?}"
            );
        }
        let encoding = EncodingKey::from_secret(b"secret");
        for algorithm in [Algorithm::HS384, Algorithm::RS384, Algorithm::ES256] {
            let error = (PROVIDER.signer_factory)(&algorithm, &encoding).err();
            assert_eq!(
                error.map(|e| e.into_kind()),
                Some(ErrorKind::InvalidAlgorithm),
                "{algorithm:?}"
            );
        }
        // RS256 signing wants an RSA private key, not a secret or garbage.
        let error = (PROVIDER.signer_factory)(&Algorithm::RS256, &encoding).err();
        assert_eq!(
            error.map(|e| e.into_kind()),
            Some(ErrorKind::InvalidKeyFormat)
        );
        let garbage = EncodingKey::from_rsa_der(b"not DER");
        let error = (PROVIDER.signer_factory)(&Algorithm::RS256, &garbage).err();
        assert!(matches!(
            error.map(|e| e.into_kind()),
            Some(ErrorKind::InvalidRsaKey(_))
        ));
        // An HMAC secret is no RSA key, and an RSA key is no HMAC secret.
        assert!((PROVIDER.verifier_factory)(&Algorithm::RS256, &secret).is_err());
        assert!((PROVIDER.verifier_factory)(&Algorithm::HS256, &rsa).is_err());
        let garbage = DecodingKey::from_rsa_der(b"not DER");
        let error = (PROVIDER.verifier_factory)(&Algorithm::RS256, &garbage).err();
        assert!(matches!(
            error.map(|e| e.into_kind()),
            Some(ErrorKind::InvalidRsaKey(_))
        ));
    }
}
