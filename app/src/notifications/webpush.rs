//! Web Push from our own server: message encryption (RFC 8291, the "aes128gcm"
//! content coding of RFC 8188) and VAPID authorisation (RFC 8292). Written from
//! the RFCs and kept small so every byte we hand a push service can be checked
//! here; the RFC 8291 example in the tests pins the key schedule.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hkdf::Hkdf;
use p256::ecdh::{diffie_hellman, SharedSecret};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::rand_core::{OsRng, RngCore};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::elliptic_curve::zeroize::Zeroizing;
use p256::{PublicKey, SecretKey};
use secrecy::SecretString;
use sha2::Sha256;

/// The record size we announce. The whole message is one record.
const RECORD_SIZE: u32 = 4096;
/// salt (16) + rs (4) + idlen (1) + keyid, our uncompressed public key (65).
const HEADER_LEN: usize = 86;
/// Push services need accept no more than 4096 bytes of body (RFC 8291 §4):
/// that less the header, the AES-GCM tag (16) and the padding delimiter (1).
pub const MAX_PAYLOAD: usize = 4096 - HEADER_LEN - 16 - 1;
/// How long a VAPID token is good for; RFC 8292 allows at most 24 hours.
const TOKEN_LIFETIME_SECS: u64 = 12 * 60 * 60;
const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;

/// What can go wrong. The messages never carry key material, so they can be logged.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("invalid key: {0}")]
    BadKey(&'static str),
    #[error("invalid push endpoint URL")]
    BadEndpoint,
    #[error("payload of {0} bytes is longer than the {max} a push message can carry", max = MAX_PAYLOAD)]
    TooLong(usize),
    #[error("invalid VAPID authorization: {0}")]
    BadToken(&'static str),
    #[error("encryption or decryption failed")]
    Crypto,
}

fn crypto<E>(_: E) -> PushError {
    PushError::Crypto
}

/// The server's VAPID key pair: the private half signs the tokens that tie our requests to the
/// `applicationServerKey` the browsers subscribed with.
pub struct VapidKeys(SigningKey);

impl std::fmt::Debug for VapidKeys {
    // Only the public half, so that a logged value never leaks the private key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VapidKeys {{ public: {} }}", self.public_b64url())
    }
}

impl VapidKeys {
    pub fn generate() -> Self {
        VapidKeys(SigningKey::random(&mut OsRng))
    }

    /// From the 32-byte private scalar in base64url, as `private_b64url` writes it.
    pub fn from_private_b64url(raw: &str) -> Result<Self, PushError> {
        let bytes = Zeroizing::new(decode_b64url(raw).unwrap_or_default());
        // Checked here because `from_slice` would left-pad a truncated key and take it.
        if bytes.len() != 32 {
            return Err(PushError::BadKey("VAPID key is not 32 bytes of base64url"));
        }
        let key =
            SigningKey::from_slice(&bytes).map_err(|_| PushError::BadKey("VAPID key is not on P-256"))?;
        Ok(VapidKeys(key))
    }

    pub fn private_b64url(&self) -> SecretString {
        let bytes = Zeroizing::new(<[u8; 32]>::from(self.0.to_bytes()));
        SecretString::from(B64.encode(*bytes))
    }

    /// The uncompressed public point (65 bytes), what `PushManager.subscribe` takes.
    pub fn public_b64url(&self) -> String {
        B64.encode(self.0.verifying_key().to_encoded_point(false))
    }
}

/// The `Authorization` header value for one push request (RFC 8292 §2–3): a JWT for the
/// endpoint's origin, signed with our key, and the public key to check it with.
pub fn authorization(
    keys: &VapidKeys,
    endpoint: &str,
    subject: &str,
    now_unix_secs: u64,
) -> Result<String, PushError> {
    let exp = now_unix_secs.saturating_add(TOKEN_LIFETIME_SECS);
    let claims = serde_json::json!({ "aud": audience(endpoint)?, "exp": exp, "sub": subject });
    let jwt = format!("{}.{}", B64.encode(JWT_HEADER), B64.encode(claims.to_string()));
    // ES256 in a JWS is the raw r || s, not DER.
    let signature: Signature = keys.0.sign(jwt.as_bytes());
    let signature = B64.encode(signature.to_bytes());
    Ok(format!("vapid t={jwt}.{signature}, k={}", keys.public_b64url()))
}

/// The endpoint's origin, `scheme://host[:port]`: what the push service checks `aud` against.
fn audience(endpoint: &str) -> Result<String, PushError> {
    let (scheme, rest) = endpoint.split_once("://").ok_or(PushError::BadEndpoint)?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return Err(PushError::BadEndpoint),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = host.to_ascii_lowercase();
    let host = host.strip_suffix(default_port).unwrap_or(&host);
    if host.is_empty() || host.starts_with(':') || host.contains(char::is_whitespace) {
        return Err(PushError::BadEndpoint);
    }
    Ok(format!("{scheme}://{host}"))
}

/// The request body for one push message to the subscription with these keys: a fresh
/// sender key and salt each time, so no two messages share a content key.
pub fn encrypt(
    payload: &[u8],
    ua_public_b64url: &str,
    auth_secret_b64url: &str,
) -> Result<Vec<u8>, PushError> {
    let ua_public = decode_b64url(ua_public_b64url)
        .and_then(|bytes| PublicKey::from_sec1_bytes(&bytes).ok())
        .ok_or(PushError::BadKey("p256dh is not a P-256 public key"))?;
    let auth = decode_b64url(auth_secret_b64url)
        .filter(|auth| auth.len() == 16)
        .ok_or(PushError::BadKey("auth secret is not 16 bytes"))?;
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    encrypt_with(payload, &ua_public, &auth, &SecretKey::random(&mut OsRng), &salt)
}

fn encrypt_with(
    payload: &[u8],
    ua_public: &PublicKey,
    auth: &[u8],
    as_secret: &SecretKey,
    salt: &[u8; 16],
) -> Result<Vec<u8>, PushError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(PushError::TooLong(payload.len()));
    }
    let as_public = as_secret.public_key();
    let ecdh = diffie_hellman(as_secret.to_nonzero_scalar(), ua_public.as_affine());
    let (cipher, nonce) = content_keys(&ecdh, auth, ua_public, &as_public, salt)?;
    // The only record is the last, so its padding delimiter is 2 (RFC 8188 §2); no padding.
    let plain = [payload, &[2]].concat();
    let sealed = cipher.encrypt(&nonce, plain.as_slice()).map_err(crypto)?;
    let keyid = as_public.to_encoded_point(false);
    let body: [&[u8]; 5] = [salt, &RECORD_SIZE.to_be_bytes(), &[65], keyid.as_bytes(), &sealed];
    Ok(body.concat())
}

/// RFC 8291 §3.4, then RFC 8188 §2.2: mix the auth secret into the ECDH secret, bound to both
/// public keys, then derive the content key and the nonce (record 0's, as-is) from the salt.
fn content_keys(
    ecdh: &SharedSecret,
    auth: &[u8],
    ua_public: &PublicKey,
    as_public: &PublicKey,
    salt: &[u8],
) -> Result<(Aes128Gcm, Nonce<aes_gcm::aead::consts::U12>), PushError> {
    let ua = ua_public.to_encoded_point(false);
    let ours = as_public.to_encoded_point(false);
    let key_info: [&[u8]; 3] = [b"WebPush: info\0", ua.as_bytes(), ours.as_bytes()];
    let mut ikm = Zeroizing::new([0u8; 32]);
    hkdf(auth, ecdh.raw_secret_bytes(), &key_info, &mut ikm[..])?;
    let mut cek = Zeroizing::new([0u8; 16]);
    let mut nonce = Nonce::default();
    hkdf(salt, &ikm[..], &[b"Content-Encoding: aes128gcm\0"], &mut cek[..])?;
    hkdf(salt, &ikm[..], &[b"Content-Encoding: nonce\0"], &mut nonce)?;
    Ok((Aes128Gcm::new_from_slice(&cek[..]).map_err(crypto)?, nonce))
}

/// HKDF-SHA-256, extract then expand, as both RFCs use it.
fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]], okm: &mut [u8]) -> Result<(), PushError> {
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand_multi_info(info, okm)
        .map_err(crypto)
}

/// Subscription keys are base64url with or without `=` padding (browsers differ), now and
/// then in the standard alphabet; all decode alike.
fn decode_b64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().trim_end_matches('=');
    B64.decode(text.replace('+', "-").replace('/', "_")).ok()
}

/// What a browser does with a body from `encrypt` (one record): for tests.
#[cfg(test)]
pub fn decrypt(body: &[u8], ua_secret: &SecretKey, auth_secret: &[u8]) -> Result<Vec<u8>, PushError> {
    if body.len() < HEADER_LEN + 17 || body[20] != 65 {
        return Err(PushError::Crypto);
    }
    let (salt, keyid, sealed) = (&body[..16], &body[21..HEADER_LEN], &body[HEADER_LEN..]);
    if sealed.len() > u32::from_be_bytes([body[16], body[17], body[18], body[19]]) as usize {
        return Err(PushError::Crypto); // more than one record: `encrypt` never sends that
    }
    let as_public = PublicKey::from_sec1_bytes(keyid).map_err(|_| PushError::BadKey("keyid is not P-256"))?;
    let ecdh = diffie_hellman(ua_secret.to_nonzero_scalar(), as_public.as_affine());
    let (cipher, nonce) = content_keys(&ecdh, auth_secret, &ua_secret.public_key(), &as_public, salt)?;
    let mut plain = cipher.decrypt(&nonce, sealed).map_err(crypto)?;
    while plain.last() == Some(&0) {
        plain.pop();
    }
    match plain.pop() {
        Some(2) => Ok(plain),
        _ => Err(PushError::Crypto),
    }
}

/// What a push service does with our `Authorization` header: checks the ES256 signature with
/// the `k=` key and the audience against `endpoint`, and returns the claims. For tests.
#[cfg(test)]
pub fn verify_authorization(header: &str, endpoint: &str) -> Result<serde_json::Value, PushError> {
    use p256::ecdsa::{signature::Verifier, VerifyingKey};
    let bad = PushError::BadToken;
    let params = header.strip_prefix("vapid ").ok_or(bad("not the vapid scheme"))?;
    let (mut token, mut key) = (None, None);
    for param in params.split(',') {
        match param.trim().split_once('=') {
            Some(("t", value)) => token = Some(value),
            Some(("k", value)) => key = Some(value),
            _ => return Err(bad("unexpected parameter")),
        }
    }
    let key = decode_b64url(key.ok_or(bad("no k="))?)
        .and_then(|bytes| VerifyingKey::from_sec1_bytes(&bytes).ok())
        .ok_or(PushError::BadKey("k= is not a P-256 public key"))?;
    let token = token.ok_or(bad("no t="))?;
    let (jwt, sig) = token.rsplit_once('.').ok_or(bad("malformed JWT"))?;
    let sig = Signature::from_slice(&B64.decode(sig).unwrap_or_default());
    let sig = sig.map_err(|_| bad("malformed signature"))?;
    key.verify(jwt.as_bytes(), &sig).map_err(|_| bad("forged"))?;
    let json = |part: &str| -> Result<serde_json::Value, PushError> {
        let bytes = B64.decode(part).map_err(|_| bad("malformed JWT"))?;
        serde_json::from_slice(&bytes).map_err(|_| bad("malformed JWT"))
    };
    let (head, claims) = jwt.split_once('.').ok_or(bad("malformed JWT"))?;
    if json(head)? != serde_json::json!({ "typ": "JWT", "alg": "ES256" }) {
        return Err(bad("not an ES256 JWT"));
    }
    let claims = json(claims)?;
    if claims["aud"] != audience(endpoint)?.as_str() {
        return Err(bad("wrong audience"));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    // RFC 8291 §5 and Appendix A.
    const PLAINTEXT: &[u8] = b"When I grow up, I want to be a watermelon";
    const UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    const AS_PUBLIC: &str =
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const BODY: &str = concat!(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wE",
        "qKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
    );

    fn bytes(b64: &str) -> Vec<u8> {
        B64.decode(b64).unwrap()
    }

    fn secret(b64: &str) -> SecretKey {
        SecretKey::from_slice(&bytes(b64)).unwrap()
    }

    /// A browser's subscription: its key, and its public key and auth secret as it sends them.
    fn browser() -> (SecretKey, String, [u8; 16]) {
        let key = SecretKey::random(&mut OsRng);
        let mut auth = [0u8; 16];
        OsRng.fill_bytes(&mut auth);
        let public = B64.encode(key.public_key().to_encoded_point(false));
        (key, public, auth)
    }

    #[test]
    fn rfc8291_example_encrypts_byte_for_byte() {
        let as_secret = secret(AS_PRIVATE);
        let as_public = as_secret.public_key().to_encoded_point(false);
        assert_eq!(B64.encode(as_public), AS_PUBLIC, "the RFC's key pair");
        let ua_public = PublicKey::from_sec1_bytes(&bytes(UA_PUBLIC)).unwrap();
        let salt: [u8; 16] = bytes(SALT).try_into().unwrap();
        let body = encrypt_with(PLAINTEXT, &ua_public, &bytes(AUTH), &as_secret, &salt).unwrap();
        assert_eq!(B64.encode(&body), BODY);
    }

    #[test]
    fn rfc8291_example_decrypts() {
        let plain = decrypt(&bytes(BODY), &secret(UA_PRIVATE), &bytes(AUTH)).unwrap();
        assert_eq!(plain, PLAINTEXT);
    }

    #[test]
    fn round_trip_with_fresh_keys_and_header_fields() {
        let (key, public, auth) = browser();
        // Padded base64url, as some browsers send it.
        let padded = base64::prelude::BASE64_URL_SAFE.encode(auth);
        let body = encrypt(b"{\"n\":1}", &public, &padded).unwrap();
        assert_eq!(body[16..20], 4096u32.to_be_bytes());
        assert_eq!(body[20], 65);
        assert_eq!(body[21], 0x04, "keyid is an uncompressed point");
        PublicKey::from_sec1_bytes(&body[21..86]).unwrap();
        assert_eq!(body.len(), HEADER_LEN + 7 + 1 + 16);
        assert_eq!(decrypt(&body, &key, &auth).unwrap(), b"{\"n\":1}");
        let again = encrypt(b"{\"n\":1}", &public, &B64.encode(auth)).unwrap();
        assert_ne!(body[..16], again[..16], "fresh salt");
        assert_ne!(body[21..86], again[21..86], "fresh sender key");
    }

    #[test]
    fn wrong_auth_secret_or_key_fails_to_decrypt() {
        let (key, public, auth) = browser();
        let body = encrypt(b"hello", &public, &B64.encode(auth)).unwrap();
        let mut other = auth;
        other[0] ^= 1;
        assert!(matches!(decrypt(&body, &key, &other), Err(PushError::Crypto)));
        assert!(decrypt(&body, &browser().0, &auth).is_err());
    }

    #[test]
    fn bad_subscription_keys_are_refused() {
        for (public, auth) in [("AA", AUTH), (UA_PUBLIC, "AQI"), (UA_PUBLIC, "not base64!")] {
            assert!(matches!(encrypt(b"x", public, auth), Err(PushError::BadKey(_))));
        }
    }

    #[test]
    fn payload_too_long_is_refused() {
        let err = encrypt(&[b'a'; MAX_PAYLOAD + 1], UA_PUBLIC, AUTH).unwrap_err();
        assert!(matches!(err, PushError::TooLong(3994)), "{err}");
        let longest = encrypt(&[b'a'; MAX_PAYLOAD], UA_PUBLIC, AUTH).unwrap();
        assert_eq!(longest.len(), 4096);
    }

    #[test]
    fn vapid_keys_round_trip_and_stay_private() {
        let keys = VapidKeys::generate();
        let private = keys.private_b64url();
        let again = VapidKeys::from_private_b64url(private.expose_secret()).unwrap();
        assert_eq!(again.public_b64url(), keys.public_b64url());
        assert_eq!(bytes(&keys.public_b64url()).len(), 65);
        assert!(!format!("{keys:?}").contains(private.expose_secret()));
        assert!(VapidKeys::from_private_b64url("AAAA").is_err());
        assert!(VapidKeys::from_private_b64url(&B64.encode([0u8; 32])).is_err());
    }

    #[test]
    fn audience_is_the_endpoint_origin() {
        for (endpoint, origin) in [
            ("https://fcm.googleapis.com/fcm/x", "https://fcm.googleapis.com"),
            ("https://Push.Example.net:443/a?b", "https://push.example.net"),
            ("http://127.0.0.1:8080/push/x", "http://127.0.0.1:8080"),
        ] {
            assert_eq!(audience(endpoint).unwrap(), origin);
        }
        for bad in ["ftp://h", "h/x", "https:///x", "https://:8443/x", "https://a b/"] {
            assert!(audience(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn authorization_verifies_with_audience_and_expiry() {
        let keys = VapidKeys::generate();
        let endpoint = "https://push.example.net:8443/x";
        let header = authorization(&keys, endpoint, "mailto:ops@example.org", 1_700_000_000).unwrap();
        assert!(header.starts_with("vapid t="));
        assert!(header.ends_with(&format!(", k={}", keys.public_b64url())));
        let claims = verify_authorization(&header, endpoint).unwrap();
        assert_eq!(claims["aud"], "https://push.example.net:8443");
        assert_eq!(claims["exp"], 1_700_000_000u64 + 12 * 3600);
        assert_eq!(claims["sub"], "mailto:ops@example.org");
        let (jwt, _) = header["vapid t=".len()..].split_once(", k=").unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(bytes(parts[0]), JWT_HEADER.as_bytes());
        assert_eq!(bytes(parts[2]).len(), 64, "raw r || s");
        assert!(verify_authorization(&header, "https://other.example.net/x").is_err());
    }

    #[test]
    fn tampered_token_fails_verification() {
        let keys = VapidKeys::generate();
        let endpoint = "https://push.example.net/x";
        let header = authorization(&keys, endpoint, "mailto:ops@example.org", 1_700_000_000).unwrap();
        let parts: Vec<&str> = header.split('.').collect();
        let claims = String::from_utf8(bytes(parts[1])).unwrap();
        let later = claims.replace("1700043200", "1799999999");
        assert_ne!(claims, later);
        let forged = [parts[0], &B64.encode(later), parts[2]].join(".");
        let err = verify_authorization(&forged, endpoint).unwrap_err();
        assert!(matches!(err, PushError::BadToken(_)), "{err}");
        let other_key = header.replace(&keys.public_b64url(), &VapidKeys::generate().public_b64url());
        assert!(verify_authorization(&other_key, endpoint).is_err());
    }
}
