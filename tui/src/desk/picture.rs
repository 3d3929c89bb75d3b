//! The picture of a baked badge: achievement, issuer, date and serial on a
//! medal, drawn with `embedded-graphics` bitmap fonts into an RGB buffer
//! and saved as PNG. Text is drawn at half resolution and scaled up 2×, so
//! the achievement name stays readable when a platform shows the badge as
//! a 128-pixel thumbnail.

use std::convert::Infallible;

use embedded_graphics::mono_font::MonoTextStyle;
use embedded_graphics::mono_font::iso_8859_1::{FONT_6X10, FONT_7X13_BOLD, FONT_10X20};
use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{Circle, PrimitiveStyle, PrimitiveStyleBuilder, Rectangle};
use embedded_graphics::text::{Alignment, Baseline, Text, TextStyleBuilder};

/// Side of the square picture in pixels.
pub const SIDE: u32 = 512;
/// Drawing happens at this side, then each pixel becomes 2×2.
const LOGICAL: u32 = SIDE / 2;

/// What the picture shows.
pub struct BadgeFace<'a> {
    /// Achievement name (or code when it has none).
    pub title: &'a str,
    /// Achievement code.
    pub code: &'a str,
    /// Issuer name.
    pub issuer: &'a str,
    /// Issue date, `YYYY-MM-DD`.
    pub issued: &'a str,
    /// Expiry line, e.g. `valid until 2029-08-31`, if any.
    pub valid_until: Option<&'a str>,
    /// Serial.
    pub serial: u32,
    /// Marks a demo badge in red across the picture.
    pub demo: bool,
}

/// An RGB canvas that embedded-graphics draws on.
struct Canvas {
    pixels: Vec<u8>,
}

impl OriginDimensions for Canvas {
    fn size(&self) -> Size {
        Size::new(LOGICAL, LOGICAL)
    }
}

impl DrawTarget for Canvas {
    type Color = Rgb888;
    type Error = Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Rgb888>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Infallible> {
        for Pixel(p, c) in pixels {
            let (Ok(x), Ok(y)) = (u32::try_from(p.x), u32::try_from(p.y)) else {
                continue;
            };
            if x >= LOGICAL || y >= LOGICAL {
                continue;
            }
            let i = ((y * LOGICAL + x) * 3) as usize;
            if let Some(px) = self.pixels.get_mut(i..i + 3) {
                px.copy_from_slice(&[c.r(), c.g(), c.b()]);
            }
        }
        Ok(())
    }
}

const NAVY: Rgb888 = Rgb888::new(0x1d, 0x2b, 0x53);
const GOLD: Rgb888 = Rgb888::new(0xe8, 0xb9, 0x3c);
const CREAM: Rgb888 = Rgb888::new(0xfb, 0xf6, 0xe9);
const INK: Rgb888 = Rgb888::new(0x22, 0x22, 0x22);
const RED: Rgb888 = Rgb888::new(0xc0, 0x1c, 0x28);

/// Break `text` into at most `max_lines` lines of at most `width`
/// characters, on spaces where possible; the last line ends in `…` when
/// text was left out.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            let head: String = word.chars().take(width).collect();
            let rest: String = word.chars().skip(width).collect();
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            lines.push(head);
            word = rest;
        }
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if needed > width && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let kept: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{kept}…");
        }
    }
    lines
}

/// Draw `face` and return the RGB pixels of a [`SIDE`]×[`SIDE`] picture.
pub fn render(face: &BadgeFace<'_>) -> Vec<u8> {
    let mut canvas = Canvas {
        pixels: vec![0; (LOGICAL * LOGICAL * 3) as usize],
    };
    let _ = draw(&mut canvas, face);
    // Scale 2×.
    let mut out = vec![0u8; (SIDE * SIDE * 3) as usize];
    for (y, row) in out.chunks_exact_mut((SIDE * 3) as usize).enumerate() {
        let src_y = y / 2;
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            let i = (src_y * LOGICAL as usize + x / 2) * 3;
            if let Some(src) = canvas.pixels.get(i..i + 3) {
                px.copy_from_slice(src);
            }
        }
    }
    out
}

fn draw(c: &mut Canvas, face: &BadgeFace<'_>) -> Result<(), Infallible> {
    let side = LOGICAL;
    let centre = |y: i32| Point::new(side as i32 / 2, y);
    c.clear(CREAM)?;
    Rectangle::new(Point::zero(), Size::new(side, side))
        .into_styled(PrimitiveStyle::with_stroke(NAVY, 6))
        .draw(c)?;
    // The medal.
    Circle::with_center(centre(58), 76)
        .into_styled(
            PrimitiveStyleBuilder::new()
                .fill_color(GOLD)
                .stroke_color(NAVY)
                .stroke_width(4)
                .build(),
        )
        .draw(c)?;
    let centred = TextStyleBuilder::new()
        .alignment(Alignment::Center)
        .baseline(Baseline::Middle)
        .build();
    let code: String = face.code.chars().take(10).collect();
    Text::with_text_style(
        &code,
        centre(58),
        MonoTextStyle::new(&FONT_7X13_BOLD, NAVY),
        centred,
    )
    .draw(c)?;
    // Title: up to three lines of 24 characters in the big font.
    let title = wrap(face.title, 24, 3);
    let big = MonoTextStyle::new(&FONT_10X20, NAVY);
    let mut y = 118;
    for line in &title {
        Text::with_text_style(line, centre(y), big, centred).draw(c)?;
        y += 21;
    }
    let small = MonoTextStyle::new(&FONT_6X10, INK);
    let bold = MonoTextStyle::new(&FONT_7X13_BOLD, INK);
    y = y.max(150) + 4;
    for line in wrap(face.issuer, 34, 2) {
        Text::with_text_style(&line, centre(y), bold, centred).draw(c)?;
        y += 14;
    }
    Text::with_text_style(
        &format!("issued {}", face.issued),
        centre(y + 2),
        small,
        centred,
    )
    .draw(c)?;
    if let Some(until) = face.valid_until {
        Text::with_text_style(until, centre(y + 14), small, centred).draw(c)?;
    }
    Text::with_text_style(
        &format!("serial {}  ·  Tessera", face.serial),
        centre(side as i32 - 14),
        small,
        centred,
    )
    .draw(c)?;
    if face.demo {
        Rectangle::new(Point::new(0, 8), Size::new(side, 18))
            .into_styled(PrimitiveStyle::with_fill(RED))
            .draw(c)?;
        Text::with_text_style(
            "DEMO - NOT A REAL CERTIFICATION",
            centre(17),
            MonoTextStyle::new(&FONT_7X13_BOLD, CREAM),
            centred,
        )
        .draw(c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_marks_cuts() {
        assert_eq!(wrap("Rust Fundamentals", 24, 3), ["Rust Fundamentals"]);
        assert_eq!(
            wrap("Advanced Embedded Rust for Safety Critical Systems", 24, 3),
            ["Advanced Embedded Rust", "for Safety Critical", "Systems"]
        );
        let long = wrap(&"word ".repeat(40), 10, 2);
        assert_eq!(long.len(), 2);
        assert!(long.last().is_some_and(|l| l.ends_with('…')));
        assert_eq!(
            wrap("Supercalifragilistic", 8, 3),
            ["Supercal", "ifragili", "stic"]
        );
    }
}
