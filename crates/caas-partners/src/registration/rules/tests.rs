//! Unit tests of the country rules with the contract's examples.

use super::*;

#[test]
fn spanish_dni_and_nie_letters_follow_the_mod_23_table() {
    assert_eq!(es_check_letter("12345678"), Some('Z'));
    assert_eq!(es_check_letter("12345678Z"), Some('Z'));
    assert_eq!(es_check_letter("X1234567"), Some('L'));
    assert_eq!(es_check_letter("Y1234567"), Some('X'));
    assert_eq!(es_check_letter("00000000"), Some('T'));
    assert_eq!(
        check_identity("ES", "dni", "12345678Z"),
        Ok(OwnerKind::Individual)
    );
    assert_eq!(
        check_identity("ES", "nie", "X1234567L"),
        Ok(OwnerKind::Individual)
    );
    assert_eq!(
        check_identity("ES", "dni", "00000000T"),
        Ok(OwnerKind::Individual)
    );
    let wrong = check_identity("ES", "dni", "12345678A").unwrap_err();
    assert_eq!(
        wrong,
        IdentityProblem::CheckDigit {
            doc_type: "dni".into(),
            expected: 'Z'
        }
    );
    assert_eq!(wrong.reason(), "check_digit");
    assert_eq!(
        check_identity("ES", "nie", "X1234567T")
            .unwrap_err()
            .reason(),
        "check_digit"
    );
    assert_eq!(
        check_identity("ES", "dni", "1234567Z")
            .unwrap_err()
            .reason(),
        "format"
    );
    assert_eq!(
        check_identity("ES", "nie", "A1234567L")
            .unwrap_err()
            .reason(),
        "format"
    );
}

#[test]
fn every_national_type_accepts_its_examples_and_refuses_malformed_numbers() {
    let ok = [
        ("ES", "cif", "B12345674", OwnerKind::Company),
        (
            "PT",
            "cartao_cidadao",
            "12345678 0ZZ4",
            OwnerKind::Individual,
        ),
        (
            "PT",
            "cartao_cidadao",
            "123456780ZZ4",
            OwnerKind::Individual,
        ),
        ("PT", "nif", "123456789", OwnerKind::Individual),
        ("PT", "nipc", "501234567", OwnerKind::Company),
        ("FR", "cni", "X4RTBPFW4", OwnerKind::Individual),
        ("FR", "titre_sejour", "1234567890", OwnerKind::Individual),
        ("FR", "siren", "732829320", OwnerKind::Company),
        ("DE", "personalausweis", "L01X00T47", OwnerKind::Individual),
        ("DE", "aufenthaltstitel", "AB1234567", OwnerKind::Individual),
        ("DE", "handelsregister", "HRB 12345", OwnerKind::Company),
        ("DE", "handelsregister", "HRA 1X", OwnerKind::Company),
        ("IT", "carta_identita", "CA12345BC", OwnerKind::Individual),
        (
            "IT",
            "codice_fiscale",
            "RSSMRA85T10A562S",
            OwnerKind::Individual,
        ),
        ("IT", "partita_iva", "12345678901", OwnerKind::Company),
    ];
    for (cc, ty, number, kind) in ok {
        assert_eq!(
            check_identity(cc, ty, number),
            Ok(kind),
            "{cc} {ty} {number}"
        );
        assert!(validate_identity(cc, ty, number).is_ok());
    }
    let bad = [
        ("ES", "cif", "I12345674"),
        ("PT", "nif", "012345678"),
        ("PT", "nipc", "401234567"),
        ("FR", "cni", "X4RT"),
        ("FR", "siren", "73282932"),
        ("DE", "personalausweis", "A01X00T47"),
        ("DE", "handelsregister", "HRC 12345"),
        ("IT", "carta_identita", "C112345BC"),
        ("IT", "codice_fiscale", "RSSMRA85T10A562"),
        ("IT", "partita_iva", "1234567890"),
    ];
    for (cc, ty, number) in bad {
        let err = check_identity(cc, ty, number).unwrap_err();
        assert_eq!(err.reason(), "format", "{cc} {ty} {number}");
        assert!(validate_identity(cc, ty, number).unwrap_err().contains(ty));
    }
}

#[test]
fn passports_are_accepted_everywhere_and_types_are_per_country() {
    for cc in COUNTRIES {
        assert_eq!(
            check_identity(cc, "passport", "AB1234567"),
            Ok(OwnerKind::Individual)
        );
        assert_eq!(
            check_identity(cc, "passport", "AB12").unwrap_err().reason(),
            "format"
        );
    }
    assert!(matches!(
        check_identity("PT", "dni", "12345678Z"),
        Err(IdentityProblem::UnsupportedType { .. })
    ));
    assert!(matches!(
        check_identity("GB", "passport", "AB1234567"),
        Err(IdentityProblem::UnknownCountry(_))
    ));
    assert_eq!(
        identity_format("es", "dni").map(|f| f.0),
        Some(OwnerKind::Individual)
    );
    assert_eq!(
        OwnerKind::parse("company").map(OwnerKind::as_str),
        Some("company")
    );
}

#[test]
fn plates_match_the_country_formats() {
    let ok = [
        ("ES", "4821 LMB"),
        ("PT", "BX-42-TK"),
        ("FR", "GH-315-KR"),
        ("DE", "M-CA 2026E"),
        ("DE", "M-CA 2026"),
        ("DE", "MÜ-C 1"),
        ("IT", "GA 123 BC"),
    ];
    for (cc, plate) in ok {
        assert!(plate_matches(cc, plate), "{cc} {plate}");
    }
    let bad = [
        ("ES", "4821 LAB"),
        ("ES", "4821LMB"),
        ("PT", "bx-42-tk"),
        ("FR", "GI-315-KR"),
        ("FR", "GH-000-KR"),
        ("DE", "M-CA 0202"),
        ("DE", "DÜW-AB 1234"),
        ("IT", "GA 123 BQ"),
        ("XX", "GA 123 BC"),
    ];
    for (cc, plate) in bad {
        assert!(!plate_matches(cc, plate), "{cc} {plate}");
    }
    for cc in COUNTRIES {
        assert!(pattern::is_valid(plate_pattern(cc).unwrap()));
    }
    for (_, _, _, format) in IDENTITY {
        assert!(pattern::is_valid(format), "{format}");
    }
}

#[test]
fn required_documents_and_authorities_per_country() {
    let base = [
        "certificate_of_conformity",
        "purchase_invoice",
        "owner_identity",
    ];
    for cc in COUNTRIES {
        assert!(base.iter().all(|d| required_documents(cc).contains(d)));
    }
    assert!(required_documents("ES").contains(&"registration_tax_receipt"));
    assert!(required_documents("FR").contains(&"proof_of_address"));
    assert!(required_documents("DE").contains(&"insurance_confirmation"));
    assert_eq!(required_documents("PT"), base);
    assert_eq!(required_documents("IT"), base);
    let authorities: Vec<_> = COUNTRIES.iter().filter_map(|cc| authority(cc)).collect();
    assert_eq!(authorities, ["DGT", "IMT", "ANTS", "KBA", "MCTC"]);
}
