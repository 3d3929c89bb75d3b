//! Publishing status lists at scale: every list of one issuer key whose
//! badges run from serial 1 to N (10 k, 1 M and 10 M), 0.1 % of them
//! revoked and 0.01 % suspended, signed as `revoke`, `status-list` and
//! `site build` sign them ([`KeyStatuses::sign`], after the ledger's two
//! indexed queries). Prints the lists' size per 1,000,000 badges, raw and
//! gzipped (what a static host serves), for BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]
// Reason: benchmark harness.

use std::io::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use tessera_core::SigningKey;
use tessera_tui::desk::KeyStatuses;

const SIZES: [u32; 3] = [10_000, 1_000_000, 10_000_000];

/// Every 1,000th serial revoked, every 10,000th (+1) suspended, spread
/// by a fixed stride so they land in every segment.
fn statuses(n: u32) -> KeyStatuses {
    KeyStatuses {
        range: Some((1, n)),
        revoked: (1..=n).filter(|s| s % 1000 == 7).collect(),
        suspended: (1..=n).filter(|s| s % 10_000 == 8).collect(),
        compromised_since: None,
    }
}

fn gzipped(bytes: &[u8]) -> usize {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(bytes).unwrap();
    z.finish().unwrap().len()
}

fn bench_publish(c: &mut Criterion) {
    let key = SigningKey::from_seed([7; 32]).unwrap();
    let now = 1_800_000_000;
    let mut group = c.benchmark_group("status_lists");
    group.sample_size(10);
    for n in SIZES {
        let s = statuses(n);
        let lists = s.sign(&key, now).unwrap();
        let raw: usize = lists.iter().map(Vec::len).sum();
        let gz = gzipped(&lists.concat());
        let per_million = |b: usize| b as f64 * 1e6 / f64::from(n);
        eprintln!(
            "{n} badges: {} lists, {raw} bytes ({:.0} per 1,000,000 badges), {gz} gzipped ({:.0} per 1,000,000)",
            lists.len(),
            per_million(raw),
            per_million(gz)
        );
        group.bench_function(format!("sign every list of a key with {n} badges"), |b| {
            b.iter(|| s.sign(&key, now).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_publish);
criterion_main!(benches);
