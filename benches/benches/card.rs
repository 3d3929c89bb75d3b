//! The card path on the virtual reader (pcscd + vpcd + the virtual NTAG21x
//! of `tessera_tests::vcard`): tap-to-verdict (read, parse, verify) for mini
//! and standard badges, and a verified write (write + read-back). The card
//! is already on the reader: the time a person takes to tap is not counted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]
// Reason: benchmark harness.

use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tessera_benches::{NOW, badge, trust};
use tessera_core::ndef::{card_image_len, encode_card_image};
use tessera_core::{CardType, Profile, verify_card_image};
use tessera_desk::reader::pcsc::PcscReader;
use tessera_desk::reader::{read_card, write_card};
use tessera_tests::vcard::{Config, VirtualCard};

fn image(badge: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; card_image_len(badge.len())];
    encode_card_image(badge, &mut out).unwrap();
    out
}

fn bench_card(c: &mut Criterion) {
    let Ok(reader) = PcscReader::open(Some("Virtual PCD")) else {
        eprintln!(
            "SKIPPED card benchmarks: no virtual reader (run under .ci/run, or start pcscd with vsmartcard-vpcd)"
        );
        return;
    };
    let store = trust();
    let uid = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
    let mut group = c.benchmark_group("card");
    for (profile, card_type) in [
        (Profile::Mini, CardType::Ntag213),
        (Profile::Standard, CardType::Ntag215),
    ] {
        let bytes = badge(profile);
        let img = image(&bytes);
        let mut memory = tessera_tests::vcard::factory_memory(card_type, &uid);
        memory[16..16 + img.len()].copy_from_slice(&img);
        let mut config = Config::new(card_type, uid);
        config.memory = Some(memory);
        let card = VirtualCard::insert(config).unwrap();
        let mut tag = reader
            .wait_for_card(
                Duration::from_secs(10),
                &AtomicBool::new(false),
                &mut |_| {},
            )
            .unwrap();
        group.bench_function(
            format!("read + verify, {} badge on {card_type}", profile.name()),
            |b| {
                b.iter(|| {
                    let contents = read_card(&mut tag).unwrap();
                    let verdict =
                        verify_card_image(&contents.memory, &contents.uid, &store, Some(NOW), None);
                    black_box(verdict.map(|v| v.claims.serial)).unwrap()
                })
            },
        );
        if profile == Profile::Standard {
            group.bench_function(
                format!("write + read-back, {} badge on {card_type}", profile.name()),
                |b| b.iter(|| write_card(&mut tag, black_box(&img), &mut |_, _| {}).unwrap()),
            );
        }
        drop(tag);
        drop(card.remove());
        while reader.card_present().unwrap_or(false) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench_card
}
criterion_main!(benches);
