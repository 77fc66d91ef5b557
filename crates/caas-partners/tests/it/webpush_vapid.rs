//! VAPID (RFC 8292): key parsing, the JWT the sender signs and the checks a
//! push service makes on it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use caas_partners::webpush::vapid::{JWT_LIFETIME_SECS, MAX_JWT_LIFETIME_SECS};
use caas_partners::webpush::{
    parse_authorization, verify_authorization, verify_jwt, VapidClaims, VapidError, VapidKeys,
};

const ORIGIN: &str = "https://push.example.net";
const SUB: &str = "mailto:ops@caas.example";
const NOW: i64 = 1_768_469_405;

fn claims(exp: i64) -> VapidClaims {
    VapidClaims {
        aud: ORIGIN.into(),
        exp,
        sub: Some(SUB.into()),
    }
}

#[test]
fn generated_keys_round_trip_through_their_base64url_form() {
    let keys = VapidKeys::generate();
    let public = keys.public_key();
    let private = keys.private_key();
    assert_eq!(URL_SAFE_NO_PAD.decode(&public).unwrap().len(), 65);
    assert_eq!(URL_SAFE_NO_PAD.decode(&private).unwrap().len(), 32);
    let parsed = VapidKeys::from_base64url(&public, &private).unwrap();
    assert_eq!(parsed.public_key(), public);
    assert!(!format!("{parsed:?}").contains(&private));
}

#[test]
fn a_public_key_that_does_not_belong_to_the_private_key_is_rejected() {
    let a = VapidKeys::generate();
    let b = VapidKeys::generate();
    assert!(matches!(
        VapidKeys::from_base64url(&b.public_key(), &a.private_key()),
        Err(VapidError::BadKey(_))
    ));
    assert!(VapidKeys::from_base64url("not*base64", &a.private_key()).is_err());
    assert!(VapidKeys::from_private_base64url("AAAA").is_err());
}

#[test]
fn the_authorization_header_carries_an_es256_jwt_for_the_origin_valid_12_hours() {
    let keys = VapidKeys::generate();
    let header = keys.authorization(ORIGIN, SUB, NOW);
    assert!(header.starts_with("vapid t="));
    let (t, k) = parse_authorization(&header).unwrap();
    assert_eq!(k, keys.public_key());
    let parts: Vec<&str> = t.split('.').collect();
    assert_eq!(parts.len(), 3);
    let jwt_header = URL_SAFE_NO_PAD.decode(parts[0]).unwrap();
    assert_eq!(jwt_header, br#"{"typ":"JWT","alg":"ES256"}"#);
    assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(), 64);
    let (got, signer) = verify_authorization(&header, ORIGIN, NOW).unwrap();
    assert_eq!(got, claims(NOW + JWT_LIFETIME_SECS));
    assert_eq!(signer, keys.public_key());
}

#[test]
fn a_tampered_jwt_fails_verification() {
    let keys = VapidKeys::generate();
    let token = keys.sign_jwt(&claims(NOW + 60));
    let (h, rest) = token.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let forged = URL_SAFE_NO_PAD.encode(
        serde_json::to_vec(&VapidClaims {
            aud: "https://evil.example".into(),
            ..claims(NOW + 60)
        })
        .unwrap(),
    );
    let tampered = format!("{h}.{forged}.{sig}");
    let pk = keys.public_key_bytes();
    assert_eq!(
        verify_jwt(&tampered, &pk, "https://evil.example", NOW),
        Err(VapidError::BadSignature)
    );
    let other = VapidKeys::generate().public_key_bytes();
    assert_eq!(
        verify_jwt(&token, &other, ORIGIN, NOW),
        Err(VapidError::BadSignature)
    );
    assert!(verify_jwt(&token, &pk, ORIGIN, NOW).is_ok());
}

#[test]
fn a_jwt_for_another_origin_is_rejected() {
    let keys = VapidKeys::generate();
    let token = keys.sign_jwt(&claims(NOW + 60));
    assert!(matches!(
        verify_jwt(
            &token,
            &keys.public_key_bytes(),
            "https://other.example",
            NOW
        ),
        Err(VapidError::WrongAudience { .. })
    ));
}

#[test]
fn an_expired_jwt_or_one_valid_over_24_hours_is_rejected() {
    let keys = VapidKeys::generate();
    let pk = keys.public_key_bytes();
    let expired = keys.sign_jwt(&claims(NOW));
    assert_eq!(
        verify_jwt(&expired, &pk, ORIGIN, NOW),
        Err(VapidError::Expired)
    );
    let long = keys.sign_jwt(&claims(NOW + MAX_JWT_LIFETIME_SECS + 1));
    assert_eq!(
        verify_jwt(&long, &pk, ORIGIN, NOW),
        Err(VapidError::TooFarAhead)
    );
    let max = keys.sign_jwt(&claims(NOW + MAX_JWT_LIFETIME_SECS));
    assert!(verify_jwt(&max, &pk, ORIGIN, NOW).is_ok());
}

#[test]
fn a_jwt_without_a_mailto_or_https_subject_is_rejected() {
    let keys = VapidKeys::generate();
    let token = keys.sign_jwt(&VapidClaims {
        sub: Some("ops@caas.example".into()),
        ..claims(NOW + 60)
    });
    assert_eq!(
        verify_jwt(&token, &keys.public_key_bytes(), ORIGIN, NOW),
        Err(VapidError::BadSubject)
    );
}

#[test]
fn malformed_authorization_headers_are_rejected() {
    for h in [
        "Bearer abc",
        "vapid",
        "vapid t=abc",
        "vapid k=abc",
        "WebPush abc",
    ] {
        assert_eq!(
            parse_authorization(h),
            Err(VapidError::MalformedHeader),
            "{h}"
        );
    }
    let (t, k) = parse_authorization("VAPID k=key1,t=tok.en.sig").unwrap();
    assert_eq!((t.as_str(), k.as_str()), ("tok.en.sig", "key1"));
    let keys = VapidKeys::generate();
    let header = format!("vapid t=a.b.c, k={}", keys.public_key());
    assert!(matches!(
        verify_authorization(&header, ORIGIN, NOW),
        Err(VapidError::MalformedToken(_))
    ));
}
