//! Open Badges 3.0 exports checked by other people's verifiers, through
//! the real `tessera` binary: Digital Bazaar's `vc` with `data-integrity`
//! and the `eddsa-rdfc-2022` cryptosuite (the code behind the DCC's
//! VerifierPlus and Learner Credential Wallet), its Bitstring Status List
//! checker, `jose` for the VC-JWT, `ajv` with the official JSON schema and
//! `jsonld` in safe mode (`tests/interop/js/check_ob3.mjs`). Their document
//! loader serves only the contexts bundled in `ld/contexts/`, the did:key
//! documents and the status list files given, so nothing reaches for the
//! network. And the other way round: 1EdTech's test vector credential, of
//! another issuer, through `tessera verify`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::tessera;

const SITE: &str = "https://badges.example.org/";

/// `node check_ob3.mjs ARGS…`: its JSON answer.
fn node(args: &[&str]) -> Value {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    common::interop_node("check_ob3.mjs", &args)
}

/// A demo desk that knows its site, with one badge.
fn desk_with_badge() -> TempDir {
    let home = TempDir::new().unwrap();
    tessera(home.path())
        .args(["site", "url", SITE])
        .assert()
        .success();
    tessera(home.path())
        .args([
            "issue",
            "--recipient",
            "ana.silva@example.org",
            "--achievement",
            "AZ-900",
            "--title",
            "Azure Fundamentals",
            "--display-name",
            "Ana Silva",
            "--expires",
            "2031-07-01",
        ])
        .assert()
        .success();
    home
}

fn export(home: &Path, format: &str) -> PathBuf {
    let path = home.join(format!("badge-1.{format}"));
    tessera(home)
        .args(["export", "1", "--format", format, "--out"])
        .arg(&path)
        .assert()
        .success();
    path
}

/// `tessera verify FILE --json`: the verdict code and its reason.
fn verify(home: &Path, file: &Path) -> (String, String) {
    let out = tessera(home)
        .args(["verify", "--json"])
        .arg(file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (
        v["verdict"].as_str().unwrap().to_string(),
        v["reason"].as_str().unwrap().to_string(),
    )
}

/// The status list credential's URL and the file `tessera status-list`
/// wrote for it.
fn status_list(home: &Path, credential: &Value) -> (String, PathBuf) {
    tessera(home).arg("status-list").assert().success();
    let url = credential["credentialStatus"]["statusListCredential"]
        .as_str()
        .unwrap()
        .to_string();
    // status/KIDHEX/FIRST.json: the list of the badge's key and segment.
    let path = url.strip_prefix(SITE).unwrap().trim_start_matches('/');
    (url.clone(), home.join(path))
}

#[test]
fn an_export_verifies_in_digital_bazaars_verifier_and_one_changed_character_fails() {
    let home = desk_with_badge();
    let home = home.path();
    let file = export(home, "ob3-json");
    let text = std::fs::read_to_string(&file).unwrap();
    let credential: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(credential["proof"][0]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(
        credential["credentialStatus"]["type"],
        "BitstringStatusListEntry"
    );
    let (url, list) = status_list(home, &credential);
    assert!(url.starts_with(SITE), "{url}");
    let status = format!("{url}={}", list.display());
    let file_arg = file.to_str().unwrap();

    // Accepted as it is, its revocation entry read from the status list.
    let ok = node(&["verify", file_arg, "--status", &status]);
    assert_eq!(ok["verified"], true, "{ok}");
    assert_eq!(ok["status"]["revoked"], serde_json::json!([false]), "{ok}");
    assert_eq!(
        ok["verificationMethod"],
        credential["proof"][0]["verificationMethod"]
    );
    for context in [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ] {
        assert!(
            ok["loaded"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u == context),
            "{ok}"
        );
    }
    // The official schema, and JSON-LD expansion in safe mode (nothing dropped).
    let schema = node(&["schema", file_arg]);
    assert_eq!(schema["valid"], true, "{schema}");
    let expanded = node(&["expand", file_arg]);
    assert_eq!(expanded["expanded"], true, "{expanded}");
    assert_eq!(verify(home, &file).0, "valid");

    // One character changed anywhere: refused by both verifiers.
    let proof_value = credential["proof"][0]["proofValue"].as_str().unwrap();
    let last = proof_value.chars().last().unwrap();
    let swapped = format!(
        "{}{}",
        &proof_value[..proof_value.len() - 1],
        if last == '2' { '3' } else { '2' }
    );
    let hash = credential["credentialSubject"]["identifier"][0]["identityHash"]
        .as_str()
        .unwrap();
    let hash_changed = format!(
        "{}{}",
        &hash[..hash.len() - 1],
        if hash.ends_with('0') { '1' } else { '0' }
    );
    let until = credential["validUntil"].as_str().unwrap().to_string();
    let changes = [
        ("subject", hash.to_string(), hash_changed),
        (
            "achievement",
            "Azure Fundamentals".into(),
            "Azure Fundamentalz".into(),
        ),
        ("dates", until.clone(), until.replacen("20", "21", 1)),
        (
            "issuer name",
            "DEMO Test Center".into(),
            "DEMO Test Centre".into(),
        ),
        ("proof", proof_value.to_string(), swapped),
    ];
    for (what, from, to) in changes {
        assert!(text.contains(&from), "{what}: {from}");
        let altered = home.join(format!("altered-{}.json", what.replace(' ', "-")));
        std::fs::write(&altered, text.replacen(&from, &to, 1)).unwrap();
        let theirs = node(&["verify", altered.to_str().unwrap(), "--status", &status]);
        assert_eq!(theirs["verified"], false, "{what}: {theirs}");
        let (verdict, reason) = verify(home, &altered);
        assert_eq!(verdict, "forged", "{what}: {reason}");
        assert!(
            reason.contains("Data Integrity proof does not match its contents"),
            "{what}: {reason}"
        );
    }

    // Revoked: the published list says so to the other verifier, and the
    // rebuilt site carries the same list.
    tessera(home)
        .args(["revoke", "1", "--reason", "exam misconduct"])
        .assert()
        .success();
    let (_, list) = status_list(home, &credential);
    let revoked = node(&[
        "verify",
        file_arg,
        "--status",
        &format!("{url}={}", list.display()),
    ]);
    assert_eq!(
        revoked["status"]["revoked"],
        serde_json::json!([true]),
        "{revoked}"
    );
    assert_eq!(verify(home, &file).0, "revoked");
    let site = home.join("site");
    tessera(home)
        .args(["site", "build", "--out"])
        .arg(&site)
        .assert()
        .success();
    let published = site.join(list.strip_prefix(home).unwrap());
    let from_site = node(&[
        "verify",
        file_arg,
        "--status",
        &format!("{url}={}", published.display()),
    ]);
    assert_eq!(
        from_site["status"]["revoked"],
        serde_json::json!([true]),
        "{from_site}"
    );
}

#[test]
fn the_baked_png_carries_the_signed_credential_and_the_jwt_one_the_vc_jwt() {
    let home = desk_with_badge();
    let home = home.path();
    let json = export(home, "ob3-json");
    let baked = export(home, "baked-png");
    let (verdict, reason) = verify(home, &baked);
    assert_eq!(verdict, "valid", "{reason}");
    assert!(
        reason.contains("baked badge image, Data Integrity proof checked"),
        "{reason}"
    );
    let text = tessera_formats::shared::unbake(&std::fs::read(&baked).unwrap()).unwrap();
    assert_eq!(text.trim(), std::fs::read_to_string(&json).unwrap().trim());
    let baked_jwt = export(home, "baked-png-jwt");
    let (verdict, reason) = verify(home, &baked_jwt);
    assert_eq!(verdict, "valid", "{reason}");
    assert!(reason.contains("VC-JWT signature checked"), "{reason}");
}

#[test]
fn the_vc_jwt_verifies_with_jose_by_the_ob3_claim_mapping() {
    let home = desk_with_badge();
    let home = home.path();
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(export(home, "ob3-json")).unwrap()).unwrap();
    let jwt = export(home, "vc-jwt");
    let seen = node(&["jwt", jwt.to_str().unwrap()]);
    // The credential it carries validates against the official schema too.
    let mut carried = seen["payload"].clone();
    for claim in tessera_formats::shared::JWT_REGISTERED_CLAIMS {
        carried.as_object_mut().unwrap().remove(claim);
    }
    let carried_file = home.join("from-jwt.json");
    std::fs::write(&carried_file, carried.to_string()).unwrap();
    let schema = node(&["schema", carried_file.to_str().unwrap()]);
    assert_eq!(schema["valid"], true, "{schema}");
    assert_eq!(seen["verified"], true, "{seen}");
    let (header, claims) = (&seen["header"], &seen["payload"]);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["kid"], json["proof"][0]["verificationMethod"]);
    // The payload is the credential, the registered claims mirror it.
    assert!(claims.get("vc").is_none(), "{claims}");
    assert_eq!(claims["@context"], json["@context"]);
    assert_eq!(claims["iss"], json["issuer"]["id"]);
    assert_eq!(claims["jti"], json["id"]);
    assert_eq!(claims["sub"], json["credentialSubject"]["id"]);
    let secs = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(json[field].as_str().unwrap())
            .unwrap()
            .timestamp()
    };
    assert_eq!(claims["nbf"], secs("validFrom"));
    assert_eq!(claims["exp"], secs("validUntil"));
    for field in [
        "credentialSubject",
        "issuer",
        "validFrom",
        "validUntil",
        "evidence",
        "credentialStatus",
    ] {
        assert_eq!(claims[field], json[field], "{field}");
    }
    // The subject id says nothing of who the recipient is.
    let sub = claims["sub"].as_str().unwrap();
    assert!(
        sub.starts_with("urn:tessera:recipient:") && !sub.contains("ana"),
        "{sub}"
    );
    // A changed payload fails in jose too.
    let token = std::fs::read_to_string(&jwt).unwrap();
    let parts: Vec<&str> = token.trim().split('.').collect();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = String::from_utf8(b64.decode(parts[1]).unwrap()).unwrap();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(payload.replace("Azure Fundamentals", "Azure Architect")),
        parts[2]
    );
    let forged_file = home.join("forged.jwt");
    std::fs::write(&forged_file, forged).unwrap();
    let refused = node(&["jwt", forged_file.to_str().unwrap()]);
    assert_eq!(refused["verified"], false, "{refused}");
    assert_eq!(verify(home, &forged_file).0, "forged");
}

/// The signed credential of 1EdTech's eddsa-rdfc-2022 test vector.
fn vector_credential(dir: &Path) -> PathBuf {
    let html = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/vectors/ob3/test-vectors/linked-data-proof-ob.html"),
    )
    .unwrap();
    let start = html.find("title=\"Signed credential\">").unwrap();
    let body = &html[start..];
    let body = &body[body.find('>').unwrap() + 1..body.find("</pre").unwrap()];
    let path = dir.join("vector.json");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn another_issuers_credential_is_valid_once_its_key_is_trusted() {
    let home = TempDir::new().unwrap();
    let home = home.path();
    let vector = vector_credential(home);
    let (verdict, reason) = verify(home, &vector);
    assert_eq!(verdict, "unknown_issuer", "{reason}");
    assert!(reason.contains("not a trusted issuer here"), "{reason}");
    tessera(home)
        .args([
            "trust",
            "add",
            "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "--name",
            "Example Corp",
        ])
        .assert()
        .success();
    let out = tessera(home).arg("verify").arg(&vector).assert().success();
    let shown = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        shown.starts_with("VALID · another issuer's Open Badge"),
        "{shown}"
    );
    assert!(
        shown.contains("Teamwork") && shown.contains("Example Corp"),
        "{shown}"
    );
    // Altered, it is refused.
    let text = std::fs::read_to_string(&vector).unwrap();
    std::fs::write(&vector, text.replace("Teamwork Badge", "Leadership Badge")).unwrap();
    let (verdict, reason) = verify(home, &vector);
    assert_eq!(verdict, "forged", "{reason}");
}

#[test]
fn credentials_naming_unbundled_contexts_or_undefined_terms_are_refused_by_name() {
    let home = desk_with_badge();
    let home = home.path();
    let text = std::fs::read_to_string(export(home, "ob3-json")).unwrap();
    let cases = [
        (
            text.replace(
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                "https://example.org/evil-context.json",
            ),
            "unreadable",
            "not one of the bundled contexts",
        ),
        (
            text.replacen("\"humanCode\"", "\"grade\": \"A+\", \"humanCode\"", 1),
            "unreadable",
            "\"grade\", which none of its contexts defines",
        ),
        (
            text.replace("\"assertionMethod\"", "\"authentication\""),
            "unreadable",
            "purpose \"authentication\"",
        ),
    ];
    for (i, (input, verdict, words)) in cases.into_iter().enumerate() {
        let file = home.join(format!("case-{i}.json"));
        std::fs::write(&file, input).unwrap();
        let (v, reason) = verify(home, &file);
        assert_eq!(v, verdict, "{reason}");
        assert!(reason.contains(words), "{reason} lacks {words}");
    }
}

/// The staff member's way: F5, the badge, `e` then `o` in the real
/// terminal; the file the desk writes is what Digital Bazaar's verifier
/// accepts.
#[test]
fn the_ledger_screen_exports_a_credential_other_verifiers_accept() {
    let home = desk_with_badge();
    let home = home.path();
    let bin = env!("CARGO_BIN_EXE_tessera");
    let cmd = format!("TESSERA_HOME={} {bin}", home.display());
    let s = common::Session::start("tessera-ob3", 110, 30, &cmd);
    s.wait_for("F1 Issue");
    s.keys(&["F5"]);
    s.wait_for("ana.silva@example.org");
    s.keys(&["e"]);
    s.wait_for("o OB 3.0 JSON");
    s.keys(&["o"]);
    let screen = s.wait_for("badge-1.ob3.json");
    println!("{screen}");
    s.quit();
    let file = home.join("exports").join("badge-1.ob3.json");
    let (url, list) = status_list(
        home,
        &serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap(),
    );
    let ok = node(&[
        "verify",
        file.to_str().unwrap(),
        "--status",
        &format!("{url}={}", list.display()),
    ]);
    assert_eq!(ok["verified"], true, "{ok}");
}

#[test]
fn jose_finds_our_vc_jwts_key_in_our_jwk_set() {
    let home = desk_with_badge();
    let home = home.path();
    let jwt = export(home, "vc-jwt");
    let keys = home.join("keys.jwks");
    tessera(home)
        .args(["trust", "export", "--format", "jwks", "--out"])
        .arg(&keys)
        .assert()
        .success();
    let seen = node(&[
        "jwks",
        jwt.to_str().unwrap(),
        "--jwks",
        keys.to_str().unwrap(),
    ]);
    assert_eq!(seen["verified"], true, "{seen}");
    assert!(
        seen["header"]["kid"]
            .as_str()
            .unwrap()
            .starts_with("did:key:z6Mk"),
        "{seen}"
    );
    // A set without the key (another desk's) finds none.
    let other = TempDir::new().unwrap();
    let theirs = other.path().join("theirs.jwks");
    tessera(other.path())
        .args(["trust", "export", "--format", "jwks", "--out"])
        .arg(&theirs)
        .assert()
        .success();
    let seen = node(&[
        "jwks",
        jwt.to_str().unwrap(),
        "--jwks",
        theirs.to_str().unwrap(),
    ]);
    assert_eq!(seen["verified"], false, "{seen}");
}

/// The `statusListIndex` of each credential, the list it names, and the
/// list's file under `home`.
fn status_place(home: &Path, credential: &Value) -> (u32, String, PathBuf) {
    let status = &credential["credentialStatus"];
    let url = status["statusListCredential"].as_str().unwrap().to_string();
    let index = status["statusListIndex"].as_str().unwrap().parse().unwrap();
    let path = home.join(url.strip_prefix(SITE).unwrap());
    (index, url, path)
}

#[test]
fn bitstring_indexes_hide_the_order_of_issue_and_old_exports_still_check() {
    use tessera_desk::{Desk, ExportFormat, IssueRequest};
    let home = TempDir::new().unwrap();
    let home = home.path();
    let mut desk = Desk::open_or_demo(home).unwrap();
    desk.set_site_url(SITE).unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    let reqs: Vec<IssueRequest> = (0..40)
        .map(|i| IssueRequest {
            recipient: format!("c{i}@example.org"),
            achievement: "AZ-900".into(),
            ..IssueRequest::default()
        })
        .collect();
    desk.set_mail_queue(false).unwrap();
    desk.issue_many(&key, &reqs, &mut |_| true).unwrap();
    let credential = |serial: u32| -> Value {
        serde_json::from_slice(
            &desk
                .export(serial, ExportFormat::Ob3Json, Some(&key))
                .unwrap(),
        )
        .unwrap()
    };
    let places: Vec<(u32, String, PathBuf)> = (1..=40)
        .map(|s| status_place(home, &credential(s)))
        .collect();
    // One list for the segment, named by key and first serial; indexes
    // distinct, not the serials, in no rising order.
    let kid = hex::encode(key.kid().as_bytes());
    assert!(
        places
            .iter()
            .all(|p| p.1 == format!("{SITE}status/{kid}/1.json"))
    );
    let indexes: Vec<u32> = places.iter().map(|p| p.0).collect();
    let distinct: std::collections::HashSet<u32> = indexes.iter().copied().collect();
    assert_eq!(distinct.len(), 40);
    assert!(indexes.windows(2).any(|w| w[0] > w[1]), "{indexes:?}");
    assert!(indexes.iter().zip(1..).filter(|(i, s)| *i == s).count() < 2);
    // Exporting again gives the same place (it is in signed credentials).
    assert_eq!(status_place(home, &credential(7)).0, indexes[6]);

    // An export from before the segment lists: the serial as index, in
    // the key's old list (signed here as that version signed it).
    let legacy_url = format!("{SITE}status/{kid}.json");
    let record = desk.badge(7).unwrap();
    let (trust, _) = desk.trust_store().unwrap();
    let badge = tessera_core::verify(&record.cose, &trust, None, None).unwrap();
    let old = tessera_desk::share::sign_credential(
        &tessera_desk::share::credential(&tessera_desk::share::CredentialInput {
            cose: &record.cose,
            badge: &badge,
            issuer_name: "DEMO Test Centre",
            identity: None,
            achievement: None,
            status_list: Some((&legacy_url, 7)),
        }),
        &key,
        badge.claims.issued_at,
    )
    .unwrap();
    let old_file = home.join("old-export.json");
    std::fs::write(&old_file, serde_json::to_vec(&old).unwrap()).unwrap();

    // Exported before the revocation (a revoked badge is not shared).
    for serial in [6u32, 7, 8] {
        let file = home.join(format!("c{serial}.json"));
        std::fs::write(&file, serde_json::to_vec(&credential(serial)).unwrap()).unwrap();
    }

    // Badge 7 revoked: the Digital Bazaar checker reads it revoked from its
    // permuted entry, its neighbours not, and the old export from the old list.
    let keys = desk.unlock(&mut || None).unwrap();
    desk.revoke(&keys, 7, "exam misconduct").unwrap();
    let list_file = &places[0].2;
    let encoded: Value = serde_json::from_slice(&std::fs::read(list_file).unwrap()).unwrap();
    let encoded = encoded["credentialSubject"]["encodedList"]
        .as_str()
        .unwrap();
    let gz = base64::Engine::decode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        encoded.strip_prefix('u').unwrap(),
    )
    .unwrap();
    let mut bits = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz.as_slice()), &mut bits)
        .unwrap();
    assert!(bits.len() * 8 >= 131_072, "{} entries", bits.len() * 8);
    let set: Vec<usize> = (0..bits.len() * 8)
        .filter(|i| bits[i / 8] & (0x80 >> (i % 8)) != 0)
        .collect();
    assert_eq!(
        set,
        vec![indexes[6] as usize],
        "only badge 7's entry is set"
    );
    for (serial, want) in [(7u32, true), (6, false), (8, false)] {
        let file = home.join(format!("c{serial}.json"));
        let seen = node(&[
            "verify",
            file.to_str().unwrap(),
            "--status",
            &format!("{}={}", places[0].1, list_file.display()),
        ]);
        assert_eq!(
            seen["status"]["revoked"],
            serde_json::json!([want]),
            "badge {serial}: {seen}"
        );
    }
    let legacy_file = home.join(format!("status/{kid}.json"));
    let seen = node(&[
        "verify",
        old_file.to_str().unwrap(),
        "--status",
        &format!("{legacy_url}={}", legacy_file.display()),
    ]);
    assert_eq!(seen["verified"], true, "{seen}");
    assert_eq!(
        seen["status"]["revoked"],
        serde_json::json!([true]),
        "{seen}"
    );
}

#[test]
fn a_foreign_credentials_dates_are_read_as_its_proof_signs_them() {
    use serde_json::json;
    let home = TempDir::new().unwrap();
    let home = home.path();
    let key = tessera_core::SigningKey::from_seed([9; 32]).unwrap();
    let public = key.public_key();
    let did = tessera_ld::did::did_key(&public);
    let method = tessera_ld::did::verification_method(&public);
    tessera(home)
        .args(["trust", "add", &method, "--name", "Foreign Center"])
        .assert()
        .success();
    let credential = |valid_from: Value, valid_until: Option<Value>| {
        let mut c = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:example:foreign:1",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": did, "type": ["Profile"], "name": "Foreign Center"},
            "validFrom": valid_from,
            "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                "id": "urn:example:a", "type": ["Achievement"], "name": "Welding",
                "description": "Welds.", "criteria": {"narrative": "Weld."}}}
        });
        if let Some(until) = valid_until {
            c["validUntil"] = until;
        }
        // Signed from its parts: `tessera_ld::sign` refuses a date given
        // twice.
        c["proof"] = json!([common::proof_of(&c, &key)]);
        c
    };
    let past = "2021-01-01T00:00:00Z";
    let future = "2099-01-01T00:00:00Z";
    let typed =
        |t: &str| json!({"@value": t, "@type": "http://www.w3.org/2001/XMLSchema#dateTime"});
    let cases = [
        // The plain form, for reference, then the same RDF written otherwise.
        (
            "validUntil as a string",
            credential(json!("2020-06-01T00:00:00Z"), Some(json!(past))),
            "expired",
            "expired on",
        ),
        (
            "validUntil as a value object",
            credential(json!("2020-06-01T00:00:00Z"), Some(typed(past))),
            "expired",
            "expired on",
        ),
        (
            "validUntil in an array",
            credential(json!("2020-06-01T00:00:00Z"), Some(json!([past]))),
            "expired",
            "expired on",
        ),
        (
            "validFrom as a value object",
            credential(typed(future), None),
            "expired",
            "not valid yet",
        ),
        (
            "two validUntil",
            credential(json!("2020-06-01T00:00:00Z"), Some(json!([past, future]))),
            "unreadable",
            "given 2 times",
        ),
    ];
    for (what, signed, want, words) in cases {
        let file = home.join("foreign.json");
        std::fs::write(&file, serde_json::to_vec(&signed).unwrap()).unwrap();
        let (verdict, reason) = verify(home, &file);
        assert_eq!(verdict, want, "{what}: {reason}");
        assert!(reason.contains(words), "{what}: {reason}");
        // Digital Bazaar's verifier does not accept it either.
        let theirs = node(&["verify", file.to_str().unwrap()]);
        assert_eq!(theirs["verified"], false, "{what}: {theirs}");
    }
    // A current one, for contrast: VALID by both, named by the trust list.
    let file = home.join("current.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&credential(
            json!("2020-06-01T00:00:00Z"),
            Some(json!(future)),
        ))
        .unwrap(),
    )
    .unwrap();
    let (verdict, reason) = verify(home, &file);
    assert_eq!(verdict, "valid", "{reason}");
    assert!(reason.contains("Foreign Center"), "{reason}");
    assert_eq!(node(&["verify", file.to_str().unwrap()])["verified"], true);
}
