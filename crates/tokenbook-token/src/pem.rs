//! RSA keys from PEM text. Public keys (`BEGIN PUBLIC KEY` or `BEGIN RSA
//! PUBLIC KEY`) are read by a few lines of DER here, into the modulus and
//! exponent jsonwebtoken takes: its own PEM support would link `pem`,
//! `simple_asn1` and `time`, and the `rsa` crate's would link `der` and
//! `base64ct`, into the browser build for nothing. Private keys (only for
//! minting the samples, natively) are read with the `rsa` crate. Text around
//! the PEM block (such as the FAKE warning the course's key files start
//! with) is ignored.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The PEM block in `text`: from `-----BEGIN` to the end of its
/// `-----END …-----` line.
fn block(text: &str) -> Option<&str> {
    let start = text.find("-----BEGIN ")?;
    let end_marker = text[start..].find("-----END ")? + start;
    let end = text[end_marker + 9..].find("-----")? + end_marker + 9 + 5;
    Some(&text[start..end])
}

/// The label and DER bytes of the PEM block in `text`.
fn decode_block(text: &str) -> Option<(&str, Vec<u8>)> {
    let pem = block(text)?;
    let label = pem
        .lines()
        .next()?
        .trim()
        .strip_prefix("-----BEGIN ")?
        .strip_suffix("-----")?;
    let body: String = pem
        .lines()
        .skip(1)
        .take_while(|line| !line.starts_with("-----END "))
        .filter(|line| !line.contains(':'))
        .flat_map(|line| line.trim().chars())
        .collect();
    Some((label, STANDARD.decode(body).ok()?))
}

/// One DER element: its tag, its contents and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |n, &b| (n << 8) | usize::from(b));
        (len, &rest[count..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
/// 1.2.840.113549.1.1.1, rsaEncryption.
const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
pub(crate) fn pkcs1_components(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (SEQUENCE, fields, _) = element(der)? else {
        return None;
    };
    let (INTEGER, n, rest) = element(fields)? else {
        return None;
    };
    let (INTEGER, e, _) = element(rest)? else {
        return None;
    };
    let unsigned = |int: &[u8]| {
        int.iter()
            .skip_while(|&&b| b == 0)
            .copied()
            .collect::<Vec<u8>>()
    };
    let (n, e) = (unsigned(n), unsigned(e));
    (n.len() >= 64 && !e.is_empty()).then_some((n, e))
}

/// The modulus and exponent (big-endian) of an RSA public key given as
/// `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo) or `BEGIN RSA PUBLIC KEY`
/// (PKCS#1).
pub(crate) fn public_key_components(text: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let (label, der) = decode_block(text)?;
    match label {
        "RSA PUBLIC KEY" => pkcs1_components(&der),
        "PUBLIC KEY" => {
            let (SEQUENCE, info, _) = element(&der)? else {
                return None;
            };
            let (SEQUENCE, algorithm, rest) = element(info)? else {
                return None;
            };
            let (0x06, oid, _) = element(algorithm)? else {
                return None;
            };
            if oid != RSA_ENCRYPTION {
                return None;
            }
            let (BIT_STRING, bits, _) = element(rest)? else {
                return None;
            };
            let (0, key) = bits.split_first()? else {
                return None;
            };
            pkcs1_components(key)
        }
        _ => None,
    }
}

/// The integers of a PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2): modulus,
/// public and private exponent and the two primes, big-endian, read with
/// the DER reader above (the `rsa` crate's reader would bring `der` into the
/// browser build).
#[cfg(any(not(target_arch = "wasm32"), feature = "rs256-signing"))]
pub(crate) fn private_key_integers(der: &[u8]) -> Option<[Vec<u8>; 5]> {
    let (SEQUENCE, fields, _) = element(der)? else {
        return None;
    };
    let mut rest = fields;
    let mut integers: Vec<Vec<u8>> = Vec::with_capacity(6);
    for _ in 0..6 {
        let (INTEGER, value, next) = element(rest)? else {
            return None;
        };
        integers.push(value.iter().skip_while(|&&b| b == 0).copied().collect());
        rest = next;
    }
    let [_version, n, e, d, p, q]: [Vec<u8>; 6] = integers.try_into().ok()?;
    Some([n, e, d, p, q])
}

/// The course's public key (or any RSA public key PEM) as a jsonwebtoken
/// key.
pub(crate) fn public_decoding_key(text: &str) -> Option<jsonwebtoken::DecodingKey> {
    let (n, e) = public_key_components(text)?;
    Some(jsonwebtoken::DecodingKey::from_rsa_raw_components(&n, &e))
}

/// The PKCS#1 DER of an RSA private key given as `BEGIN RSA PRIVATE KEY`
/// (PKCS#1) or `BEGIN PRIVATE KEY` (PKCS#8).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn private_key_der(text: &str) -> Option<Vec<u8>> {
    use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
    use rsa::pkcs8::DecodePrivateKey;
    let pem = block(text)?;
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(pem)
        .or_else(|_| rsa::RsaPrivateKey::from_pkcs8_pem(pem))
        .ok()?;
    key.to_pkcs1_der().ok().map(|der| der.as_bytes().to_vec())
}

/// In the browser (the lab's `rs256-signing` feature): the DER of a
/// `BEGIN RSA PRIVATE KEY` block, which is PKCS#1 already, read without the
/// `rsa` crate's PEM support.
#[cfg(all(target_arch = "wasm32", feature = "rs256-signing"))]
pub(crate) fn private_key_der(text: &str) -> Option<Vec<u8>> {
    match decode_block(text)? {
        ("RSA PRIVATE KEY", der) => Some(der),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::course_keys;

    #[test]
    fn the_course_keys_read_despite_their_warning_lines() {
        let keys = course_keys();
        assert!(keys.rsa_public_pem.starts_with('#') || !keys.rsa_public_pem.starts_with("-----"));
        let (n, e) = public_key_components(keys.rsa_public_pem).expect("public key");
        assert_eq!((n.len(), e.as_slice()), (256, &[1, 0, 1][..]));
        let private = private_key_der(keys.rsa_private_pem).expect("private key");
        assert!(private.len() > 1000);
        // RFC 8017 A.1.2: the private key's modulus and exponent are the
        // public key's; its primes make the modulus.
        let [pn, pe, d, p, q] = private_key_integers(&private).expect("integers");
        assert_eq!((pn.as_slice(), pe.as_slice()), (n.as_slice(), e.as_slice()));
        assert_eq!(d.len(), 256);
        let product = rsa::BigUint::from_bytes_be(&p) * rsa::BigUint::from_bytes_be(&q);
        assert_eq!(product.to_bytes_be(), n);
        assert_eq!(private_key_integers(&private[..100]), None);
    }

    #[test]
    fn garbage_and_private_keys_are_not_public_keys() {
        assert_eq!(public_key_components("no pem here"), None);
        assert_eq!(
            public_key_components("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            None
        );
        assert_eq!(public_key_components(course_keys().rsa_private_pem), None);
        // A length running past the end, and a truncated key, are refused.
        assert_eq!(element(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        let (_, der) = decode_block(course_keys().rsa_public_pem).unwrap();
        assert_eq!(pkcs1_components(&der[..der.len() / 2]), None);
    }
}
