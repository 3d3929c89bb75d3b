//! The verification site: the static web page (the core in WebAssembly),
//! this desk's trust list, its signed status lists (in the page, and whole
//! in `status-lists.cbor` for other desks and kiosks) and its revocation
//! reasons, written to a folder that any static host (or a
//! file:// URL) serves. Publishing is copying the folder.

use crate::share::WriteError;
use std::path::{Path, PathBuf};

use tessera_formats::site::{CompactList, SITE_FORMAT, Site, SiteIssuer};
use tessera_formats::verdict::Reason;

use super::{Desk, DeskError, KeyRing};
use crate::store::files;
use crate::store::ledger::{BadgeState, Filter};

/// The page's files `web/build.sh` makes; `site build --assets DIR`
/// refuses to write a site without every one of them. `index.html` is the whole page (its
/// style, scripts and module inlined); the module file is beside it for
/// size reports and for integrators.
pub const ASSETS: [&str; 2] = ["index.html", "tessera_web_bg.wasm"];

/// The site's file with every status list the page carries, signed and
/// whole (a CBOR sequence, as `tessera status-list` writes).
pub const STATUS_LISTS_FILE: &str = "status-lists.cbor";

/// The page's data block the site data goes into, exactly once.
const SITE_SLOT: &str =
    r#"<script type="application/json" id="tessera-site">@TESSERA_SITE@</script>"#;

/// Files of sites built before the page was one file; a rebuild removes
/// them so nothing stale is published.
const OLD_ASSETS: [&str; 6] = [
    "style.css",
    "strings.js",
    "app.js",
    "tessera_web.js",
    "tessera_wasm.js",
    "site-data.js",
];

/// The page with `site` in its data block. JSON in an HTML data block
/// must not hold `</script>` or `<!--`: every `<` (only ever inside JSON
/// strings) is written `\u003c`, which reads back the same.
fn page_with(page: &str, site: &Site) -> Result<String, DeskError> {
    if page.matches(SITE_SLOT).count() != 1 {
        return Err(DeskError::Input(
            "the web verifier's index.html has no place for the site data (it is from another version): run `bash web/build.sh` again".into(),
        ));
    }
    let json = serde_json::to_string(site)
        .map_err(|e| WriteError::Json("the site data", e))?
        .replace('<', "\\u003c");
    let block = format!(r#"<script type="application/json" id="tessera-site">{json}</script>"#);
    Ok(page.replacen(SITE_SLOT, &block, 1))
}

/// Why badges were revoked or suspended, by key and serial: what a site
/// shows and a trust file carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reasons {
    /// Revoked badges.
    pub revoked: Vec<Reason>,
    /// Suspended badges.
    pub suspended: Vec<Reason>,
}

impl Reasons {
    /// Only the entries of key `kid` (hex).
    pub fn of_key(&self, kid: &str) -> Self {
        let keep = |v: &[Reason]| v.iter().filter(|r| r.kid == kid).cloned().collect();
        Self {
            revoked: keep(&self.revoked),
            suspended: keep(&self.suspended),
        }
    }

    /// Add `other`'s entries.
    pub fn extend(&mut self, other: Self) {
        self.revoked.extend(other.revoked);
        self.suspended.extend(other.suspended);
    }
}

/// The page a site is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageAssets {
    /// The page built into this program: `web/page/`, which `web/build.sh`
    /// writes and CI rebuilds from source and compares, so a fresh build
    /// of the desk publishes sites with no web toolchain.
    Builtin,
    /// A page built elsewhere (`--assets DIR`, `$TESSERA_WEB_ASSETS`):
    /// `web/build.sh`'s `web/dist`, or a page of one's own.
    Dir(PathBuf),
}

impl PageAssets {
    /// `--assets DIR` if given, else `$TESSERA_WEB_ASSETS`, else the
    /// built-in page.
    pub fn chosen(dir: Option<PathBuf>) -> Self {
        dir.or_else(|| std::env::var_os("TESSERA_WEB_ASSETS").map(PathBuf::from))
            .map_or(Self::Builtin, Self::Dir)
    }

    /// How the ledger remembers it (for the rebuild after a revocation).
    fn remembered(&self) -> String {
        match self {
            Self::Builtin => BUILTIN.to_string(),
            Self::Dir(dir) => dir.display().to_string(),
        }
    }

    /// What the ledger remembered.
    fn recalled(text: Option<String>) -> Self {
        match text {
            Some(dir) if dir != BUILTIN => Self::Dir(PathBuf::from(dir)),
            _ => Self::Builtin,
        }
    }

    /// The page (`index.html`) and the module, read whole.
    fn load(&self) -> Result<(String, Vec<u8>), DeskError> {
        let dir = match self {
            Self::Builtin => {
                return Ok((BUILTIN_PAGE.to_string(), BUILTIN_MODULE.to_vec()));
            }
            Self::Dir(dir) => dir,
        };
        for name in ASSETS {
            if !dir.join(name).is_file() {
                return Err(DeskError::Input(format!(
                    "{} has no {name}: give the folder `bash web/build.sh` writes (web/dist), or leave out --assets for the page built into tessera",
                    dir.display()
                )));
            }
        }
        let page = String::from_utf8(files::read(&dir.join("index.html"))?).map_err(|_| {
            DeskError::Input(format!(
                "{} is not text: run `bash web/build.sh` again",
                dir.join("index.html").display()
            ))
        })?;
        Ok((page, files::read(&dir.join("tessera_web_bg.wasm"))?))
    }
}

/// The ledger's word for [`PageAssets::Builtin`].
const BUILTIN: &str = "built-in";

/// The page built into the desk (`web/page/`, kept equal to a build from
/// source by CI).
const BUILTIN_PAGE: &str = include_str!("../../web/page/index.html");

/// The module built into the desk, beside the page.
const BUILTIN_MODULE: &[u8] = include_bytes!("../../web/page/tessera_web_bg.wasm");

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
    /// and the demo label), fresh status lists of every key in `keys` (this
    /// desk's active and retired keys, every serial of each), and the
    /// reasons of their revocations.
    pub fn site_data(&self, keys: &KeyRing, url: Option<&str>) -> Result<Site, DeskError> {
        Ok(self.site_and_lists(keys, url)?.0)
    }

    /// [`Desk::site_data`] and the signed lists it carries in parts.
    fn site_and_lists(
        &self,
        keys: &KeyRing,
        url: Option<&str>,
    ) -> Result<(Site, Vec<Vec<u8>>), DeskError> {
        let (store, demo_kids) = self.trust_store()?;
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
        let mut lists = self.status_lists(keys)?;
        lists.extend(self.foreign_status_lists()?);
        let kids: Vec<Vec<u8>> = keys.iter().map(|k| k.kid().as_bytes().to_vec()).collect();
        // This desk's reasons, and the other centers' it was given.
        let mut reasons = self.reasons_of(&kids)?;
        reasons.extend(self.foreign_reasons()?);
        let Reasons {
            revoked: revocations,
            suspended: suspensions,
        } = reasons;
        let site = Site {
            format: SITE_FORMAT.to_string(),
            issuer: self.issuer()?.name,
            url: url.map(str::to_string),
            built_at: chrono::DateTime::from_timestamp(self.now(), 0)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            trust,
            // In parts: a few bytes a list, not 8 KiB of mostly zero bits
            // (the page re-creates and verifies each).
            compact_lists: lists
                .iter()
                .map(|l| CompactList::from_signed(l, &store))
                .collect::<Result<_, _>>()
                .map_err(|e| {
                    DeskError::Input(format!("a status list cannot be put on the site: {e}"))
                })?,
            revocations,
            suspensions,
        };
        Ok((site, lists))
    }

    /// Why badges of keys `kids` were revoked or suspended, from the ledger.
    pub fn reasons_of(&self, kids: &[Vec<u8>]) -> Result<Reasons, DeskError> {
        let mut out = Reasons::default();
        for kid_bytes in kids {
            let kid = hex::encode(kid_bytes);
            out.suspended.extend(
                self.ledger
                    .suspensions(Some(kid_bytes))?
                    .into_iter()
                    .map(|x| Reason {
                        kid: kid.clone(),
                        serial: x.serial,
                        date: crate::check::date(x.suspended_at),
                        reason: x.reason,
                    }),
            );
            let revoked = self.ledger.list(&Filter {
                state: Some(BadgeState::Revoked),
                kid: Some(kid_bytes.clone()),
                ..Filter::default()
            })?;
            out.revoked.extend(revoked.into_iter().map(|b| {
                Reason {
                    kid: kid.clone(),
                    serial: b.serial,
                    date: b
                        .revoked_at
                        .map_or_else(|| "an unrecorded date".into(), crate::check::date),
                    reason: b
                        .revocation_reason
                        .unwrap_or_else(|| "no reason recorded".into()),
                }
            }));
        }
        Ok(out)
    }

    /// Write the verification site to `out` from the page `assets`, and
    /// remember `out` (and `url`) so `revoke` rebuilds it. Each file is
    /// written atomically: the module and the status list first, the page
    /// (which carries the site data) last.
    pub fn build_site(
        &self,
        keys: &KeyRing,
        out: &Path,
        assets: &PageAssets,
        url: Option<&str>,
    ) -> Result<SiteReport, DeskError> {
        let (page, module) = assets.load()?;
        let url = url.map(str::to_string).or(self.ledger.meta("site_url")?);
        // The address first: the status list credential is named by it.
        if let Some(u) = &url {
            self.set_site_url(u)?;
        }
        let (site, lists) = self.site_and_lists(keys, url.as_deref())?;
        let page = page_with(&page, &site)?;
        files::create_dir(out)?;
        files::write_atomic(&out.join("tessera_web_bg.wasm"), &module)?;
        self.write_status_credentials(keys, out)?;
        // The same lists whole, for other centers' desks (`tessera trust
        // lists https://…`) and kiosks to fetch.
        files::write_atomic(&out.join(STATUS_LISTS_FILE), &lists.concat())?;
        // The page last: it carries the site data, and is written whole.
        files::write_atomic(&out.join("index.html"), page.as_bytes())?;
        for name in OLD_ASSETS {
            let old = out.join(name);
            if old.is_file() {
                std::fs::remove_file(&old).map_err(|e| {
                    DeskError::Input(format!("{} cannot be removed: {e}", old.display()))
                })?;
            }
        }
        let abs = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
        self.ledger
            .set_meta("site_dir", &abs.display().to_string())?;
        self.ledger.set_meta("site_assets", &assets.remembered())?;
        Ok(SiteReport {
            dir: abs,
            issuers: site.trust.len(),
            revoked: site.revocations.len(),
            url,
        })
    }

    /// Rebuild the site `site build` last wrote, if there is one (after a
    /// revocation: the page must learn it).
    pub fn rebuild_site(&self, keys: &KeyRing) -> Result<Option<SiteReport>, DeskError> {
        let Some(dir) = self.ledger.meta("site_dir")? else {
            return Ok(None);
        };
        let assets = PageAssets::recalled(self.ledger.meta("site_assets")?);
        self.build_site(keys, Path::new(&dir), &assets, None)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    // Reason: tests.
    use super::*;

    fn site(issuer: &str) -> Site {
        Site {
            format: SITE_FORMAT.into(),
            issuer: issuer.into(),
            url: None,
            built_at: "2026-12-02T00:00:00Z".into(),
            trust: Vec::new(),
            compact_lists: Vec::new(),
            revocations: Vec::new(),
            suspensions: Vec::new(),
        }
    }

    #[test]
    fn the_site_data_goes_into_its_block_and_cannot_end_it() {
        let page = format!("<head>{SITE_SLOT}<script>app()</script></head>");
        let hostile = "Lyon </script><script>alert(1)</script><!--";
        let out = page_with(&page, &site(hostile)).unwrap();
        assert_eq!(out.matches("</script>").count(), 2, "{out}");
        assert!(!out.contains("<!--"), "{out}");
        let open = r#"<script type="application/json" id="tessera-site">"#;
        let start = out.find(open).unwrap() + open.len();
        let end = start + out[start..].find("</script>").unwrap();
        let back: Site = serde_json::from_str(&out[start..end]).unwrap();
        assert_eq!(back.issuer, hostile);
    }

    #[test]
    fn a_page_without_its_slot_is_refused_with_what_to_do() {
        let err = page_with("<head></head>", &site("Lyon")).unwrap_err();
        assert!(err.to_string().contains("bash web/build.sh"), "{err}");
        let twice = format!("{SITE_SLOT}{SITE_SLOT}");
        assert!(page_with(&twice, &site("Lyon")).is_err());
    }
}
