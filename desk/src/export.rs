//! Exports: one table describes every format a badge can be exported in
//! (its command-line name, label, file extension, menu key and rules), and
//! the CLI's `--format`, the Ledger screen's menu and the help are all made
//! from it.

use crate::share::WriteError;
use tessera_core::{PublicKey, SigningKey, TrustStore};

use super::check::{date, expiry_date};
use super::issue::claim_code;
use super::{Desk, DeskError};
use crate::store::ledger::{BadgeRecord, BadgeState, IssuerRecord};

/// The formats a badge can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// The signed badge, COSE_Sign1 bytes.
    Cbor,
    /// The exact card image written to a tag (TLV, record, terminator).
    Ndef,
    /// The QR text (`TSR1:` + base45).
    QrText,
    /// The QR code as PNG.
    QrPng,
    /// The QR code as SVG.
    QrSvg,
    /// The QR code drawn with Unicode half blocks, for a terminal.
    QrTerminal,
    /// A baked Open Badges 3.0 image: the picture with the signed
    /// credential JSON in `iTXt`.
    BakedPng,
    /// A baked Open Badges 3.0 image carrying the VC-JWT instead.
    BakedPngJwt,
    /// The Open Badges 3.0 credential as a VC-JWT (EdDSA).
    VcJwt,
    /// The Open Badges 3.0 credential as JSON with its Data Integrity
    /// proof (`eddsa-rdfc-2022`).
    Ob3Json,
}

/// How a format is named and treated: one row of [`FORMATS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatInfo {
    /// The format.
    pub format: ExportFormat,
    /// Its name on the command line (`--format NAME`).
    pub name: &'static str,
    /// What people call it.
    pub label: &'static str,
    /// A menu-sized label.
    pub short: &'static str,
    /// File name extension.
    pub extension: &'static str,
    /// Its key in the Ledger screen's export menu.
    pub key: char,
    /// Binary output (never printed to a terminal).
    pub binary: bool,
    /// Needs the signing key of the badge's issuer.
    pub needs_key: bool,
    /// Meant for showing to others (refused for revoked or private badges).
    pub for_sharing: bool,
}

/// Every format, in menu order.
pub const FORMATS: [FormatInfo; 10] = [
    row(
        ExportFormat::Cbor,
        "cbor",
        "badge file (.cbor)",
        ".cbor",
        "cbor",
        'c',
        true,
        false,
        false,
    ),
    row(
        ExportFormat::Ndef,
        "ndef",
        "card image (NDEF)",
        "card image",
        "ndef",
        'n',
        true,
        false,
        false,
    ),
    row(
        ExportFormat::QrText,
        "qr-text",
        "QR text",
        "QR text",
        "qr.txt",
        't',
        false,
        false,
        true,
    ),
    row(
        ExportFormat::QrPng,
        "qr-png",
        "QR code PNG",
        "QR PNG",
        "qr.png",
        'p',
        true,
        false,
        true,
    ),
    row(
        ExportFormat::QrSvg,
        "qr-svg",
        "QR code SVG",
        "QR SVG",
        "qr.svg",
        's',
        false,
        false,
        true,
    ),
    row(
        ExportFormat::QrTerminal,
        "qr-terminal",
        "QR code for the terminal",
        "show QR here",
        "qr-terminal.txt",
        'q',
        false,
        false,
        true,
    ),
    row(
        ExportFormat::BakedPng,
        "baked-png",
        "baked badge image (Open Badges PNG)",
        "baked PNG",
        "png",
        'b',
        true,
        true,
        true,
    ),
    row(
        ExportFormat::BakedPngJwt,
        "baked-png-jwt",
        "baked badge image with the VC-JWT",
        "baked PNG (JWT)",
        "jwt.png",
        'w',
        true,
        true,
        true,
    ),
    row(
        ExportFormat::VcJwt,
        "vc-jwt",
        "Open Badges VC-JWT",
        "VC-JWT",
        "jwt",
        'j',
        false,
        true,
        true,
    ),
    row(
        ExportFormat::Ob3Json,
        "ob3-json",
        "Open Badges JSON (signed)",
        "OB 3.0 JSON",
        "ob3.json",
        'o',
        false,
        true,
        true,
    ),
];

#[allow(clippy::too_many_arguments)] // Reason: one table row, read in columns.
const fn row(
    format: ExportFormat,
    name: &'static str,
    label: &'static str,
    short: &'static str,
    extension: &'static str,
    key: char,
    binary: bool,
    needs_key: bool,
    for_sharing: bool,
) -> FormatInfo {
    FormatInfo {
        format,
        name,
        label,
        short,
        extension,
        key,
        binary,
        needs_key,
        for_sharing,
    }
}

impl ExportFormat {
    /// This format's row of [`FORMATS`].
    pub fn info(self) -> &'static FormatInfo {
        // Every variant has a row (a unit test checks it); Cbor's is first.
        FORMATS
            .iter()
            .find(|i| i.format == self)
            .unwrap_or(&FORMATS[0])
    }

    /// The format with this command-line name.
    pub fn from_name(name: &str) -> Option<Self> {
        FORMATS
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name.trim()))
            .map(|i| i.format)
    }

    /// The format with this menu key.
    pub fn from_key(key: char) -> Option<Self> {
        FORMATS.iter().find(|i| i.key == key).map(|i| i.format)
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// File name extension.
    pub fn extension(self) -> &'static str {
        self.info().extension
    }

    /// Binary output (never printed to a terminal).
    pub fn is_binary(self) -> bool {
        self.info().binary
    }

    /// Needs the issuer's signing key.
    pub fn needs_key(self) -> bool {
        self.info().needs_key
    }

    /// Meant for showing to others (refused for revoked or private badges).
    pub fn is_for_sharing(self) -> bool {
        self.info().for_sharing
    }
}

impl std::fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.info().name)
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s).ok_or_else(|| {
            let names: Vec<&str> = FORMATS.iter().map(|i| i.name).collect();
            format!(
                "{s:?} is not an export format; choose one of {}",
                names.join(", ")
            )
        })
    }
}

impl Desk {
    /// Save an export in the data directory's `exports/` folder as
    /// `badge-SERIAL.EXT` (atomically); returns the path.
    pub fn save_export(
        &self,
        serial: u32,
        format: ExportFormat,
        bytes: &[u8],
    ) -> Result<std::path::PathBuf, DeskError> {
        let dir = self.home().join("exports");
        crate::store::files::create_dir(&dir)?;
        let path = dir.join(format!("badge-{serial}.{}", format.extension()));
        crate::store::files::write_atomic(&path, bytes)?;
        Ok(path)
    }

    /// The ledger record of a badge that may be exported in `format`:
    /// revoked and private badges are not shared (card formats are fine).
    pub fn exportable(&self, serial: u32, format: ExportFormat) -> Result<BadgeRecord, DeskError> {
        let record = self.ledger.badge(serial)?;
        if format.is_for_sharing() {
            if record.state == BadgeState::Revoked {
                return Err(DeskError::Input(format!(
                    "badge {serial} is revoked; it cannot be shared"
                )));
            }
            if record.private {
                return Err(DeskError::Input(format!(
                    "badge {serial} is private (the candidate did not want it shared); `tessera ledger private {serial} off` makes it shareable"
                )));
            }
        }
        Ok(record)
    }

    /// A ledger badge in a sharing or card format. `signer` is the key that
    /// signed the badge, needed for the VC-JWT and the baked image
    /// ([`ExportFormat::needs_key`]).
    pub fn export(
        &self,
        serial: u32,
        format: ExportFormat,
        signer: Option<&SigningKey>,
    ) -> Result<Vec<u8>, DeskError> {
        let record = self.exportable(serial, format)?;
        let qr_err = |e: crate::qr::QrError| DeskError::Input(e.to_string());
        match format {
            ExportFormat::Cbor => return Ok(record.cose),
            ExportFormat::Ndef => return self.card_image(serial),
            ExportFormat::QrText => {
                return Ok(format!("{}\n", crate::qr::to_text(&record.cose)).into_bytes());
            }
            ExportFormat::QrPng => return crate::qr::to_png(&record.cose).map_err(qr_err),
            ExportFormat::QrTerminal => {
                return crate::qr::to_terminal(&record.cose)
                    .map(|q| format!("{q}\n").into_bytes())
                    .map_err(qr_err);
            }
            ExportFormat::QrSvg => {
                return crate::qr::to_svg(&record.cose)
                    .map(String::into_bytes)
                    .map_err(qr_err);
            }
            _ => {}
        }
        // The credential formats are built from the verified badge.
        let issuer = self.issuer_of(&record)?;
        let badge = verify_own(&record, &issuer)?;
        let code = claim_code(&record.salt);
        let described = self.described(&record.achievement_id)?;
        let signer = signer
            .filter(|k| k.public_key() == badge.issuer_key)
            .ok_or_else(|| {
                DeskError::Input(format!(
                    "a {} is signed with the key that signed badge {serial} (key {}); unlock that key",
                    format.label(),
                    hex::encode(&record.kid)
                ))
            })?;
        let status_list = self.status_entry_of(signer, serial)?;
        let credential = crate::share::credential(&crate::share::CredentialInput {
            cose: &record.cose,
            badge: &badge,
            issuer_name: &issuer.name,
            identity: Some(crate::share::Identity {
                hash: &crate::share::identity_hash(&record.recipient, &code),
                email: record.recipient.contains('@'),
            }),
            achievement: described.as_ref().map(Described::text),
            status_list: status_list.as_ref().map(|(url, i)| (url.as_str(), *i)),
        });
        let text = match format {
            ExportFormat::Ob3Json | ExportFormat::BakedPng => {
                let signed =
                    crate::share::sign_credential(&credential, signer, badge.claims.issued_at)?;
                serde_json::to_string_pretty(&signed)
                    .map_err(|e| WriteError::Json("the credential", e))?
            }
            _ => crate::share::vc_jwt(&credential, &badge, signer)?,
        };
        if matches!(format, ExportFormat::Ob3Json | ExportFormat::VcJwt) {
            return Ok(format!("{text}\n").into_bytes());
        }
        let pixels = badge_picture(&badge, &issuer, described.as_ref());
        Ok(crate::share::bake(&pixels, &text)?)
    }

    /// A shareable ledger badge (not revoked, not private) and its issuer:
    /// what the share kit is built from.
    pub(crate) fn shareable(&self, serial: u32) -> Result<(BadgeRecord, IssuerRecord), DeskError> {
        let record = self.exportable(serial, ExportFormat::QrText)?;
        let issuer = self.issuer_of(&record)?;
        Ok((record, issuer))
    }

    /// What the catalogue says about an achievement, in the issuer's
    /// language (`None` when the catalogue does not have it).
    pub(crate) fn described(&self, code: &str) -> Result<Option<Described>, DeskError> {
        let catalogue = self.catalogue()?;
        let Some(entry) = catalogue.get(code) else {
            return Ok(None);
        };
        Ok(Some(Described {
            image: entry.image_png(),
            lang: self.language()?,
            entry: entry.clone(),
        }))
    }

    /// The issuer key record that signed a ledger badge.
    fn issuer_of(&self, record: &BadgeRecord) -> Result<IssuerRecord, DeskError> {
        self.ledger
            .issuers()?
            .into_iter()
            .find(|i| i.kid == record.kid)
            .ok_or_else(|| {
                DeskError::Input(format!(
                    "badge {} names an issuer key this desk does not have",
                    record.serial
                ))
            })
    }
}

/// A ledger badge verified with its own issuer's key (no time, no status
/// list: an export says what was signed).
pub(crate) fn verify_own<'r>(
    record: &'r BadgeRecord,
    issuer: &IssuerRecord,
) -> Result<tessera_core::VerifiedBadge<'r>, DeskError> {
    let mut store: TrustStore<1> = TrustStore::new();
    store.add(PublicKey::try_from(issuer.public_key.as_slice())?)?;
    Ok(tessera_core::verify(&record.cose, &store, None, None)?)
}

/// A catalogue entry with the issuer's language and its decoded image.
pub(crate) struct Described {
    entry: crate::catalogue::Entry,
    lang: String,
    image: Option<Vec<u8>>,
}

impl Described {
    /// The credential's view of it.
    pub(crate) fn text(&self) -> crate::share::AchievementText<'_> {
        crate::share::AchievementText {
            achievement_type: self.entry.kind.achievement_type(),
            description: self.entry.description_in(&self.lang),
            criteria: self.entry.criteria_in(&self.lang),
            image_png: self.image.as_deref(),
        }
    }
}

/// The badge picture (RGB pixels, [`crate::picture::SIDE`] square):
/// achievement, issuer, dates, serial, and a DEMO banner for demo badges;
/// the catalogue's name (in the issuer's language) and image when it has
/// the achievement.
pub(crate) fn badge_picture(
    badge: &tessera_core::VerifiedBadge<'_>,
    issuer: &IssuerRecord,
    described: Option<&Described>,
) -> Vec<u8> {
    let c = &badge.claims;
    let secs = |t: u64| i64::try_from(t).unwrap_or(i64::MAX);
    let lang = described.map_or("en", |d| d.lang.as_str());
    let labels = crate::picture::Labels::for_language(lang);
    let valid_until = c
        .expires
        .map(|e| format!("{} {}", labels.valid_until, expiry_date(secs(e))));
    let title = described.map_or(c.achievement_name.unwrap_or(c.achievement_id), |d| {
        d.entry.name_in(lang)
    });
    crate::picture::render(&crate::picture::BadgeFace {
        title,
        code: c.achievement_id,
        issuer: c.issuer.unwrap_or(&issuer.name),
        issued: &date(secs(c.issued_at)),
        valid_until: valid_until.as_deref(),
        serial: c.serial,
        demo: issuer.demo,
        image: described.and_then(|d| d.image.as_deref()),
        labels,
    })
}

#[cfg(test)]
mod tests {
    use super::{ExportFormat, FORMATS};

    #[test]
    fn every_format_has_one_row_with_unique_name_key_and_extension() {
        for (i, a) in FORMATS.iter().enumerate() {
            assert_eq!(a.format.info(), a);
            assert_eq!(ExportFormat::from_name(a.name), Some(a.format));
            assert_eq!(ExportFormat::from_key(a.key), Some(a.format));
            for b in FORMATS.iter().skip(i + 1) {
                assert_ne!(a.format, b.format);
                assert_ne!(a.name, b.name);
                assert_ne!(a.key, b.key);
                assert_ne!(a.extension, b.extension);
            }
        }
        assert!("gif".parse::<ExportFormat>().is_err());
    }
}
