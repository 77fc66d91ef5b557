//! RFC 8291 Appendix A and round-trip tests of the `aes128gcm` encryption.

use super::*;

const PLAINTEXT: &str = "When I grow up, I want to be a watermelon";
const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const AS_PUBLIC: &str =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const UA_PUBLIC: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

fn b(s: &str) -> Vec<u8> {
    b64url_decode(s).unwrap()
}

fn rfc_sender() -> SecretKey {
    SecretKey::from_slice(&b(AS_PRIVATE)).unwrap()
}

#[test]
fn the_rfc_8291_appendix_a_message_is_reproduced_byte_for_byte() {
    let salt: [u8; 16] = b(SALT).try_into().unwrap();
    let sender = rfc_sender();
    assert_eq!(
        b64url_encode(&uncompressed(&sender.public_key())),
        AS_PUBLIC
    );
    let body = encrypt_with(
        PLAINTEXT.as_bytes(),
        &b(UA_PUBLIC),
        &b(AUTH),
        &sender,
        &salt,
    )
    .unwrap();
    assert_eq!(b64url_encode(&body), BODY);
}

#[test]
fn the_rfc_8291_appendix_a_message_decrypts_with_the_user_agent_keys() {
    let plain = decrypt(&b(UA_PRIVATE), &b(AUTH), &b(BODY)).unwrap();
    assert_eq!(plain, PLAINTEXT.as_bytes());
    let ua = UserAgentKeys::from_base64url(UA_PRIVATE, AUTH).unwrap();
    assert_eq!(ua.p256dh(), UA_PUBLIC);
    assert_eq!(ua.decrypt(&b(BODY)).unwrap(), PLAINTEXT.as_bytes());
}

#[test]
fn a_message_encrypted_for_fresh_keys_decrypts_to_the_same_plaintext() {
    let ua = UserAgentKeys::generate();
    let plain = br#"{"notification_id":"ntf_5512","title":"Tu veh\u00edculo llega ma\u00f1ana"}"#;
    let body = encrypt(plain, &b(&ua.p256dh()), &b(&ua.auth())).unwrap();
    assert_eq!(body.len(), HEADER_LEN + plain.len() + 1 + 16);
    assert_eq!(ua.decrypt(&body).unwrap(), plain);
}

#[test]
fn two_encryptions_of_the_same_message_use_different_salts_and_keys() {
    let ua = UserAgentKeys::generate();
    let a = encrypt(b"same", &b(&ua.p256dh()), &b(&ua.auth())).unwrap();
    let c = encrypt(b"same", &b(&ua.p256dh()), &b(&ua.auth())).unwrap();
    assert_ne!(a[..16], c[..16]);
    assert_ne!(a[21..86], c[21..86]);
}

#[test]
fn the_largest_plaintext_fills_exactly_4096_bytes_and_one_more_byte_is_refused() {
    let ua = UserAgentKeys::generate();
    let max = vec![b'x'; MAX_PLAINTEXT_LEN];
    assert_eq!(MAX_PLAINTEXT_LEN, 3993);
    let body = encrypt(&max, &b(&ua.p256dh()), &b(&ua.auth())).unwrap();
    assert_eq!(body.len(), MAX_BODY_LEN);
    assert_eq!(ua.decrypt(&body).unwrap(), max);
    let over = vec![b'x'; MAX_PLAINTEXT_LEN + 1];
    assert_eq!(
        encrypt(&over, &b(&ua.p256dh()), &b(&ua.auth())),
        Err(EceError::TooLarge(3994))
    );
}

#[test]
fn a_tampered_body_or_the_wrong_auth_secret_fails_to_decrypt() {
    let mut body = b(BODY);
    let last = body.len() - 1;
    body[last] ^= 1;
    assert_eq!(
        decrypt(&b(UA_PRIVATE), &b(AUTH), &body),
        Err(EceError::Decrypt)
    );
    let wrong_auth = [7u8; 16];
    assert_eq!(
        decrypt(&b(UA_PRIVATE), &wrong_auth, &b(BODY)),
        Err(EceError::Decrypt)
    );
}

#[test]
fn malformed_bodies_and_keys_are_reported_not_panicked_on() {
    assert!(matches!(
        decrypt(&b(UA_PRIVATE), &b(AUTH), &[0u8; 10]),
        Err(EceError::Malformed(_))
    ));
    let mut body = b(BODY);
    body[20] = 10;
    assert!(matches!(
        decrypt(&b(UA_PRIVATE), &b(AUTH), &body),
        Err(EceError::Malformed(_))
    ));
    assert!(matches!(
        decrypt(&[1u8; 5], &b(AUTH), &b(BODY)),
        Err(EceError::BadKey(_))
    ));
    assert_eq!(
        encrypt(b"x", &[4u8; 65], &b(AUTH)),
        Err(EceError::BadKey("p256dh"))
    );
    assert_eq!(
        encrypt(b"x", &b(UA_PUBLIC), &[1u8; 3]),
        Err(EceError::BadAuth)
    );
}
