//! Open Badges 3.0 credentials as the desk exports them: the Data
//! Integrity proof (`eddsa-rdfc-2022`, `tessera-ld`) next to the VC-JWT and
//! the compact COSE badge the credential carries, and where the Data
//! Integrity time goes (JSON-LD context processing, the credential's own
//! expansion, RDFC-1.0, the hashes, Ed25519).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]
// Reason: benchmark harness.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use tessera_core::{PublicKey, TrustStore};
use tessera_desk::ExportFormat;
use tessera_desk::share;

fn bench(c: &mut Criterion) {
    let home = tempfile::TempDir::new().unwrap();
    let (desk, key, record) = tessera_tests::desk_with_badge(home.path());
    desk.set_site_url("https://badges.example.org/").unwrap();
    let json = desk
        .export(record.serial, ExportFormat::Ob3Json, Some(&key))
        .unwrap();
    let jwt = desk
        .export(record.serial, ExportFormat::VcJwt, Some(&key))
        .unwrap();
    let jwt = String::from_utf8(jwt).unwrap();
    let signed: Value = serde_json::from_slice(&json).unwrap();
    let mut unsigned = signed.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let public = key.public_key();
    let trusted = |k: &PublicKey| *k == public;
    let now = 1_900_000_000;
    let mut store: TrustStore<4> = TrustStore::new();
    store.add(public).unwrap();
    eprintln!(
        "credential: {} bytes of JSON (signed), VC-JWT {} bytes, compact badge {} bytes; {} canonical statements",
        json.len(),
        jwt.trim().len(),
        record.cose.len(),
        tessera_ld::canonicalize(&unsigned).unwrap().lines().count()
    );
    // Only the contexts: what every expansion pays before the first term.
    let contexts_only = json!({"@context": signed["@context"], "id": "urn:x"});
    let options = {
        let mut p = signed["proof"][0].clone();
        p.as_object_mut().unwrap().remove("proofValue");
        p["@context"] = signed["@context"].clone();
        p
    };

    let mut g = c.benchmark_group("ob3");
    g.bench_function("data_integrity_verify", |b| {
        b.iter(|| tessera_ld::verify(black_box(&signed), &trusted, Some(now)).unwrap())
    });
    g.bench_function("data_integrity_sign", |b| {
        b.iter(|| share::sign_credential(black_box(&unsigned), &key, 1_800_000_000).unwrap())
    });
    g.bench_function("vc_jwt_verify", |b| {
        b.iter(|| share::verify_jwt(black_box(&jwt), &store).unwrap())
    });
    g.bench_function("compact_cose_verify", |b| {
        b.iter(|| {
            tessera_core::verify(black_box(&record.cose), &store, Some(1_800_000_000), None)
                .unwrap()
        })
    });
    g.bench_function("desk_check_signed_json", |b| {
        b.iter(|| desk.check(black_box(&json), None, None).unwrap())
    });
    // Where the Data Integrity verify time goes.
    g.bench_function("part_contexts_only", |b| {
        b.iter(|| tessera_ld::canonicalize(black_box(&contexts_only)).unwrap())
    });
    g.bench_function("part_canonicalize_credential", |b| {
        b.iter(|| tessera_ld::canonicalize(black_box(&unsigned)).unwrap())
    });
    g.bench_function("part_canonicalize_proof_options", |b| {
        b.iter(|| tessera_ld::canonicalize(black_box(&options)).unwrap())
    });
    let data =
        tessera_ld::proof::hash_data(&unsigned, signed["proof"][0].as_object().unwrap()).unwrap();
    let sig = key.sign(&data);
    g.bench_function("part_ed25519_verify", |b| {
        b.iter(|| public.verify(black_box(&data), &sig).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
