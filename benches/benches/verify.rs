//! Verify one badge: raw Ed25519 over the same signed bytes (the floor)
//! against the whole `tessera-core` verify (decode, trust lookup,
//! Sig_structure, signature, expiry), for each backend: `ed25519-compact`
//! (the core's default and the firmware's) and the host's `dalek`
//! arithmetic. Peers are in `peers.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]
// Reason: benchmark harness.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tessera_benches::{NOW, badge, issuer, trust};
use tessera_core::{Backend, CoseSign1, Profile, verify_with};

fn bench_verify(c: &mut Criterion) {
    let store = trust();
    for profile in [Profile::Mini, Profile::Standard] {
        let bytes = badge(profile);
        assert!(!bytes.is_empty());
        let message = CoseSign1::from_slice(&bytes).unwrap();
        let mut tbs = [0u8; 512];
        let n = message.to_be_signed(&mut tbs).unwrap();
        let tbs = &tbs[..n];
        let pk = ed25519_compact::PublicKey::new(*issuer().public_key().as_bytes());
        let sig = ed25519_compact::Signature::new(*message.signature.as_bytes());

        let mut group = c.benchmark_group(format!("verify_{}", profile.name()));
        group.bench_function("ed25519-compact raw verify (Sig_structure bytes)", |b| {
            b.iter(|| pk.verify(black_box(tbs), black_box(&sig)).unwrap())
        });
        group.bench_function("tessera-core verify (compact backend)", |b| {
            b.iter(|| {
                verify_with(
                    Backend::Compact,
                    black_box(&bytes),
                    black_box(&store),
                    Some(NOW),
                    None,
                )
                .unwrap()
            })
        });
        let dalek_pk =
            ed25519_dalek::VerifyingKey::from_bytes(issuer().public_key().as_bytes()).unwrap();
        let dalek_sig = ed25519_dalek::Signature::from_bytes(message.signature.as_bytes());
        group.bench_function(
            "ed25519-dalek raw verify_strict (Sig_structure bytes)",
            |b| {
                b.iter(|| {
                    dalek_pk
                        .verify_strict(black_box(tbs), black_box(&dalek_sig))
                        .unwrap()
                })
            },
        );
        group.bench_function("tessera-core verify (dalek backend)", |b| {
            b.iter(|| {
                verify_with(
                    Backend::Dalek,
                    black_box(&bytes),
                    black_box(&store),
                    Some(NOW),
                    None,
                )
                .unwrap()
            })
        });
        group.bench_function("tessera-core decode only", |b| {
            b.iter(|| CoseSign1::from_slice(black_box(&bytes)).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
