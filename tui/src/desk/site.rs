//! The verification site: the static web page (the core in WebAssembly),
//! this desk's trust list, its latest signed status list and its
//! revocation reasons, written to a folder that any static host (or a
//! file:// URL) serves. Publishing is copying the folder.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use tessera_core::SigningKey;
use tessera_web::verifier::{SITE_FORMAT, Site, SiteIssuer, SiteRevocation};

use super::{Desk, DeskError};
use crate::store::files;
use crate::store::ledger::{BadgeState, Filter};

/// The page's files `web/build.sh` makes; `site build` refuses to write a
/// site without every one of them.
pub const ASSETS: [&str; 7] = [
    "index.html",
    "style.css",
    "strings.js",
    "app.js",
    "tessera_web.js",
    "tessera_wasm.js",
    "tessera_web_bg.wasm",
];

/// Where the built page is looked for when `--assets` is not given:
/// `$TESSERA_WEB_ASSETS`, else this source tree's `web/dist`.
pub fn default_assets() -> PathBuf {
    std::env::var_os("TESSERA_WEB_ASSETS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist")),
        PathBuf::from,
    )
}

/// What `site build` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteReport {
    /// The folder.
    pub dir: PathBuf,
    /// Issuer keys in its trust list.
    pub issuers: usize,
    /// Revoked badges listed.
    pub revoked: usize,
    /// Its published address, when known.
    pub url: Option<String>,
}

impl Desk {
    /// The site data for the page: every key this desk trusts (with names
    /// and the demo label), a fresh status list signed with `key` (the
    /// active issuer key), and the reasons of its revocations.
    pub fn site_data(&self, key: &SigningKey, url: Option<&str>) -> Result<Site, DeskError> {
        let (_, demo_kids) = self.trust_store()?;
        let trust = self
            .trusted_keys()?
            .into_iter()
            .map(|(k, name)| SiteIssuer {
                kid: k.kid().to_string(),
                key: hex::encode(k.as_bytes()),
                demo: demo_kids.iter().any(|d| d.as_slice() == k.kid().as_bytes()),
                name,
            })
            .collect();
        let list = self.status_list(key)?;
        let kid = hex::encode(key.kid().as_bytes());
        let revocations = self
            .ledger
            .list(&Filter {
                state: Some(BadgeState::Revoked),
                kid: Some(key.kid().as_bytes().to_vec()),
                ..Filter::default()
            })?
            .into_iter()
            .map(|b| SiteRevocation {
                kid: kid.clone(),
                serial: b.serial,
                date: b
                    .revoked_at
                    .map_or_else(|| "an unrecorded date".into(), crate::desk::check::date),
                reason: b
                    .revocation_reason
                    .unwrap_or_else(|| "no reason recorded".into()),
            })
            .collect();
        Ok(Site {
            format: SITE_FORMAT.to_string(),
            issuer: self.issuer()?.name,
            url: url.map(str::to_string),
            built_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            trust,
            status_lists: vec![base64::engine::general_purpose::STANDARD.encode(list)],
            revocations,
        })
    }

    /// Write the verification site to `out` from the built page in
    /// `assets`, and remember `out` (and `url`) so `revoke` rebuilds it.
    /// Each file is written atomically; the page's files come first and
    /// the site data last, so a half-done build never pairs a new page
    /// with old data unnoticed.
    pub fn build_site(
        &self,
        key: &SigningKey,
        out: &Path,
        assets: &Path,
        url: Option<&str>,
    ) -> Result<SiteReport, DeskError> {
        for name in ASSETS {
            if !assets.join(name).is_file() {
                return Err(DeskError::Input(format!(
                    "the web verifier is not built ({} has no {name}): run `bash web/build.sh`, or give --assets DIR",
                    assets.display()
                )));
            }
        }
        let url = url.map(str::to_string).or(self.ledger.meta("site_url")?);
        // The address first: the status list credential is named by it.
        if let Some(u) = &url {
            self.set_site_url(u)?;
        }
        let site = self.site_data(key, url.as_deref())?;
        files::create_dir(out)?;
        for name in ASSETS {
            files::write_atomic(&out.join(name), &files::read(&assets.join(name))?)?;
        }
        if let Some(list) = self.status_list_credential(key)? {
            let file = out.join(crate::desk::status_credential::path_of(
                &key.kid().to_string(),
            ));
            if let Some(dir) = file.parent() {
                files::create_dir(dir)?;
            }
            files::write_atomic(&file, &list)?;
        }
        let json = serde_json::to_string_pretty(&site)
            .map_err(|e| DeskError::Input(format!("the site data cannot be written: {e}")))?;
        files::write_atomic(
            &out.join("site-data.js"),
            format!("// Written by `tessera site build`: this desk's trust list, status list and revocations.\nwindow.TESSERA_SITE = {json};\n").as_bytes(),
        )?;
        let abs = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
        self.ledger
            .set_meta("site_dir", &abs.display().to_string())?;
        self.ledger
            .set_meta("site_assets", &assets.display().to_string())?;
        Ok(SiteReport {
            dir: abs,
            issuers: site.trust.len(),
            revoked: site.revocations.len(),
            url,
        })
    }

    /// Rebuild the site `site build` last wrote, if there is one (after a
    /// revocation: the page must learn it).
    pub fn rebuild_site(&self, key: &SigningKey) -> Result<Option<SiteReport>, DeskError> {
        let Some(dir) = self.ledger.meta("site_dir")? else {
            return Ok(None);
        };
        let assets = self
            .ledger
            .meta("site_assets")?
            .map_or_else(default_assets, PathBuf::from);
        self.build_site(key, Path::new(&dir), &assets, None)
            .map(Some)
    }

    /// Remember where the site is published (for share links and the
    /// notification e-mails), without building it here.
    pub fn set_site_url(&self, url: &str) -> Result<(), DeskError> {
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(['#', ' '])
        {
            return Err(DeskError::Input(format!(
                "{url:?} is not a web address for the site; write it as https://badges.example.org/"
            )));
        }
        Ok(self.ledger.set_meta("site_url", url)?)
    }

    /// Where the site is published, if this desk knows.
    pub fn site_url(&self) -> Result<Option<String>, DeskError> {
        Ok(self.ledger.meta("site_url")?)
    }

    /// The verification link of a badge: the site's address and the badge
    /// in the fragment (which browsers never send to the server).
    pub fn verification_link(&self, cose: &[u8]) -> Result<String, DeskError> {
        let base = self.ledger.meta("site_url")?.ok_or_else(|| {
            DeskError::Input(
                "this desk has no verification site address yet: run `tessera site build --out DIR --url https://…` once".into(),
            )
        })?;
        Ok(on_site(
            &base,
            &format!("#{}", tessera_formats::qr_text::link_fragment(cose)),
        ))
    }
}

/// An address on the site whose address is `base`: `base`, one `/`, `rest`.
pub(crate) fn on_site(base: &str, rest: &str) -> String {
    let sep = if base.ends_with('/') { "" } else { "/" };
    format!("{base}{sep}{rest}")
}
