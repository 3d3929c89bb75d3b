//! Sharing (`tessera export` formats) end to end through the desk: every
//! format round-trips, the same badge gets the same verdict through every
//! input path, and bad shared files get specific errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use tempfile::TempDir;
use tessera_core::SigningKey;
use tessera_desk::FORMATS;
use tessera_desk::check::{Report, Verdict};
use tessera_desk::share;
use tessera_desk::{Desk, ExportFormat, IssueRequest};

struct Fixture {
    _home: TempDir,
    desk: Desk,
    key: SigningKey,
    serial: u32,
}

fn fixture() -> Fixture {
    let home = TempDir::new().unwrap();
    let (desk, key, record) = tessera_tests::desk_with_badge(home.path());
    Fixture {
        _home: home,
        desk,
        key,
        serial: record.serial,
    }
}

impl Fixture {
    fn export(&self, format: ExportFormat) -> Vec<u8> {
        self.desk
            .export(self.serial, format, Some(&self.key))
            .unwrap()
    }
    fn check(&self, input: &[u8]) -> Report {
        self.desk.check(input, None, None).unwrap()
    }
}

/// What a verdict says, without the note on how the input came.
fn essence(v: &Report) -> (Verdict, Option<u32>, String) {
    let reason = v.reason.split(" (").next().unwrap_or_default().to_string();
    (v.verdict, v.badge.as_ref().map(|b| b.serial), reason)
}

fn scan_png(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

#[test]
fn every_input_path_gives_the_same_verdict_before_and_after_revocation() {
    let f = fixture();
    let paths = [
        ExportFormat::Cbor,
        ExportFormat::Ndef,
        ExportFormat::QrText,
        ExportFormat::BakedPng,
        ExportFormat::VcJwt,
        ExportFormat::Ob3Json,
    ];
    let files: Vec<(ExportFormat, Vec<u8>)> = paths.iter().map(|&p| (p, f.export(p))).collect();
    let qr_scanned = scan_png(&f.export(ExportFormat::QrPng));
    let first = essence(&f.check(&files[0].1));
    assert_eq!(first.0, Verdict::Valid, "{first:?}");
    for (format, bytes) in &files {
        assert_eq!(essence(&f.check(bytes)), first, "{format:?}");
    }
    assert_eq!(
        essence(&f.check(qr_scanned.as_bytes())),
        first,
        "scanned QR PNG"
    );
    // The SVG is the same code for print.
    let svg = String::from_utf8(f.export(ExportFormat::QrSvg)).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"));

    // Revoked later: every file exported before now says REVOKED.
    let mut desk = Desk::open(f.desk.home()).unwrap();
    desk.revoke(
        &desk.unlock(&mut || None).unwrap(),
        f.serial,
        "exam misconduct",
    )
    .unwrap();
    let revoked = essence(&desk.check(&files[0].1, None, None).unwrap());
    assert_eq!(revoked.0, Verdict::Revoked);
    for (format, bytes) in &files {
        assert_eq!(
            essence(&desk.check(bytes, None, None).unwrap()),
            revoked,
            "{format:?}"
        );
    }
    // And it is no longer exported for sharing.
    let err = desk
        .export(f.serial, ExportFormat::VcJwt, Some(&f.key))
        .unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");
}

#[test]
fn exports_are_the_exact_card_bytes_and_the_baked_png_is_a_picture() {
    let f = fixture();
    let cose = f.export(ExportFormat::Cbor);
    assert_eq!(
        f.export(ExportFormat::Ndef),
        f.desk.card_image(f.serial).unwrap()
    );
    let text = String::from_utf8(f.export(ExportFormat::QrText)).unwrap();
    assert_eq!(tessera_desk::qr::from_text(&text).unwrap(), cose);
    let png_bytes = f.export(ExportFormat::BakedPng);
    let jwt = String::from_utf8(f.export(ExportFormat::VcJwt)).unwrap();
    // The baked image carries the signed JSON credential, the ob3-json
    // export (dated at the badge's issue, so every export is the same).
    let baked = share::unbake(&png_bytes).unwrap();
    let json = String::from_utf8(f.export(ExportFormat::Ob3Json)).unwrap();
    assert_eq!(baked, json.trim());
    let vc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(vc["proof"][0]["cryptosuite"], "eddsa-rdfc-2022");
    // baked-png-jwt carries the VC-JWT: the same token (Ed25519 is
    // deterministic, and the credential does not change).
    let baked_jwt = share::unbake(&f.export(ExportFormat::BakedPngJwt)).unwrap();
    assert_eq!(baked_jwt, jwt.trim());
    let decoder = png::Decoder::new(std::io::Cursor::new(&png_bytes));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (512, 512));
    let chunk = &info.utf8_text[0];
    assert_eq!(chunk.keyword, "openbadgecredential");
    assert!(!chunk.compressed, "OB 3.0 baking is uncompressed");
    // The compact badge inside the credential is the card's badge.
    let vc = share::verify_jwt(&jwt, &f.desk.trust_store().unwrap().0).unwrap();
    assert_eq!(share::compact_badge(&vc.credential).unwrap(), cose);
}

#[test]
fn private_badges_are_not_shared_but_still_go_on_cards() {
    let f = fixture();
    f.desk.set_private(f.serial, true).unwrap();
    for format in FORMATS.map(|i| i.format) {
        let r = f.desk.export(f.serial, format, Some(&f.key));
        if format.is_for_sharing() {
            let e = r.unwrap_err().to_string();
            assert!(e.contains("private") && e.contains("ledger private"), "{e}");
        } else {
            assert!(r.is_ok(), "{format:?}");
        }
    }
    // A credential needs the key that signed the badge.
    f.desk.set_private(f.serial, false).unwrap();
    let other = SigningKey::from_seed([9; 32]).unwrap();
    let e = f
        .desk
        .export(f.serial, ExportFormat::VcJwt, Some(&other))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unlock that key"), "{e}");
}

/// Re-sign a JWT's header and payload as given with `key` (EdDSA).
fn resign(header: &serde_json::Value, payload: &str, key: &SigningKey) -> String {
    let signing_input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(payload));
    let sig = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", B64.encode(sig.as_bytes()))
}

#[test]
fn bad_shared_files_get_specific_errors() {
    let f = fixture();
    let jwt = String::from_utf8(f.export(ExportFormat::VcJwt)).unwrap();
    let jwt = jwt.trim();
    let parts: Vec<&str> = jwt.split('.').collect();
    let payload = String::from_utf8(B64.decode(parts[1]).unwrap()).unwrap();
    let kid = f.key.kid().to_string();
    let expect = |input: &[u8], kind: Verdict, words: &str| {
        let v = f.check(input);
        assert_eq!(v.verdict, kind, "{}", v.reason);
        assert!(v.reason.contains(words), "{:?} lacks {words:?}", v.reason);
    };

    // alg none, with and without a signature part.
    let none = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    expect(none.as_bytes(), Verdict::Forged, "unsigned (alg \"none\")");
    // Another algorithm (an HS256 MAC keyed with the public key is the
    // classic confusion attack).
    let hs = format!(
        "{}.{}.{}",
        B64.encode(format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{kid}"}}"#)),
        parts[1],
        parts[2]
    );
    expect(hs.as_bytes(), Verdict::Forged, "signed with HS256");
    // Signed by a key nobody trusts.
    let stranger = SigningKey::from_seed([7; 32]).unwrap();
    let header =
        serde_json::json!({"alg": "EdDSA", "typ": "JWT", "kid": stranger.kid().to_string()});
    let foreign = resign(&header, &payload, &stranger);
    expect(
        foreign.as_bytes(),
        Verdict::UnknownIssuer,
        "not a trusted issuer",
    );
    // Payload altered under the real header and signature.
    let altered = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(payload.replace("Rust Fundamentals", "Rust Grandmaster")),
        parts[2]
    );
    expect(
        altered.as_bytes(),
        Verdict::Forged,
        "does not match its contents",
    );
    // The issuer's own key signing a JSON that contradicts the compact
    // badge inside (someone with the key cannot relabel a badge either).
    let header = serde_json::json!({"alg": "EdDSA", "typ": "JWT", "kid": kid});
    let relabelled = resign(
        &header,
        &payload.replace("Rust Fundamentals", "Rust Grandmaster"),
        &f.key,
    );
    // (The name is the first field rebuilt from the badge: the
    // description, criteria, type and image may come from the issuer's
    // catalogue, which a verifier cannot rebuild.)
    expect(
        relabelled.as_bytes(),
        Verdict::Forged,
        "credentialSubject.achievement.name does not match its signed badge",
    );
    // Signed JSON edited: its Data Integrity proof no longer holds, though
    // the compact badge inside still verifies.
    let json = String::from_utf8(f.export(ExportFormat::Ob3Json)).unwrap();
    let edited = json.replace("2031-07-01T00:00:00Z", "2099-01-01T00:00:00Z");
    assert_ne!(edited, json);
    expect(
        edited.as_bytes(),
        Verdict::Forged,
        "Data Integrity proof does not match its contents",
    );
    // The same edit with the proof taken off: judged on the badge inside.
    let mut unsigned: serde_json::Value = serde_json::from_str(&edited).unwrap();
    unsigned.as_object_mut().unwrap().remove("proof");
    expect(
        unsigned.to_string().as_bytes(),
        Verdict::Forged,
        "validUntil does not match",
    );
    // JSON without the compact badge (and without its proof).
    let mut vc: serde_json::Value = serde_json::from_str(&json).unwrap();
    vc["evidence"] = serde_json::json!([]);
    vc.as_object_mut().unwrap().remove("proof");
    expect(
        vc.to_string().as_bytes(),
        Verdict::Unreadable,
        "carries no Tessera compact badge",
    );
    // A PNG that is just a picture.
    let qr_png = f.export(ExportFormat::QrPng);
    expect(
        &qr_png,
        Verdict::Unreadable,
        "no `openbadgecredential` chunk",
    );
    assert_eq!(
        share::unbake(&qr_png),
        Err(share::SharedError::PngNoCredential.into())
    );
    // A baked PNG cut short.
    let baked = f.export(ExportFormat::BakedPng);
    expect(
        &baked[..baked.len() / 2],
        Verdict::Unreadable,
        "cannot be read",
    );
    // QR text cut short.
    let qr = String::from_utf8(f.export(ExportFormat::QrText)).unwrap();
    let qr = qr.trim();
    expect(
        &qr.as_bytes()[..qr.len() - 30],
        Verdict::Unreadable,
        "damaged or incomplete",
    );
    // A JWT with a broken header.
    expect(
        b"eyJhbGciOi.e30.AAAA",
        Verdict::Unreadable,
        "header is not base64url JSON",
    );
}

#[test]
fn the_ledger_screen_exports_every_format_to_the_exports_folder() {
    use tessera::ui::{Effect, Message, Runtime};
    let f = fixture();
    let home = f.desk.home().to_path_buf();
    let mut rt = Runtime::new(Desk::open(&home).unwrap(), None);
    for format in FORMATS.map(|i| i.format) {
        let msg = rt.execute(Effect::Export(f.serial, format));
        if format == ExportFormat::QrTerminal {
            let Some(Message::ShowQr(q)) = msg else {
                panic!("{msg:?}")
            };
            assert!(q.contains('█') || q.contains('▀'));
            continue;
        }
        let Some(Message::Info(text)) = msg else {
            panic!("{format:?}: {msg:?}")
        };
        let path = home
            .join("exports")
            .join(format!("badge-{}.{}", f.serial, format.extension()));
        assert!(text.contains(&path.display().to_string()), "{text}");
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes, f.export(format), "{format:?}");
    }
}

#[test]
fn a_png_claiming_a_huge_picture_is_refused_before_allocating() {
    // Found by the shared_file fuzz target: a header of 5,308,672 × 512
    // RGB pixels made the reader allocate 8 GB for the image.
    let f = fixture();
    let mut png_bytes = f.export(ExportFormat::BakedPng);
    // IHDR data starts at byte 16: width, height (big-endian), then the CRC
    // at 29..33, which must be fixed for the reader to go on.
    png_bytes[16..20].copy_from_slice(&0x0051_0100u32.to_be_bytes());
    let crc = crc32(&png_bytes[12..29]);
    png_bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    let err = share::unbake(&png_bytes).unwrap_err();
    assert!(
        err.to_string().contains("far more than a badge image"),
        "{err}"
    );
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn checking_many_files_at_once_gives_each_the_verdict_it_gets_alone() {
    let f = fixture();
    let mut desk = Desk::open(f.desk.home()).unwrap();
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for i in 0..70u32 {
        let r = desk
            .issue(
                &f.key,
                &IssueRequest {
                    recipient: format!("c{i}@example.org"),
                    achievement: "RUST-101".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        let format = FORMATS[(i % 9) as usize].format;
        let mut bytes = desk.export(r.serial, format, Some(&f.key)).unwrap();
        if i % 11 == 0 && format == ExportFormat::Cbor {
            let n = bytes.len();
            bytes[n - 1] ^= 1; // forged
        }
        inputs.push(bytes);
        if i % 13 == 0 {
            desk.revoke(&desk.unlock(&mut || None).unwrap(), r.serial, "test")
                .unwrap();
        }
    }
    inputs.push(b"not a badge".to_vec());
    let refs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
    let many = desk.check_many(&refs).unwrap();
    assert_eq!(many.len(), refs.len());
    let mut kinds = std::collections::BTreeSet::new();
    for (i, (input, v)) in refs.iter().zip(&many).enumerate() {
        assert_eq!(v, &desk.check(input, None, None).unwrap(), "input {i}");
        kinds.insert(format!("{:?}", v.verdict));
    }
    assert!(kinds.len() >= 4, "{kinds:?}");
}

#[test]
fn a_credential_must_say_exactly_what_its_badge_says_and_come_from_its_issuer() {
    let f = fixture();
    let expect = |desk: &Desk, input: &[u8], kind: Verdict, words: &str| {
        let v = desk.check(input, None, None).unwrap();
        assert_eq!(v.verdict, kind, "{}", v.reason);
        assert!(v.reason.contains(words), "{:?} lacks {words:?}", v.reason);
    };
    let json = String::from_utf8(f.export(ExportFormat::Ob3Json)).unwrap();
    let mut vc: serde_json::Value = serde_json::from_str(&json).unwrap();
    expect(
        &f.desk,
        json.as_bytes(),
        Verdict::Valid,
        "Data Integrity proof checked",
    );
    // Without its proof: valid on the badge inside, and it names every
    // field the badge cannot vouch for.
    vc.as_object_mut().unwrap().remove("proof");
    expect(
        &f.desk,
        vc.to_string().as_bytes(),
        Verdict::Valid,
        "not signed, so not vouched for: the recipient identifier",
    );
    let mut described = vc.clone();
    described["credentialSubject"]["achievement"]["description"] = "Anything at all.".into();
    described["credentialStatus"] =
        serde_json::json!({"id": "https://x.example/1#1", "type": "BitstringStatusListEntry"});
    let v = f
        .desk
        .check(described.to_string().as_bytes(), None, None)
        .unwrap();
    for field in [
        "the recipient identifier",
        "the description",
        "the revocation list entry",
    ] {
        assert!(v.reason.contains(field), "{field}: {}", v.reason);
    }
    // Whatever contradicts the badge inside is refused, unsigned or signed
    // anew with the issuer's own key (a key cannot relabel a badge).
    let contradicts = |changed: &serde_json::Value, words: &str| {
        expect(
            &f.desk,
            changed.to_string().as_bytes(),
            Verdict::Forged,
            words,
        );
        let signed = share::sign_credential(changed, &f.key, 1_780_000_000).unwrap();
        expect(
            &f.desk,
            signed.to_string().as_bytes(),
            Verdict::Forged,
            words,
        );
    };
    // An added field, a field of the wrong type, a changed evidence entry.
    let mut added = vc.clone();
    added["credentialSubject"]["achievement"]["tag"] = serde_json::json!(["level 5"]);
    contradicts(&added, "credentialSubject.achievement.tag does not match");
    // A date that is no date: unsigned, it contradicts the badge; signed,
    // the proof's own reading of its dates refuses it first.
    let mut typed = vc.clone();
    typed["validUntil"] = serde_json::json!(1_999_999_999);
    expect(
        &f.desk,
        typed.to_string().as_bytes(),
        Verdict::Forged,
        "validUntil does not match",
    );
    // The desk will not sign it (what no verifier accepts is not signed);
    // the verdict on one signed elsewhere is tested in tessera-ld's
    // `refusals` (a proof made without this check).
    let refused = share::sign_credential(&typed, &f.key, 1_780_000_000)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("signed validUntil is \"1999999999\", not an RFC 3339 date"),
        "{refused}"
    );
    let mut missing = vc.clone();
    missing.as_object_mut().unwrap().remove("validUntil");
    contradicts(&missing, "validUntil does not match");
    let mut evidence = vc.clone();
    evidence["evidence"][0]["name"] = serde_json::json!("Signed by the dean");
    contradicts(&evidence, "evidence[0].name does not match");

    // Another trusted issuer signs this badge's credential: as it stands
    // (the proof's key is not the issuer's), and with itself as issuer
    // (the proof is not by the badge's issuer).
    let other = SigningKey::from_seed([5; 32]).unwrap();
    f.desk
        .trust_add(
            tessera_desk::keyfile::jwk(&other.public_key()).as_bytes(),
            "Other center",
        )
        .unwrap();
    let by_other = share::sign_credential(&vc, &other, 1_780_000_000).unwrap();
    expect(
        &f.desk,
        by_other.to_string().as_bytes(),
        Verdict::Forged,
        "it was signed by someone else",
    );
    let mut claimed = vc.clone();
    claimed["issuer"]["id"] = share::did_key(&other.public_key()).into();
    let claimed = share::sign_credential(&claimed, &other, 1_780_000_000).unwrap();
    expect(
        &f.desk,
        claimed.to_string().as_bytes(),
        Verdict::Forged,
        "not by the issuer of the badge inside it",
    );

    // Another trusted issuer re-wraps this badge in a VC-JWT of its own.
    let jwt = String::from_utf8(f.export(ExportFormat::VcJwt)).unwrap();
    let payload = jwt.trim().split('.').nth(1).unwrap();
    let payload = String::from_utf8(B64.decode(payload).unwrap()).unwrap();
    let header = serde_json::json!({"alg": "EdDSA", "typ": "JWT", "kid": other.kid().to_string()});
    let rewrapped = resign(&header, &payload, &other);
    expect(
        &f.desk,
        rewrapped.as_bytes(),
        Verdict::Forged,
        "not by the issuer of the badge inside",
    );
    // The right signer, but registered claims of another badge.
    let header = serde_json::json!({"alg": "EdDSA", "typ": "JWT", "kid": f.key.kid().to_string()});
    let mut claims: serde_json::Value = serde_json::from_str(&payload).unwrap();
    claims["jti"] = serde_json::json!("urn:tessera:badge:00000000:999");
    let wrong_jti = resign(&header, &claims.to_string(), &f.key);
    expect(
        &f.desk,
        wrong_jti.as_bytes(),
        Verdict::Forged,
        "claims disagree with its credential: its claim `jti`",
    );
}

#[test]
fn a_demo_badge_without_a_kid_is_still_labelled_demo() {
    let f = fixture();
    let sub = tessera_core::Subject::commit(&tessera_core::Salt::from([1; 10]), "ada@example.org");
    let claims = tessera_core::BadgeClaims::new(sub.as_str(), 4242, 1_790_000_000, "RS-1");
    let mut payload = [0u8; 256];
    let n = claims.encode(&mut payload).unwrap();
    let mut out = [0u8; 512];
    // Protected header {1: -8}: EdDSA, no kid.
    let len = tessera_core::cose::sign1(
        &[0xa1, 0x01, 0x27],
        &[0xa0],
        &payload[..n],
        &f.key,
        &mut out,
    )
    .unwrap();
    let v = f.check(&out[..len]);
    assert_eq!(v.verdict, Verdict::Valid, "{}", v.reason);
    assert!(v.demo && v.reason.starts_with("DEMO badge"), "{v:?}");
}

#[test]
fn the_keys_screen_gets_fresh_lists_after_a_trust_change() {
    use tessera::ui::{Effect, Message, Runtime};
    let f = fixture();
    let file = f.desk.home().join("partner.jwk");
    let partner = SigningKey::from_seed([6; 32]).unwrap();
    std::fs::write(&file, tessera_desk::keyfile::jwk(&partner.public_key())).unwrap();
    let mut rt = Runtime::new(Desk::open(f.desk.home()).unwrap(), None);
    let msg = rt.execute(Effect::AddTrust(
        file.display().to_string(),
        "Partner".into(),
    ));
    assert!(
        matches!(msg, Some(Message::Info(ref t)) if t.contains("now trusting Partner")),
        "{msg:?}"
    );
    let Ok(Message::KeysLoaded(_, trusted, _, _)) = rt.rx.try_recv() else {
        panic!("no fresh key lists")
    };
    assert_eq!(trusted.len(), 1);
    rt.execute(Effect::RemoveTrust(partner.kid().to_string()));
    let Ok(Message::KeysLoaded(_, trusted, _, _)) = rt.rx.try_recv() else {
        panic!("no fresh key lists")
    };
    assert!(trusted.is_empty());
}

/// An issue request with every field, through issuing, verifying and the
/// Open Badges export; the Issue screen's preview has the issued size.
#[test]
fn a_request_with_every_field_round_trips_and_the_preview_is_the_issued_size() {
    let home = TempDir::new().unwrap();
    let mut desk = Desk::open_or_demo(home.path()).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let req = IssueRequest {
        recipient: "ada@example.org".into(),
        achievement: "RUST-201".into(),
        title: Some("Rust Systems Programming".into()),
        profile: Some(tessera_core::Profile::Standard),
        display_name: Some("Ada L.".into()),
        expires: Some("2099-06-30".into()),
        evidence: Some("https://example.org/evidence/201".into()),
        level: Some(7),
        private: false,
    };
    let issuer = desk.issuer().unwrap();
    let serial = desk.next_serial().unwrap();
    let preview = tessera_desk::issue::preview(
        &req,
        &issuer.name,
        serial,
        tessera_desk::Clock::System.now(),
    )
    .unwrap();
    let record = desk.issue(&key, &req).unwrap();
    assert_eq!(record.serial, serial);
    assert_eq!(preview.bytes.len(), record.cose.len());
    assert_eq!(
        preview.card_image_len,
        tessera_core::ndef::card_image_len(record.cose.len())
    );
    // Everything asked for is signed.
    let mut trust: tessera_core::TrustStore = tessera_core::TrustStore::new();
    trust.add(key.public_key()).unwrap();
    let badge = tessera_core::verify(&record.cose, &trust, None, None).unwrap();
    let c = &badge.claims;
    assert_eq!(c.achievement_id, "RUST-201");
    assert_eq!(c.achievement_name, Some("Rust Systems Programming"));
    assert_eq!(c.display_name, Some("Ada L."));
    assert_eq!(c.evidence, Some("https://example.org/evidence/201"));
    assert_eq!(c.level, Some(7));
    assert_eq!(c.issuer, Some(issuer.name.as_str()));
    assert!(c.expires.is_some());
    // Stored in the ledger, and in the Open Badges credential.
    let row = desk.badge(serial).unwrap();
    assert_eq!(
        row.evidence.as_deref(),
        Some("https://example.org/evidence/201")
    );
    assert_eq!(row.level, Some(7));
    let json = desk
        .export(serial, ExportFormat::Ob3Json, Some(&key))
        .unwrap();
    let vc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let text = vc.to_string();
    assert!(text.contains("https://example.org/evidence/201"), "{text}");
    assert!(text.contains("level 7"), "{text}");
    // And the credential checks out to the card's verdict.
    let v = desk.check(&json, None, None).unwrap();
    assert_eq!(v.verdict, Verdict::Valid, "{}", v.reason);
    assert_eq!(v.badge.unwrap().level, Some(7));
}
