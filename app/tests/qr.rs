//! QR fallback: badge → base45 text → QR code, and back from a real scan
//! (the QR code rendered to pixels and decoded by `rqrr`, an independent
//! QR decoder) to a verified badge.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use qrcode::Color;
use tessera_core::{Profile, verify};
use tessera_desk::qr::{self, QrError};
use tessera_tests::*;

/// Render a QR code at `scale` pixels per module with a 4-module quiet zone
/// and scan it with rqrr; returns the text read.
fn scan(code: &qrcode::QrCode, scale: usize) -> String {
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 8) * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = ((x / scale) as isize - 4, (y / scale) as isize - 4);
        let dark = mx >= 0
            && my >= 0
            && (mx as usize) < n
            && (my as usize) < n
            && colors[my as usize * n + mx as usize] == Color::Dark;
        if dark { 0 } else { 255 }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().unwrap().1
}

#[test]
fn scanned_qr_code_verifies_as_the_same_badge() {
    let sub = subject();
    for (profile, claims) in [
        (Profile::Mini, mini_claims(&sub)),
        (Profile::Standard, standard_claims(&sub)),
    ] {
        let badge = sign(profile, claims, &issuer());
        let code = qr::code(&badge).unwrap();
        let text = scan(&code, 3);
        assert_eq!(text, qr::to_text(&badge));
        let bytes = qr::from_text(&text).unwrap();
        assert_eq!(bytes, badge);
        let verified = verify(&bytes, &trust(&[&issuer()]), Some(NOW), None).unwrap();
        assert_eq!(verified.claims, claims);
        eprintln!(
            "{profile:?}: badge {} B, QR text {} chars, QR version {:?} ({} modules)",
            badge.len(),
            text.len(),
            code.version(),
            code.width()
        );
    }
}

#[test]
fn qr_text_is_in_the_qr_alphanumeric_alphabet() {
    let badge = sign(Profile::Standard, standard_claims(&subject()), &issuer());
    let text = qr::to_text(&badge);
    assert!(text.starts_with(qr::PREFIX));
    assert!(
        text.chars()
            .all(|c| "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(c)),
        "{text}"
    );
}

#[test]
fn scanner_quirks_are_tolerated() {
    let badge = sign(Profile::Mini, mini_claims(&subject()), &issuer());
    let text = qr::to_text(&badge);
    let lower_prefix = format!("  tsr1:{}\n", &text[qr::PREFIX.len()..]);
    assert_eq!(qr::from_text(&lower_prefix).unwrap(), badge);
}

#[test]
fn bad_qr_text_gets_specific_errors() {
    let badge = sign(Profile::Mini, mini_claims(&subject()), &issuer());
    let text = qr::to_text(&badge);
    assert_eq!(
        qr::from_text("https://example.org/"),
        Err(QrError::NotTessera)
    );
    assert_eq!(qr::from_text(""), Err(QrError::NotTessera));
    // Cut short by one character or by whole base45 groups: both damaged.
    for cut in [1, 2, 3, 30] {
        let truncated = &text[..text.len() - cut];
        assert!(
            matches!(qr::from_text(truncated), Err(QrError::Damaged(_))),
            "cut {cut}: {:?}",
            qr::from_text(truncated)
        );
    }
    // A character outside base45.
    let bad = format!("{}~{}", &text[..10], &text[11..]);
    assert!(matches!(qr::from_text(&bad), Err(QrError::Damaged(_))));
}

#[test]
fn terminal_rendering_draws_the_code() {
    let badge = sign(Profile::Mini, mini_claims(&subject()), &issuer());
    let code = qr::code(&badge).unwrap();
    let art = qr::to_terminal(&badge).unwrap();
    // Two modules per text row, plus the quiet zone.
    assert_eq!(art.lines().count(), (code.width() + 8).div_ceil(2));
    assert!(art.contains('█') || art.contains('▀') || art.contains('▄'));
}
