//! Signed status lists: revocation and the time floor for clock-less kiosks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use tessera_core::sizes::{MAX_STATUS_LIST_LEN, MAX_STATUS_SERIALS};
use tessera_core::status::{bits_len, set_revoked};
use tessera_core::{BadgeClaims, Error, Field, Profile, StatusList, StatusListBuilder, verify};
use tessera_tests::*;

#[test]
fn full_list_of_65536_serials_works() {
    let revoked = [1, 2, 1042, 40_000, 65_536];
    let bytes = signed_list(1, MAX_STATUS_SERIALS, &revoked, NOW - 60, &issuer());
    assert!(bytes.len() <= MAX_STATUS_LIST_LEN, "{} bytes", bytes.len());
    eprintln!("65,536-serial status list: {} bytes", bytes.len());
    let list = StatusList::verify(&bytes, &trust(&[&issuer()]), Some(NOW)).unwrap();
    assert_eq!((list.first(), list.count()), (1, MAX_STATUS_SERIALS));
    assert_eq!(list.revoked_count(), revoked.len() as u32);
    for serial in revoked {
        assert_eq!(list.is_revoked(serial), Some(true), "serial {serial}");
    }
    for serial in [3, 1041, 1043, 39_999, 65_535] {
        assert_eq!(list.is_revoked(serial), Some(false), "serial {serial}");
    }
    assert_eq!(list.is_revoked(0), None);
    assert_eq!(list.is_revoked(65_537), None);
    // The badge with serial 1042 is revoked through verify().
    let badge = sign(Profile::Mini, mini_claims(&subject()), &issuer());
    assert_eq!(
        verify(&badge, &trust(&[&issuer()]), Some(NOW), Some(&list)).unwrap_err(),
        Error::Revoked { serial: 1042 }
    );
}

#[test]
fn clockless_kiosk_uses_the_list_time_as_floor() {
    let sub = subject();
    let mut claims = standard_claims(&sub);
    claims.expires = Some(NOW - 3600); // expired an hour before the list was made
    let badge = sign(Profile::Standard, claims, &issuer());
    let store = trust(&[&issuer()]);
    let bytes = signed_list(1000, 100, &[], NOW, &issuer());
    let list = StatusList::verify(&bytes, &store, None).unwrap();
    // No clock: without a list the expiry cannot be checked...
    assert_eq!(verify(&badge, &store, None, None).unwrap().checked_at, None);
    // ...with the list, its issue time is the floor.
    assert_eq!(
        verify(&badge, &store, None, Some(&list)).unwrap_err(),
        Error::Expired { exp: NOW - 3600 }
    );
    // A clock that runs behind the list is corrected by the floor too.
    assert_eq!(
        verify(&badge, &store, Some(NOW - 86_400), Some(&list)).unwrap_err(),
        Error::Expired { exp: NOW - 3600 }
    );
    let ok = sign(Profile::Standard, standard_claims(&sub), &issuer());
    let v = verify(&ok, &store, None, Some(&list)).unwrap();
    assert_eq!(v.checked_at, Some(NOW));
    assert!(v.revocation_checked);
}

#[test]
fn badge_issued_after_the_list_is_accepted() {
    let store = trust(&[&issuer()]);
    let bytes = signed_list(1, 1000, &[5], ISSUED - 86_400, &issuer());
    let list = StatusList::verify(&bytes, &store, Some(ISSUED + 10)).unwrap();
    // Serial 1042 is past the list, and the badge is newer than the list.
    let sub = subject();
    let badge = sign(
        Profile::Mini,
        BadgeClaims::new(sub.as_str(), 1042, ISSUED, "RS-101"),
        &issuer(),
    );
    verify(&badge, &store, Some(ISSUED + 10), Some(&list)).unwrap();
}

#[test]
fn tampered_or_untrusted_list_is_rejected() {
    let store = trust(&[&issuer()]);
    let mut bytes = signed_list(1, 64, &[], NOW, &issuer());
    let n = bytes.len();
    bytes[n - 70] ^= 0x01; // a revocation bit
    assert_eq!(
        StatusList::verify(&bytes, &store, Some(NOW)).unwrap_err(),
        Error::SignatureInvalid
    );
    let other = signed_list(1, 64, &[], NOW, &other_issuer());
    assert_eq!(
        StatusList::verify(&other, &store, Some(NOW)).unwrap_err(),
        Error::UnknownIssuer
    );
}

#[test]
fn malformed_list_shapes_are_refused_when_building() {
    let mut out = vec![0u8; 1024];
    let wrong_bits = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: None,
        first: 1,
        count: 17,
        bits: &[0; 2],
    };
    assert_eq!(
        wrong_bits.sign(&issuer(), &mut out),
        Err(Error::InvalidField(Field::StatusBits))
    );
    let bits = vec![0u8; bits_len(MAX_STATUS_SERIALS) + 1];
    let too_many = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: None,
        first: 1,
        count: MAX_STATUS_SERIALS + 1,
        bits: &bits,
    };
    assert_eq!(
        too_many.sign(&issuer(), &mut out),
        Err(Error::FieldTooLong(Field::StatusCount))
    );
    let past_end = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: None,
        first: u32::MAX,
        count: 8,
        bits: &[0],
    };
    assert_eq!(
        past_end.sign(&issuer(), &mut out),
        Err(Error::InvalidField(Field::StatusCount))
    );
    let backwards = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: Some(NOW),
        first: 1,
        count: 8,
        bits: &[0],
    };
    assert_eq!(
        backwards.sign(&issuer(), &mut out),
        Err(Error::InvalidField(Field::Expiry))
    );
    assert_eq!(
        set_revoked(&mut [0u8; 1], 8),
        Err(Error::InvalidField(Field::StatusBits))
    );
    let small = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: None,
        first: 1,
        count: 8,
        bits: &[0],
    };
    assert_eq!(
        small.sign(&issuer(), &mut out[..40]),
        Err(Error::BufferTooSmall)
    );
}

#[test]
fn clockless_kiosk_accepts_a_badge_valid_from_after_the_list() {
    // The list's time is a lower bound: it cannot prove "not valid yet".
    let store = trust(&[&issuer()]);
    let bytes = signed_list(1, 1000, &[], NOW - 30 * 86_400, &issuer());
    let list = StatusList::verify(&bytes, &store, None).unwrap();
    let sub = subject();
    let mut claims = BadgeClaims::new(sub.as_str(), 1042, NOW - 86_400, "RUST-101");
    claims.not_before = Some(NOW - 86_400);
    let badge = sign(Profile::Standard, claims, &issuer());
    verify(&badge, &store, None, Some(&list)).unwrap();
    // With a real clock before nbf it is not valid yet.
    assert_eq!(
        verify(&badge, &store, Some(NOW - 2 * 86_400), None).unwrap_err(),
        Error::NotYetValid { nbf: NOW - 86_400 }
    );
}

#[test]
fn padding_bits_past_count_are_refused() {
    let mut out = vec![0u8; 1024];
    let padded = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: None,
        first: 1,
        count: 3,
        bits: &[0b0010_0000],
    };
    assert_eq!(
        padded.sign(&issuer(), &mut out),
        Err(Error::InvalidField(Field::StatusBits))
    );
    let ok = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: None,
        first: 1,
        count: 3,
        bits: &[0b0000_0100],
    };
    ok.sign(&issuer(), &mut out).unwrap();
}

#[test]
fn another_issuers_list_is_named_before_its_time_is_used() {
    // A later list from another trusted issuer must not make the badge "expired".
    let both = trust(&[&issuer(), &other_issuer()]);
    let sub = subject();
    let badge = sign(Profile::Standard, standard_claims(&sub), &issuer());
    let bytes = signed_list(1, 8, &[], EXPIRES + 10, &other_issuer());
    let list = StatusList::verify(&bytes, &both, None).unwrap();
    assert_eq!(
        verify(&badge, &both, None, Some(&list)).unwrap_err(),
        Error::StatusListWrongIssuer
    );
}

/// A signed list with `compromised_since`.
fn closed_list(first: u32, count: u32, revoked: &[u32], since: u64) -> Vec<u8> {
    let mut bits = vec![0u8; bits_len(count)];
    for s in revoked {
        set_revoked(&mut bits, s - first).unwrap();
    }
    let mut out = vec![0u8; MAX_STATUS_LIST_LEN];
    let n = StatusListBuilder {
        compromised_since: Some(since),
        suspended: None,
        issued_at: NOW - 60,
        expires: None,
        first,
        count,
        bits: &bits,
    }
    .sign(&issuer(), &mut out)
    .unwrap();
    out.truncate(n);
    out
}

#[test]
fn segments_cover_every_serial_once() {
    use tessera_core::status::{segment_of, segment_range};
    assert_eq!(segment_range(0, 70_000), Some((1, 65_535)));
    assert_eq!(
        segment_range(1, 70_000),
        Some((65_536, 70_000 - 65_536 + 1))
    );
    assert_eq!(segment_range(2, 70_000), None);
    assert_eq!(segment_range(0, 0), None);
    let last = u32::MAX / MAX_STATUS_SERIALS;
    assert_eq!(
        segment_range(last, u32::MAX),
        Some((last * MAX_STATUS_SERIALS, MAX_STATUS_SERIALS))
    );
    for serial in [1, 65_535, 65_536, 131_071, 131_072, u32::MAX] {
        let (first, count) = segment_range(segment_of(serial), serial).unwrap();
        assert!(first <= serial && u64::from(serial) < u64::from(first) + u64::from(count));
    }
}

#[test]
fn the_list_is_chosen_by_the_verifying_key_and_the_serial() {
    use tessera_core::status::select;
    let (ours, theirs) = (issuer(), other_issuer());
    let store = trust(&[&ours, &theirs]);
    let lists_bytes = [
        signed_list(1, 1000, &[], NOW - 60, &ours),
        signed_list(1000, 100, &[1042], NOW - 60, &ours),
        signed_list(1000, 100, &[], NOW - 60, &theirs),
    ];
    let lists: Vec<StatusList> = lists_bytes
        .iter()
        .map(|b| StatusList::verify(b, &store, None).unwrap())
        .collect();
    let badge = sign(Profile::Mini, mini_claims(&subject()), &ours);
    // Ours, serial 1042: the second list, which revokes it.
    assert_eq!(
        select(&lists, ours.public_key(), 1042).unwrap().first(),
        1000
    );
    assert_eq!(
        tessera_core::verify_lists(&badge, &store, Some(NOW), &lists).unwrap_err(),
        Error::Revoked { serial: 1042 }
    );
    // The other key's list is never taken for our badge, nor ours for theirs.
    let theirs_badge = sign(Profile::Mini, mini_claims(&subject()), &theirs);
    assert!(tessera_core::verify_lists(&theirs_badge, &store, Some(NOW), &lists).is_ok());
    // No list of the verifying key: revocation not checked, and said so.
    let only_theirs = &lists[2..];
    let b = tessera_core::verify_lists(&badge, &store, Some(NOW), only_theirs).unwrap();
    assert!(!b.revocation_checked);
}

#[test]
fn a_compromised_keys_lists_are_closed() {
    let since = NOW - 3600;
    let store = trust(&[&issuer()]);
    let bytes = closed_list(1, 2000, &[7], since);
    let list = StatusList::verify(&bytes, &store, None).unwrap();
    assert_eq!(list.compromised_since(), Some(since));
    // Issued before the compromise, covered, not revoked: still valid.
    let badge = sign(Profile::Mini, mini_claims(&subject()), &issuer());
    assert!(verify(&badge, &store, Some(NOW), Some(&list)).is_ok());
    // The thief's badge dated after the compromise: refused.
    let sub = subject();
    let mut late = mini_claims(&sub);
    late.issued_at = since;
    let late = sign(Profile::Mini, late, &issuer());
    assert_eq!(
        verify(&late, &store, Some(NOW), Some(&list)).unwrap_err(),
        Error::IssuerKeyCompromised { since }
    );
    // Backdated, but with a serial the lists do not cover: refused too
    // (an open list would have taken it as newer than itself).
    let mut backdated = mini_claims(&sub);
    backdated.serial = 5000;
    let backdated = sign(Profile::Mini, backdated, &issuer());
    assert_eq!(
        verify(&backdated, &store, Some(NOW), Some(&list)).unwrap_err(),
        Error::IssuerKeyCompromised { since }
    );
    assert_eq!(
        Error::IssuerKeyCompromised { since }.verdict(),
        tessera_core::Verdict::Revoked
    );
}

#[test]
fn a_suspended_serial_is_suspended_until_reinstated() {
    let store = trust(&[&issuer()]);
    let (first, count) = (1000, 100);
    let mut bits = vec![0u8; bits_len(count)];
    let mut paused = [0u8; 4];
    tessera_core::status::suspended_indexes(first, &[1042, 1050], &mut paused).unwrap();
    set_revoked(&mut bits, 1050 - first).unwrap();
    let sign_list = |suspended: Option<&[u8]>| {
        let mut out = vec![0u8; MAX_STATUS_LIST_LEN];
        let n = StatusListBuilder {
            compromised_since: None,
            suspended,
            issued_at: NOW - 60,
            expires: None,
            first,
            count,
            bits: &bits,
        }
        .sign(&issuer(), &mut out)
        .unwrap();
        out.truncate(n);
        out
    };
    let with = sign_list(Some(&paused));
    let list = StatusList::verify(&with, &store, None).unwrap();
    assert!(list.is_suspended(1042) && list.is_suspended(1050) && !list.is_suspended(1043));
    let badge = sign(Profile::Mini, mini_claims(&subject()), &issuer());
    let err = verify(&badge, &store, Some(NOW), Some(&list)).unwrap_err();
    assert_eq!(err, Error::Suspended { serial: 1042 });
    assert_eq!(err.verdict(), tessera_core::Verdict::Suspended);
    // Revoked wins over suspended.
    let sub = subject();
    let mut c = mini_claims(&sub);
    c.serial = 1050;
    let both = sign(Profile::Mini, c, &issuer());
    assert_eq!(
        verify(&both, &store, Some(NOW), Some(&list)).unwrap_err(),
        Error::Revoked { serial: 1050 }
    );
    // Reinstated: the next list has no suspended bits, and the badge holds.
    let without = sign_list(None);
    let list = StatusList::verify(&without, &store, None).unwrap();
    assert!(verify(&badge, &store, Some(NOW), Some(&list)).is_ok());
    // Suspended indexes that are odd in length, out of order or past the
    // list are refused.
    let mut bad = vec![0u8; MAX_STATUS_LIST_LEN];
    let short = vec![0u8; 3];
    for wrong in [vec![0u8, 50, 0, 42], vec![0u8, 100], vec![0u8, 42, 0, 42]] {
        assert_eq!(
            StatusListBuilder {
                compromised_since: None,
                suspended: Some(&wrong),
                issued_at: NOW - 60,
                expires: None,
                first,
                count,
                bits: &bits,
            }
            .sign(&issuer(), &mut bad)
            .unwrap_err(),
            Error::InvalidField(Field::StatusBits),
            "{wrong:?}"
        );
    }
    assert_eq!(
        StatusListBuilder {
            compromised_since: None,
            suspended: Some(&short),
            issued_at: NOW - 60,
            expires: None,
            first,
            count,
            bits: &bits,
        }
        .sign(&issuer(), &mut bad)
        .unwrap_err(),
        Error::InvalidField(Field::StatusBits)
    );
}

#[test]
fn checking_lists_after_the_signature_agrees_with_verify_lists() {
    let (ours, theirs) = (issuer(), other_issuer());
    let store = trust(&[&ours, &theirs]);
    let since = NOW - 3600;
    let lists_bytes = [
        signed_list(1000, 100, &[1042], NOW - 60, &ours),
        closed_list(1, 999, &[], since),
        signed_list(1000, 100, &[], NOW - 60, &theirs),
    ];
    let lists: Vec<StatusList> = lists_bytes
        .iter()
        .map(|b| StatusList::verify(b, &store, None).unwrap())
        .collect();
    let sub = subject();
    let badge = |serial: u32, issued_at: u64, key: &tessera_core::SigningKey| {
        let mut c = mini_claims(&sub);
        c.serial = serial;
        c.issued_at = issued_at;
        sign(Profile::Mini, c, key)
    };
    let cases = [
        badge(1042, NOW - 7200, &ours),   // revoked in our second list
        badge(1043, NOW - 7200, &ours),   // valid
        badge(5, NOW - 7200, &ours),      // covered by the closed list, before
        badge(5, since, &ours),           // dated from the compromise
        badge(1042, NOW - 7200, &theirs), // theirs: their own list
        badge(9000, NOW - 7200, &theirs), // no list covers it
    ];
    for bytes in &cases {
        let direct = tessera_core::verify_lists(bytes, &store, Some(NOW), &lists);
        let after =
            verify(bytes, &store, Some(NOW), None).and_then(|b| b.check_lists(Some(NOW), &lists));
        assert_eq!(direct, after);
    }
    assert_eq!(
        tessera_core::verify_lists(&cases[0], &store, Some(NOW), &lists).unwrap_err(),
        Error::Revoked { serial: 1042 }
    );
}
