//! Interop both ways with independent implementations (Python `pycose`,
//! `cwt`, `PyJWT` and Pillow, see tests/interop/requirements.txt; `.ci/run`
//! installs them): badges we sign verify there given our exported COSE_Key
//! or JWK, a badge pycose signs with our claims layout verifies here, and
//! the desk's exports (VC-JWT, baked PNG, OB 3.0 JSON, .cbor) check out.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tessera_core::{CoseSign1, Error, Profile, verify};
use tessera_tests::*;

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/interop")
        .join(name)
}

fn has_modules(python: &Path) -> bool {
    Command::new(python)
        .args([
            "-c",
            "import pycose, cwt, cbor2, jwt, cryptography, PIL, ndef, token_status_list",
        ])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The Python to run the scripts with: `$TESSERA_PYTHON`, else `python3`
/// when it has the modules (CI installs them), else a virtual environment
/// made once under the target folder from tests/interop/requirements.txt,
/// so `cargo test` alone works on a fresh machine.
fn python_exe() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        if let Some(p) = std::env::var_os("TESSERA_PYTHON") {
            return PathBuf::from(p);
        }
        let system = PathBuf::from("python3");
        if has_modules(&system) {
            return system;
        }
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop-venv");
        let venv_python = venv.join("bin").join("python3");
        if !has_modules(&venv_python) {
            eprintln!("setting up {} with pycose and cwt (once)", venv.display());
            let ok = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success())
                && Command::new(&venv_python)
                    .args(["-m", "pip", "install", "--quiet", "-r"])
                    .arg(script("requirements.txt"))
                    .status()
                    .is_ok_and(|s| s.success());
            assert!(
                ok && has_modules(&venv_python),
                "could not set up Python with pycose and cwt; run `pip install -r tests/interop/requirements.txt` or set TESSERA_PYTHON"
            );
        }
        venv_python
    })
}

fn python(args: &[&dyn AsRef<std::ffi::OsStr>]) -> std::process::Output {
    let mut cmd = Command::new(python_exe());
    for a in args {
        cmd.arg(a);
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run python3 ({e}); install Python 3 and `pip install -r tests/interop/requirements.txt`")
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("ModuleNotFoundError") {
        panic!(
            "Python modules missing: run `pip install -r tests/interop/requirements.txt`\n{stderr}"
        );
    }
    out
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tessera-interop-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn exported_key(dir: &Path) -> PathBuf {
    let mut buf = [0u8; 128];
    let n = issuer().public_key().to_cose_key(&mut buf).unwrap();
    write(dir, "issuer.cose_key", &buf[..n])
}

#[test]
fn our_badges_verify_with_pycose_and_cwt() {
    let dir = temp_dir("ours");
    let key = exported_key(&dir);
    let sub = subject();
    for (profile, claims) in [
        (Profile::Standard, standard_claims(&sub)),
        (Profile::Mini, mini_claims(&sub)),
    ] {
        let bytes = sign(profile, claims, &issuer());
        let badge = write(&dir, "badge.cbor", &bytes);
        let out = python(&[&script("verify_with_pycose.py"), &badge, &key]);
        assert!(
            out.status.success(),
            "{profile:?}: independent verify failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(seen["serial"], claims.serial);
        assert_eq!(seen["sub"], claims.subject);
        assert_eq!(seen["iat"], claims.issued_at);
        assert_eq!(seen["achievement_id"], claims.achievement_id);
        assert_eq!(seen["achievement_name"].as_str(), claims.achievement_name);
        assert_eq!(seen["display_name"].as_str(), claims.display_name);
        assert_eq!(seen["iss"].as_str(), claims.issuer);
        assert_eq!(seen["exp"].as_u64(), claims.expires);
    }
}

#[test]
fn tampered_badge_fails_in_pycose_too() {
    let dir = temp_dir("tampered");
    let key = exported_key(&dir);
    let mut bytes = sign(Profile::Standard, standard_claims(&subject()), &issuer());
    let pos = bytes.windows(8).position(|w| w == b"RUST-101").unwrap();
    bytes[pos + 7] = b'2';
    let badge = write(&dir, "badge.cbor", &bytes);
    let out = python(&[&script("verify_with_pycose.py"), &badge, &key]);
    assert!(!out.status.success(), "pycose accepted a tampered badge");
    assert!(String::from_utf8_lossy(&out.stderr).contains("signature does not verify"));
}

#[test]
fn pycose_badge_verifies_in_tessera_core() {
    let dir = temp_dir("theirs");
    let out_path = dir.join("pycose.cbor");
    let seed = hex::encode([1u8; 32]); // the test issuer's seed
    let out = python(&[&script("sign_with_pycose.py"), &seed, &out_path]);
    assert!(
        out.status.success(),
        "pycose signing failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&out_path).unwrap();
    // pycose put the kid in the unprotected header, which we accept.
    let message = CoseSign1::from_slice(&bytes).unwrap();
    assert_eq!(message.kid, Some(issuer().kid().as_bytes().as_slice()));
    let badge = verify(&bytes, &trust(&[&issuer()]), Some(NOW), None).unwrap();
    let c = badge.claims;
    assert_eq!(c.serial, 77);
    assert_eq!(c.achievement_id, "PY-1");
    assert_eq!(c.achievement_name, Some("Interop with pycose"));
    assert_eq!(c.level, Some(4));
    assert_eq!(c.issuer, Some("pycose Test Center"));
    assert_eq!(c.subject, "q1Jd0Yc2oQ8Fh3Wb");
    assert_eq!(c.expires, Some(EXPIRES));
    // Not signed by a trusted issuer: rejected.
    assert_eq!(
        verify(&bytes, &trust(&[&other_issuer()]), Some(NOW), None).unwrap_err(),
        Error::UnknownIssuer
    );
}

/// A desk with one issued badge, exported in every sharing format.
fn desk_exports(dir: &Path) -> (std::collections::HashMap<&'static str, PathBuf>, Vec<u8>) {
    use tessera_desk::ExportFormat;
    let (desk, key, record) = desk_with_badge(&dir.join("home"));
    let mut files = std::collections::HashMap::new();
    for (name, format) in [
        ("jwt", ExportFormat::VcJwt),
        ("png", ExportFormat::BakedPng),
        ("json", ExportFormat::Ob3Json),
        ("cbor", ExportFormat::Cbor),
        ("ndef", ExportFormat::Ndef),
        ("svg", ExportFormat::QrSvg),
    ] {
        let bytes = desk.export(record.serial, format, Some(&key)).unwrap();
        files.insert(name, write(dir, &format!("badge.{name}"), &bytes));
    }
    let public = key.public_key();
    files.insert(
        "jwk",
        write(
            dir,
            "issuer.jwk",
            tessera_desk::keyfile::jwk(&public).as_bytes(),
        ),
    );
    files.insert(
        "jwks",
        write(
            dir,
            "trust.jwks",
            tessera_desk::keyfile::jwks(&desk.trusted_keys().unwrap()).as_bytes(),
        ),
    );
    files.insert(
        "cose_key_set",
        write(
            dir,
            "trust.cose",
            &tessera_desk::keyfile::cose_key_set(&desk.trusted_keys().unwrap()).unwrap(),
        ),
    );
    files.insert(
        "cose_key",
        write(
            dir,
            "issuer.cose_key",
            &tessera_desk::keyfile::cose_key(&public).unwrap(),
        ),
    );
    (files, record.cose)
}

#[test]
fn desk_exports_verify_with_pyjwt_pillow_and_pycose() {
    let dir = temp_dir("shared");
    let (f, cose) = desk_exports(&dir);
    let out = python(&[
        &script("check_shared.py"),
        &f["jwt"],
        &f["jwk"],
        &f["png"],
        &f["json"],
    ]);
    assert!(
        out.status.success(),
        "independent check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The JSON bridge of the core gives the same values as the credential.
    let mut trust = tessera_core::TrustStore::<1>::new();
    let message = CoseSign1::from_slice(&cose).unwrap();
    let issuer_key = tessera_core::PublicKey::try_from(
        tessera_desk::keyfile::parse_public_key(&std::fs::read(&f["jwk"]).unwrap())
            .unwrap()
            .as_bytes()
            .as_slice(),
    )
    .unwrap();
    trust.add(issuer_key).unwrap();
    let badge = verify(&cose, &trust, None, None).unwrap();
    let mut buf = [0u8; 1024];
    let n = badge.summary_json(&mut buf).unwrap();
    let core: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    for vc in [&seen["jwt"], &seen["baked"], &seen["json"]] {
        assert_eq!(
            vc["id"],
            format!(
                "urn:tessera:badge:{}:{}",
                core["kid"].as_str().unwrap(),
                core["serial"]
            )
        );
        let a = &vc["credentialSubject"]["achievement"];
        assert_eq!(a["humanCode"], core["achievement_id"]);
        assert_eq!(a["name"], core["achievement_name"]);
        assert_eq!(vc["credentialSubject"]["name"], core["display_name"]);
        assert_eq!(
            vc["validFrom"],
            tessera_desk::share::rfc3339(core["issued_at"].as_u64().unwrap())
        );
        assert_eq!(
            vc["validUntil"],
            tessera_desk::share::rfc3339(core["expires"].as_u64().unwrap())
        );
        assert_eq!(vc["issuer"]["name"], core["issuer"]);
    }
    // The OB 3.0 JOSE mapping: the payload is the credential, and the
    // registered claims mirror it.
    let jwt = &seen["jwt"];
    assert_eq!(jwt["nbf"], core["issued_at"]);
    assert_eq!(jwt["exp"], core["expires"]);
    assert_eq!(jwt["iss"], jwt["issuer"]["id"]);
    assert_eq!(jwt["jti"], jwt["id"]);
    assert_eq!(jwt["sub"], jwt["credentialSubject"]["id"]);
    assert!(jwt.get("vc").is_none());
    assert_eq!(seen["baked"], seen["json"]);
    assert_eq!(message.kid.unwrap(), badge.kid.as_bytes());
    // pycose verifies the exported .cbor with the exported COSE_Key.
    let out = python(&[&script("verify_with_pycose.py"), &f["cbor"], &f["cose_key"]]);
    assert!(
        out.status.success(),
        "pycose: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_tampered_vc_jwt_fails_in_pyjwt_too() {
    let dir = temp_dir("shared-tampered");
    let (f, _) = desk_exports(&dir);
    let token = std::fs::read_to_string(&f["jwt"]).unwrap();
    let parts: Vec<&str> = token.trim().split('.').collect();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = String::from_utf8(b64.decode(parts[1]).unwrap()).unwrap();
    let forged = payload.replace("Rust Fundamentals", "Rust Grandmaster");
    assert_ne!(forged, payload);
    let token = format!("{}.{}.{}", parts[0], b64.encode(forged), parts[2]);
    let bad = write(&dir, "forged.jwt", token.as_bytes());
    let out = python(&[
        &script("check_shared.py"),
        &bad,
        &f["jwk"],
        &f["png"],
        &f["json"],
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Signature verification failed"));
}

#[test]
fn card_image_svg_and_trust_file_check_out_with_ndeflib_xml_and_pyjwt() {
    let dir = temp_dir("card-formats");
    let (f, _) = desk_exports(&dir);
    let out = python(&[
        &script("check_card_formats.py"),
        &f["ndef"],
        &f["cbor"],
        &f["svg"],
        &f["jwks"],
        &f["jwt"],
    ]);
    assert!(
        out.status.success(),
        "independent check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}

#[test]
fn our_status_lists_read_as_ietf_token_status_lists_elsewhere() {
    use tessera_desk::{Desk, IssueRequest};
    let dir = temp_dir("token-status-list");
    let home = dir.join("desk");
    let _ = std::fs::remove_dir_all(&home);
    let mut desk = Desk::open_or_demo(&home).unwrap();
    desk.set_site_url("https://badges.example.org/").unwrap();
    let key = desk.signing_key(&mut || None).unwrap();
    for i in 0..6 {
        let req = IssueRequest {
            recipient: format!("c{i}@example.org"),
            achievement: "RUST-101".into(),
            ..IssueRequest::default()
        };
        desk.issue(&key, &req).unwrap();
    }
    let keys = desk.unlock(&mut || None).unwrap();
    desk.revoke(&keys, 2, "exam misconduct").unwrap();
    desk.suspend(&keys, 5, "under investigation").unwrap();
    let kid = key.kid().to_string();
    let token = home.join(format!("status/{kid}/1.cwt"));
    let mut buf = [0u8; 128];
    let n = key.public_key().to_cose_key(&mut buf).unwrap();
    let cose_key = write(&dir, "desk.cose_key", &buf[..n]);
    let out = python(&[
        &script("check_token_status_list.py"),
        &token,
        &cose_key,
        &"0",
        &"1",
        &"3",
        &"4",
        &"5",
    ]);
    assert!(
        out.status.success(),
        "the token does not check out: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["typ"], "application/statuslist+cwt");
    assert_eq!(
        seen["sub"],
        format!("https://badges.example.org/status/{kid}/1.cwt")
    );
    assert_eq!(seen["bits"], 2);
    assert_eq!(seen["ttl"], 86_400);
    assert!(seen["exp"].as_u64().unwrap() > seen["iat"].as_u64().unwrap());
    // Serial s is index s - 1: 2 revoked (1), 5 suspended (2), the rest valid.
    let statuses = &seen["statuses"];
    assert_eq!(
        [
            &statuses["0"],
            &statuses["1"],
            &statuses["3"],
            &statuses["4"],
            &statuses["5"]
        ],
        [0, 1, 0, 2, 0]
    );
    // Reinstated: the next token says valid again.
    desk.reinstate(&keys, 5).unwrap();
    let out = python(&[
        &script("check_token_status_list.py"),
        &token,
        &cose_key,
        &"4",
    ]);
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["statuses"]["4"], 0, "{seen}");
    // A changed byte of the token fails the independent check.
    let mut bytes = std::fs::read(&token).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let bad = write(&dir, "bad.cwt", &bytes);
    let out = python(&[&script("check_token_status_list.py"), &bad, &cose_key]);
    assert!(!out.status.success());
}

#[test]
fn our_cose_key_set_names_each_key_as_our_credentials_do() {
    let dir = temp_dir("key_set");
    let (f, _) = desk_exports(&dir);
    let out = python(&[
        &script("check_key_set.py"),
        &f["cose_key_set"],
        &f["cbor"],
        &f["jwt"],
    ]);
    assert!(
        out.status.success(),
        "pycose / PyJWT with our COSE_KeySet: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Each key twice: its short kid, then its verification method.
    let kids = seen["kids"].as_array().unwrap();
    assert_eq!(kids.len() % 2, 0, "{seen}");
    assert!(kids.contains(&seen["badge_kid"]), "{seen}");
    assert!(kids.contains(&seen["jwt_kid"]), "{seen}");
    assert!(
        seen["jwt_kid"]
            .as_str()
            .unwrap()
            .starts_with("did:key:z6Mk"),
        "{seen}"
    );
    // And it reads back in Tessera as the keys, once each.
    let keys = tessera_desk::keyfile::read_trust_file(&std::fs::read(&f["cose_key_set"]).unwrap())
        .unwrap()
        .keys;
    assert_eq!(keys.len(), kids.len() / 2);
}
