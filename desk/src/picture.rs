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
    /// The achievement's image from the catalogue (PNG), drawn in the medal.
    pub image: Option<&'a [u8]>,
    /// The words around the dates, in the issuer's language.
    pub labels: Labels,
}

/// The picture's fixed words in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labels {
    /// Before the issue date.
    pub issued: &'static str,
    /// Before the expiry date.
    pub valid_until: &'static str,
}

impl Labels {
    /// The words in `lang` (English for any language without them).
    pub fn for_language(lang: &str) -> Self {
        match lang {
            "pt" => Self {
                issued: "emitido em",
                valid_until: "válido até",
            },
            _ => Self {
                issued: "issued",
                valid_until: "valid until",
            },
        }
    }
}

/// Side of the square the catalogue image is drawn in, in picture pixels.
const IMAGE_SIDE: u32 = 120;
/// Centre of the medal, in picture pixels.
const MEDAL_CENTRE: (u32, u32) = (SIDE / 2, 116);
/// The largest image decoded (pixels a side).
const MAX_IMAGE_SIDE: u32 = 4096;

/// Decode a PNG to RGBA8 (width, height, pixels); `None` when it is not a
/// PNG the picture can use.
fn decode_rgba(png_bytes: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().ok()?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w == 0 || h == 0 || w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
        return None;
    }
    let mut buf = vec![0; reader.output_buffer_size()?];
    let frame = reader.next_frame(&mut buf).ok()?;
    let data = buf.get(..frame.buffer_size())?;
    let rgba: Vec<u8> = match frame.color_type {
        png::ColorType::Rgba => data.to_vec(),
        png::ColorType::Rgb => data
            .chunks_exact(3)
            .flat_map(|p| match p {
                &[r, g, b] => [r, g, b, 255],
                _ => [0; 4],
            })
            .collect(),
        png::ColorType::GrayscaleAlpha => data
            .chunks_exact(2)
            .flat_map(|p| match p {
                &[g, a] => [g, g, g, a],
                _ => [0; 4],
            })
            .collect(),
        png::ColorType::Grayscale => data.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => return None,
    };
    Some((w, h, rgba))
}

/// Draw a PNG into the medal of an RGB picture, scaled to fit
/// [`IMAGE_SIDE`] (box-sampled, blended over the picture by its alpha).
fn paste_image(out: &mut [u8], png_bytes: &[u8]) {
    let Some((w, h, rgba)) = decode_rgba(png_bytes) else {
        return;
    };
    let scale = f64::from(IMAGE_SIDE) / f64::from(w.max(h));
    let (dw, dh) = (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let (x0, y0) = (MEDAL_CENTRE.0 - dw / 2, MEDAL_CENTRE.1 - dh / 2);
    for dy in 0..dh {
        for dx in 0..dw {
            // The source box this pixel covers.
            let (sx0, sx1) = (dx * w / dw, ((dx + 1) * w / dw).max(dx * w / dw + 1));
            let (sy0, sy1) = (dy * h / dh, ((dy + 1) * h / dh).max(dy * h / dh + 1));
            let mut sum = [0u64; 4];
            let mut n = 0u64;
            for sy in sy0..sy1.min(h) {
                for sx in sx0..sx1.min(w) {
                    let i = ((sy * w + sx) * 4) as usize;
                    if let Some(&[r, g, b, a]) = rgba.get(i..i + 4) {
                        // Colours weighted by their alpha, so transparent
                        // pixels lend no colour to the average.
                        let a = u64::from(a);
                        sum[0] += u64::from(r) * a;
                        sum[1] += u64::from(g) * a;
                        sum[2] += u64::from(b) * a;
                        sum[3] += a;
                        n += 1;
                    }
                }
            }
            if n == 0 || sum[3] == 0 {
                continue;
            }
            let alpha = sum[3] / n;
            let o = (((y0 + dy) * SIDE + x0 + dx) * 3) as usize;
            let Some(px) = out.get_mut(o..o + 3) else {
                continue;
            };
            let [r, g, b, a] = sum;
            for (dst, weighted) in px.iter_mut().zip([r, g, b]) {
                // The alpha-weighted average colour, then over the background.
                let src = weighted / a.max(1);
                *dst = ((src * alpha + u64::from(*dst) * (255 - alpha)) / 255) as u8;
            }
        }
    }
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

    // Whole rows at a time, not pixel by pixel: the background and the
    // banners are most of the picture.
    fn fill_solid(&mut self, area: &Rectangle, color: Rgb888) -> Result<(), Infallible> {
        let area = area.intersection(&self.bounding_box());
        let Some(bottom_right) = area.bottom_right() else {
            return Ok(());
        };
        let row: Vec<u8> = [color.r(), color.g(), color.b()].repeat(area.size.width as usize);
        for y in area.top_left.y..=bottom_right.y {
            let start = ((y as u32 * LOGICAL + area.top_left.x as u32) * 3) as usize;
            if let Some(dst) = self.pixels.get_mut(start..start + row.len()) {
                dst.copy_from_slice(&row);
            }
        }
        Ok(())
    }

    fn clear(&mut self, color: Rgb888) -> Result<(), Infallible> {
        self.fill_solid(&self.bounding_box(), color)
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
    // Scale 2×: each pixel twice across, each row twice down.
    let mut out = Vec::with_capacity((SIDE * SIDE * 3) as usize);
    let mut row = Vec::with_capacity((SIDE * 3) as usize);
    for src in canvas.pixels.chunks_exact((LOGICAL * 3) as usize) {
        row.clear();
        for px in src.chunks_exact(3) {
            row.extend_from_slice(px);
            row.extend_from_slice(px);
        }
        out.extend_from_slice(&row);
        out.extend_from_slice(&row);
    }
    if let Some(image) = face.image {
        paste_image(&mut out, image);
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
    if face.image.is_none() {
        let code: String = face.code.chars().take(10).collect();
        Text::with_text_style(
            &code,
            centre(58),
            MonoTextStyle::new(&FONT_7X13_BOLD, NAVY),
            centred,
        )
        .draw(c)?;
    }
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
        &format!("{} {}", face.labels.issued, face.issued),
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
