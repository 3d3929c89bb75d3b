//! Verify one badge: raw `ed25519-compact` over the same signed bytes (the
//! floor) against the whole `tessera-core` verify (decode, trust lookup,
//! Sig_structure, signature, expiry). Peers (coset, JWT) come with the
//! benchmarks issue; this is the honest first line.
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
use tessera_core::{CoseSign1, Profile, verify};

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
        group.bench_function("tessera-core verify", |b| {
            b.iter(|| verify(black_box(&bytes), black_box(&store), Some(NOW), None).unwrap())
        });
        group.bench_function("tessera-core decode only", |b| {
            b.iter(|| CoseSign1::from_slice(black_box(&bytes)).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
