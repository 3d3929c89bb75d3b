//! QR fallback for badges shown on a screen or printed on paper: the badge
//! bytes as base45 text (RFC 9285, the QR alphanumeric alphabet, as EU
//! digital COVID certificates use) behind a `TSR1:` prefix, drawn as a QR
//! code. The reverse path takes the scanned text back to badge bytes.

use qrcode::{EcLevel, QrCode};

pub use tessera_formats::qr_text::{PREFIX, QrError, from_text, link_fragment, to_text};

/// The QR code of a badge (error correction M: survives about 15 % damage).
pub fn code(badge: &[u8]) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(to_text(badge), EcLevel::M)
        .map_err(|e| QrError::Encode(e.to_string()))
}

/// The QR code drawn with Unicode half blocks, two modules per character
/// row, for the terminal.
pub fn to_terminal(badge: &[u8]) -> Result<String, QrError> {
    Ok(code(badge)?
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// Pixels per QR module in the PNG (a 33-module code becomes 328 pixels
/// with its quiet zone: sharp when printed at 3 cm and 300 dpi).
pub const PNG_MODULE_PIXELS: usize = 8;
/// Light modules around the code, as ISO/IEC 18004 asks.
const QUIET_ZONE: usize = 4;

/// The QR code as a black-and-white PNG.
pub fn to_png(badge: &[u8]) -> Result<Vec<u8>, QrError> {
    let code = code(badge)?;
    let modules = code.width();
    let side = (modules + 2 * QUIET_ZONE) * PNG_MODULE_PIXELS;
    let colors = code.to_colors();
    let mut pixels = vec![0xffu8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
        for dy in 0..PNG_MODULE_PIXELS {
            let row = (my * PNG_MODULE_PIXELS + dy) * side;
            let start = row + mx * PNG_MODULE_PIXELS;
            if let Some(run) = pixels.get_mut(start..start + PNG_MODULE_PIXELS) {
                run.fill(0);
            }
        }
    }
    let side = u32::try_from(side).map_err(|_| QrError::Encode("too large".into()))?;
    crate::share::encode_png(&pixels, side, png::ColorType::Grayscale, None)
        .map_err(|e| QrError::Encode(e.to_string()))
}

/// The QR code as SVG, for print (scales without blur).
pub fn to_svg(badge: &[u8]) -> Result<String, QrError> {
    Ok(code(badge)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}
