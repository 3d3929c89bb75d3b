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
use tessera_desk::KeyStatuses;

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

/// The Open Badges side of the same publishing: every segment's Bitstring
/// Status List (each revoked badge's FF1 index, the 128 KiB of bits,
/// gzipped), and signing one segment's credential (Data Integrity,
/// `eddsa-rdfc-2022`), which a revocation does for its own segment only.
fn bench_bitstring(c: &mut Criterion) {
    use tessera_core::status::{SEGMENT_SERIALS, segment_of, segment_range};
    use tessera_desk::status_credential::{Indexes, credential, encode_list, segment_bits};
    let key = SigningKey::from_seed([7; 32]).unwrap();
    let now = 1_800_000_000;
    let mut group = c.benchmark_group("bitstring_lists");
    group.sample_size(10);
    for n in SIZES {
        let s = statuses(n);
        let every_list = || {
            let ix = Indexes::new(&key).unwrap();
            let mut bytes = 0;
            for segment in segment_of(1)..=segment_of(n) {
                let (first, count) = segment_range(segment, n).unwrap();
                let end = u64::from(first) + u64::from(count);
                let bits = segment_bits(
                    s.revoked
                        .iter()
                        .filter(|&&r| r >= first && u64::from(r) < end)
                        .map(|&r| ix.entry(r).index),
                );
                bytes += encode_list(&bits).unwrap().len();
            }
            bytes
        };
        eprintln!(
            "{n} badges: {} Bitstring lists, {} bytes of encodedList ({:.0} per 1,000,000 badges)",
            n.div_ceil(SEGMENT_SERIALS),
            every_list(),
            every_list() as f64 * 1e6 / f64::from(n)
        );
        group.bench_function(
            format!("index, fill and gzip every list of a key with {n} badges"),
            |b| b.iter(every_list),
        );
    }
    let encoded = encode_list(&segment_bits([5, 77, 1_000])).unwrap();
    let unsigned = credential(
        "https://badges.example.org/status/ab/1.json",
        &key,
        &encoded,
        now,
    );
    group.bench_function("sign one segment's list credential", |b| {
        b.iter(|| tessera_desk::share::sign_credential(&unsigned, &key, now).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_publish, bench_bitstring);
criterion_main!(benches);
