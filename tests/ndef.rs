//! NDEF card images on NTAG213/215/216: fit, round trip, strict parsing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use proptest::prelude::*;
use tessera_core::ndef::{RECORD_TYPE, card_image_len, encode_card_image, pages, parse_card_image};
use tessera_core::sizes::{MINI_MAX_ACHIEVEMENT_ID_LEN, NTAG213_USER_BYTES};
use tessera_core::{BadgeClaims, CardType, Error, Profile, verify_card_image};
use tessera_tests::*;

fn image(badge: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; badge.len() + 32];
    let n = encode_card_image(badge, &mut out).unwrap();
    out.truncate(n);
    out
}

/// The image as it sits in a card's user memory: zeros after it.
fn memory(card: CardType, image: &[u8]) -> Vec<u8> {
    let mut mem = vec![0u8; card.user_bytes()];
    mem[..image.len()].copy_from_slice(image);
    mem
}

#[test]
fn mini_at_maximum_fits_an_ntag213_whole() {
    let sub = subject();
    let id = "X".repeat(MINI_MAX_ACHIEVEMENT_ID_LEN);
    let mut claims = BadgeClaims::new(sub.as_str(), u32::MAX, u64::from(u32::MAX), &id);
    claims.level = Some(255);
    let badge = sign(Profile::Mini, claims, &issuer());
    let img = image(&badge);
    assert!(img.len() <= NTAG213_USER_BYTES, "{} bytes", img.len());
    CardType::Ntag213.check_fits(img.len()).unwrap();
    assert_eq!(CardType::smallest_for(img.len()), Some(CardType::Ntag213));
    eprintln!(
        "mini at maximum: badge {} B, card image {} B",
        badge.len(),
        img.len()
    );
}

#[test]
fn fixtures_round_trip_through_card_memory() {
    let sub = subject();
    let uid = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
    for (profile, card) in [
        (Profile::Mini, CardType::Ntag213),
        (Profile::Standard, CardType::Ntag215),
    ] {
        let mut claims = if profile == Profile::Mini {
            mini_claims(&sub)
        } else {
            standard_claims(&sub)
        };
        if profile == Profile::Standard {
            claims.card_uid = Some(&uid);
        }
        let badge = sign(profile, claims, &issuer());
        let img = image(&badge);
        assert_eq!(img.len(), card_image_len(badge.len()));
        let mem = memory(card, &img);
        assert_eq!(parse_card_image(&mem).unwrap(), badge.as_slice());
        let verified =
            verify_card_image(&mem, &uid, &trust(&[&issuer()]), Some(NOW), None).unwrap();
        assert_eq!(verified.claims, claims);
        eprintln!(
            "{profile:?}: badge {} B, card image {} B",
            badge.len(),
            img.len()
        );
    }
}

#[test]
fn standard_badge_on_an_ntag213_names_the_card_it_needs() {
    let sub = subject();
    let badge = sign(Profile::Standard, standard_claims(&sub), &issuer());
    let img = image(&badge);
    let err = CardType::Ntag213.check_fits(img.len()).unwrap_err();
    assert_eq!(
        err,
        Error::CardTooSmall {
            needed: img.len(),
            card: CardType::Ntag213
        }
    );
    assert!(
        err.to_string()
            .contains("needs an NTAG215 card, the card on the reader is an NTAG213"),
        "{err}"
    );
    CardType::Ntag215.check_fits(img.len()).unwrap();
}

#[test]
fn capability_containers_identify_the_cards() {
    for t in CardType::ALL {
        assert_eq!(
            CardType::from_capability_container(t.capability_container()),
            Ok(t)
        );
        assert!(t.ndef_capacity() <= t.user_bytes());
        assert_eq!(usize::from(t.last_user_page() - 3) * 4, t.user_bytes());
    }
    assert_eq!(
        [CardType::Ntag213, CardType::Ntag215, CardType::Ntag216].map(CardType::ndef_capacity),
        [144, 496, 872]
    );
    assert_eq!(
        CardType::from_capability_container([0, 0, 0, 0]),
        Err(Error::UnknownCardType)
    );
    assert_eq!(
        CardType::from_capability_container([0xe1, 0x10, 0x99, 0]),
        Err(Error::UnknownCardType)
    );
    assert_eq!(
        CardType::from_capability_container([0xe1, 0x20, 0x12, 0]),
        Err(Error::UnknownCardType)
    );
}

#[test]
fn long_badges_use_the_three_byte_tlv_length() {
    let badge = vec![0xd2; 600];
    let img = image(&badge);
    assert_eq!(&img[..2], &[0x03, 0xff]);
    assert_eq!(img[4] & 0x10, 0, "long record: SR clear");
    assert_eq!(tessera_core::ndef::image_len_hint(&img), Some(img.len()));
    assert_eq!(
        tessera_core::ndef::image_len_hint(&image(b"ab")),
        Some(image(b"ab").len())
    );
    assert_eq!(tessera_core::ndef::image_len_hint(&[0x00, 0x03]), None);
    let mem = memory(CardType::Ntag216, &img);
    assert_eq!(parse_card_image(&mem).unwrap(), badge.as_slice());
    assert_eq!(CardType::smallest_for(img.len()), Some(CardType::Ntag216));
    assert_eq!(CardType::smallest_for(900), None);
}

#[test]
fn control_and_null_tlvs_before_the_message_are_skipped() {
    let img = image(b"badge");
    let mut mem = vec![0x00, 0x01, 0x03, 0xa0, 0x10, 0x44]; // NULL, Lock Control TLV
    mem.extend_from_slice(&img);
    assert_eq!(parse_card_image(&mem).unwrap(), b"badge");
}

#[test]
fn blank_and_empty_cards_are_card_empty() {
    assert_eq!(parse_card_image(&[0u8; 144]), Err(Error::CardEmpty));
    assert_eq!(
        parse_card_image(&[0x03, 0x00, 0xfe, 0, 0]),
        Err(Error::CardEmpty)
    );
    assert_eq!(parse_card_image(&[0xfe, 0, 0]), Err(Error::CardEmpty));
    assert_eq!(parse_card_image(&[]), Err(Error::CardEmpty));
}

#[test]
fn wrong_tlv_is_named_with_its_offset() {
    assert_eq!(
        parse_card_image(&[0x00, 0x42, 0x01]),
        Err(Error::NdefWrongTlv { offset: 1 })
    );
    let mut mem = image(b"badge");
    let end = mem.len() - 1;
    mem[end] = 0x42; // terminator replaced by garbage
    assert_eq!(
        parse_card_image(&mem),
        Err(Error::NdefWrongTlv { offset: end })
    );
}

#[test]
fn other_record_types_are_refused() {
    // A URI record ("https://example.org"), what most tags in the wild hold.
    let uri = [
        0x03, 0x0f, 0xd1, 0x01, 0x0b, b'U', 0x04, b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.',
        b'o', b'r', 0xfe,
    ];
    assert_eq!(parse_card_image(&uri), Err(Error::NdefWrongRecordType));
    // Our type name under another TNF (MIME).
    let mut img = image(b"badge");
    img[2] = (img[2] & !0x07) | 0x02;
    assert_eq!(parse_card_image(&img), Err(Error::NdefWrongRecordType));
    // The type name compares case-insensitively, as NFC Forum requires.
    let mut img = image(b"badge");
    let at = img
        .windows(RECORD_TYPE.len())
        .position(|w| w == RECORD_TYPE)
        .unwrap();
    img[at] = img[at].to_ascii_uppercase();
    assert_eq!(parse_card_image(&img).unwrap(), b"badge");
}

#[test]
fn lengths_past_memory_are_refused() {
    let img = image(&[7u8; 40]);
    // Cut the memory inside the record.
    assert_eq!(
        parse_card_image(&img[..30]),
        Err(Error::NdefLengthPastEnd { offset: 0 })
    );
    // A payload length larger than the message.
    let mut bad = img.clone();
    bad[4] = 200;
    assert!(matches!(
        parse_card_image(&bad),
        Err(Error::NdefLengthPastEnd { .. })
    ));
    assert_eq!(
        parse_card_image(&[0x03]),
        Err(Error::NdefLengthPastEnd { offset: 0 })
    );
    assert_eq!(
        parse_card_image(&[0x03, 0xff, 0x01]),
        Err(Error::NdefLengthPastEnd { offset: 0 })
    );
}

#[test]
fn several_records_or_messages_are_refused() {
    // First record without ME, then a second record.
    let mut img = image(b"ab");
    img[2] &= !0x40;
    assert_eq!(parse_card_image(&img), Err(Error::NdefMultipleRecords));
    // Extra bytes after the record inside the message.
    let mut two = vec![0x03, 0x00];
    let rec = &image(b"ab")[2..image(b"ab").len() - 1];
    two.extend_from_slice(rec);
    two.extend_from_slice(&[0x51, 0x01, 0x00, b'T']);
    two[1] = (two.len() - 2) as u8;
    two.push(0xfe);
    assert_eq!(parse_card_image(&two), Err(Error::NdefMultipleRecords));
    // A second NDEF message TLV after the first.
    let mut double = image(b"ab");
    double.pop();
    double.extend_from_slice(&image(b"cd"));
    assert_eq!(parse_card_image(&double), Err(Error::NdefMultipleRecords));
}

#[test]
fn pages_cover_the_image_from_page_4() {
    let img = image(&[9u8; 23]);
    let p: Vec<_> = pages(CardType::Ntag213, &img).unwrap().collect();
    assert_eq!(p.first().unwrap().0, 4);
    assert_eq!(p.len(), img.len().div_ceil(4));
    let flat: Vec<u8> = p.iter().flat_map(|(_, d)| *d).collect();
    assert_eq!(&flat[..img.len()], img.as_slice());
    assert!(flat[img.len()..].iter().all(|b| *b == 0));
}

proptest! {
    #[test]
    fn any_payload_round_trips(payload in prop::collection::vec(any::<u8>(), 0..860)) {
        let img = image(&payload);
        prop_assert_eq!(img.len(), card_image_len(payload.len()));
        let mut mem = img.clone();
        mem.resize(img.len() + 7, 0);
        prop_assert_eq!(parse_card_image(&mem).unwrap(), payload.as_slice());
    }

    #[test]
    fn arbitrary_card_memory_never_panics(mem in prop::collection::vec(any::<u8>(), 0..900), uid in prop::collection::vec(any::<u8>(), 7)) {
        let _ = parse_card_image(&mem);
        let _ = verify_card_image(&mem, &uid, &trust(&[&issuer()]), Some(NOW), None);
    }

    #[test]
    fn tlv_shaped_memory_never_panics(len in any::<u8>(), rest in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut mem = vec![0x03, len];
        mem.extend_from_slice(&rest);
        let _ = parse_card_image(&mem);
    }
}
