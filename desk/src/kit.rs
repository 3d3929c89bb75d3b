//! The candidate's share kit: the verification link (the site's address
//! with the badge in the fragment), a LinkedIn "Add to profile" link for a
//! certification with the same values to copy, HTML to embed the badge on
//! a web page or in an e-mail signature, and a printable claim sheet (PDF,
//! A4 and Letter) with the badge picture, a QR code of the link, the claim
//! code and what to do with them.

use crate::store::ledger::{BadgeRecord, IssuerRecord};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::export::{badge_picture, verify_own};
use super::{Desk, DeskError, claim_code};
use crate::check::{date, expiry_date};
use crate::picture::SIDE;

/// Everything a candidate needs to share a badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareKit {
    /// Badge serial.
    pub serial: u32,
    /// The verification link.
    pub link: String,
    /// LinkedIn's "Add to profile" link, prefilled.
    pub linkedin: String,
    /// The same values, label and value, for pasting by hand.
    pub linkedin_fields: Vec<(&'static str, String)>,
    /// HTML for a web page: the badge picture linked to its verification.
    pub html_embed: String,
    /// HTML for an e-mail signature (one small line).
    pub html_signature: String,
    /// The candidate's claim code (to show the badge is theirs).
    pub claim_code: String,
    /// The file name the snippets use for the picture.
    pub picture_file: String,
}

/// Paper sizes of the claim sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// Width and height in PDF points.
    pub const fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.0, 842.0),
            Paper::Letter => (612.0, 792.0),
        }
    }

    /// `a4` or `letter`.
    pub const fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text for the PDF's standard Helvetica (WinAnsi, Latin-1 for letters
/// such as ã, é, ç); anything else becomes '?'.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match u32::from(c) {
            0x20..=0x7e | 0xa0..=0xff => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            0x2014 => 0x97, // em dash
            0x2013 => 0x96, // en dash
            0x2022 => 0x95, // bullet
            _ => b'?',
        })
        .collect()
}

impl Desk {
    /// The share kit of a badge (refused for revoked and private badges).
    pub fn share_kit(&self, serial: u32) -> Result<ShareKit, DeskError> {
        let (record, issuer) = self.shareable(serial)?;
        self.kit_for(&record, &issuer)
    }

    fn kit_for(&self, record: &BadgeRecord, issuer: &IssuerRecord) -> Result<ShareKit, DeskError> {
        let serial = record.serial;
        let link = self.verification_link(&record.cose)?;
        let name = record
            .achievement_name
            .clone()
            .unwrap_or_else(|| record.achievement_id.clone());
        let issued = date(record.issued_at);
        let expires = record.expires_at.map(expiry_date);
        let ym = |d: &str| {
            let mut parts = d.split('-');
            (
                parts.next().unwrap_or_default().to_string(),
                parts
                    .next()
                    .and_then(|m| m.parse::<u8>().ok())
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            )
        };
        let (issue_year, issue_month) = ym(&issued);
        let mut fields: Vec<(&'static str, String)> = vec![
            ("Name", name.clone()),
            ("Issuing organization", issuer.name.clone()),
            ("Issue year", issue_year.clone()),
            ("Issue month", issue_month.clone()),
        ];
        let mut query: Vec<(&str, String)> = vec![
            ("startTask", "CERTIFICATION_NAME".into()),
            ("name", name.clone()),
            ("organizationName", issuer.name.clone()),
            ("issueYear", issue_year),
            ("issueMonth", issue_month),
        ];
        if let Some(e) = &expires {
            let (y, m) = ym(e);
            fields.push(("Expiration year", y.clone()));
            fields.push(("Expiration month", m.clone()));
            query.push(("expirationYear", y));
            query.push(("expirationMonth", m));
        }
        fields.push(("Credential ID", serial.to_string()));
        fields.push(("Credential URL", link.clone()));
        query.push(("certUrl", link.clone()));
        query.push(("certId", serial.to_string()));
        let linkedin = format!(
            "https://www.linkedin.com/profile/add?{}",
            query
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)))
                .collect::<Vec<_>>()
                .join("&")
        );
        let picture_file = format!("badge-{serial}.png");
        let alt = html_escape(&format!("{name} — {}", issuer.name));
        let href = html_escape(&link);
        Ok(ShareKit {
            serial,
            html_embed: format!(
                "<a href=\"{href}\" title=\"Verify this badge\"><img src=\"{picture_file}\" alt=\"{alt}\" width=\"200\" height=\"200\"></a>"
            ),
            html_signature: format!(
                "<a href=\"{href}\">{} — {} (verify)</a>",
                html_escape(&name),
                html_escape(&issuer.name)
            ),
            link,
            linkedin,
            linkedin_fields: fields,
            claim_code: claim_code(&record.salt),
            picture_file,
        })
    }

    /// The printable claim sheet of a badge: its picture, a QR code of the
    /// verification link, the claim code and short instructions.
    pub fn claim_sheet(&self, serial: u32, paper: Paper) -> Result<Vec<u8>, DeskError> {
        let (record, issuer) = self.shareable(serial)?;
        let kit = self.kit_for(&record, &issuer)?;
        let badge = verify_own(&record, &issuer)?;
        let described = self.described(&record.achievement_id)?;
        let pixels = badge_picture(&badge, &issuer, described.as_ref());
        let qr =
            qrcode::QrCode::with_error_correction_level(kit.link.as_bytes(), qrcode::EcLevel::M)
                .map_err(|e| DeskError::Input(format!("the link does not fit a QR code: {e}")))?;
        let name = record
            .achievement_name
            .clone()
            .unwrap_or_else(|| record.achievement_id.clone());

        let (w, h) = paper.size();
        let (catalog, tree, page, font, bold, content, image) = (
            Ref::new(1),
            Ref::new(2),
            Ref::new(3),
            Ref::new(4),
            Ref::new(5),
            Ref::new(6),
            Ref::new(7),
        );
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, w, h));
        p.parent(tree);
        p.contents(content);
        let mut resources = p.resources();
        resources
            .fonts()
            .pair(Name(b"F1"), font)
            .pair(Name(b"F2"), bold);
        resources.x_objects().pair(Name(b"Im1"), image);
        resources.finish();
        p.finish();
        for (id, base) in [(font, &b"Helvetica"[..]), (bold, &b"Helvetica-Bold"[..])] {
            pdf.type1_font(id)
                .base_font(Name(base))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        let encoded = miniz_oxide::deflate::compress_to_vec_zlib(&pixels, 6);
        let side = i32::try_from(SIDE).unwrap_or(512);
        let mut img = pdf.image_xobject(image, &encoded);
        img.filter(Filter::FlateDecode);
        img.width(side);
        img.height(side);
        img.color_space().device_rgb();
        img.bits_per_component(8);
        img.finish();

        let margin = 56.0;
        let mut c = Content::new();
        let text = |c: &mut Content, f: &[u8], size: f32, x: f32, y: f32, s: &str| {
            c.begin_text();
            c.set_font(Name(f), size);
            c.next_line(x, y);
            c.show(Str(&win_ansi(s)));
            c.end_text();
        };
        let mut y = h - margin - 10.0;
        text(
            &mut c,
            b"F2",
            22.0,
            margin,
            y,
            &format!("Your badge: {name}"),
        );
        y -= 22.0;
        text(
            &mut c,
            b"F1",
            12.0,
            margin,
            y,
            &format!(
                "Issued by {} on {}{}, serial {}",
                issuer.name,
                date(record.issued_at),
                record
                    .expires_at
                    .map(|e| format!(", valid until {}", expiry_date(e)))
                    .unwrap_or_default(),
                serial
            ),
        );
        // The picture on the left, the QR code of the link on the right.
        let box_side = ((w - 3.0 * margin) / 2.0).min(220.0);
        let top = y - 24.0;
        c.save_state();
        c.transform([box_side, 0.0, 0.0, box_side, margin, top - box_side]);
        c.x_object(Name(b"Im1"));
        c.restore_state();
        let modules = qr.width();
        let quiet = 4.0;
        let cell = box_side / (modules as f32 + 2.0 * quiet);
        let qx = w - margin - box_side;
        c.set_fill_gray(0.0);
        for (i, color) in qr.to_colors().iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (col, row) = ((i % modules) as f32, (i / modules) as f32);
                c.rect(
                    qx + (quiet + col) * cell,
                    top - (quiet + row + 1.0) * cell,
                    cell,
                    cell,
                );
            }
        }
        c.fill_nonzero();
        y = top - box_side - 36.0;
        text(&mut c, b"F2", 14.0, margin, y, "Your claim code");
        y -= 26.0;
        text(&mut c, b"F2", 24.0, margin, y, &kit.claim_code);
        y -= 30.0;
        let lines = [
            "1. Anyone can check this badge: scan the QR code or open the link below.".to_string(),
            "   It is checked on their own device; nothing is sent to a server.".to_string(),
            "2. To show that the badge is yours, give the viewer the e-mail address".to_string(),
            "   it was issued to and this claim code. Keep the code otherwise private.".to_string(),
            "3. Add it to LinkedIn (Licenses & certifications) with the link below, or".to_string(),
            format!("   by hand: credential ID {serial}, credential URL the link below."),
            "If you do not want this badge, ignore it: nothing is published in your name."
                .to_string(),
        ];
        for l in lines {
            text(&mut c, b"F1", 11.0, margin, y, &l);
            y -= 16.0;
        }
        y -= 8.0;
        text(&mut c, b"F2", 11.0, margin, y, "Verification link");
        y -= 14.0;
        // The link is long: one line of at most 95 characters each.
        let chars: Vec<char> = kit.link.chars().collect();
        for chunk in chars.chunks(95) {
            let line: String = chunk.iter().collect();
            text(&mut c, b"F1", 7.0, margin, y, &line);
            y -= 9.0;
        }
        pdf.stream(content, &c.finish());
        Ok(pdf.finish())
    }
}

impl ShareKit {
    /// The kit as text for the candidate: the link, LinkedIn, the values to
    /// paste, the HTML snippets and the claim code.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Verification link (anyone can check the badge with it):\n{}\n\nAdd to LinkedIn:\n{}\n\nIf LinkedIn does not fill the form in, paste these:\n",
            self.link, self.linkedin
        );
        for (label, value) in &self.linkedin_fields {
            out.push_str(&format!("  {label}: {value}\n"));
        }
        out.push_str(&format!(
            "\nOn a web page ({} next to it):\n{}\n\nIn an e-mail signature:\n{}\n\nClaim code (give it, with your e-mail, to whoever checks that the badge is yours):\n{}\n",
            self.picture_file, self.html_embed, self.html_signature, self.claim_code
        ));
        out
    }
}

/// What [`Desk::write_share_kit`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitFiles {
    /// The folder.
    pub dir: std::path::PathBuf,
    /// The files in it.
    pub files: Vec<String>,
}

impl Desk {
    /// Write the whole kit of a badge to `dir`: `share.txt`, the baked
    /// badge picture the snippets show (signed with `signer`, the key that
    /// signed the badge) and the claim sheets for A4 and Letter.
    pub fn write_share_kit(
        &self,
        serial: u32,
        dir: &std::path::Path,
        signer: &tessera_core::SigningKey,
    ) -> Result<KitFiles, DeskError> {
        use crate::store::files;
        let kit = self.share_kit(serial)?;
        files::create_dir(dir)?;
        let mut written = Vec::new();
        let mut put = |name: String, bytes: &[u8]| -> Result<(), DeskError> {
            files::write_atomic(&dir.join(&name), bytes)?;
            written.push(name);
            Ok(())
        };
        put("share.txt".into(), kit.text().as_bytes())?;
        let png = self.export(serial, super::ExportFormat::BakedPng, Some(signer))?;
        put(kit.picture_file.clone(), &png)?;
        for paper in [Paper::A4, Paper::Letter] {
            let pdf = self.claim_sheet(serial, paper)?;
            put(format!("claim-sheet-{serial}-{}.pdf", paper.name()), &pdf)?;
        }
        Ok(KitFiles {
            dir: dir.to_path_buf(),
            files: written,
        })
    }
}
