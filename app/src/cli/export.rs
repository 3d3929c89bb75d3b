//! `export` and `site`: a badge in the formats other people read, and the
//! verification site.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use tessera_desk::site::PageAssets;
use tessera_desk::{DeskError, ExportFormat};

use super::Ctx;
use super::output::write_out;

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The badge serial.
    serial: u32,
    /// The format: cbor, ndef, qr-text, qr-png, qr-svg, qr-terminal,
    /// baked-png, vc-jwt or ob3-json.
    #[arg(long, value_parser = parse_format)]
    format: ExportFormat,
    /// Write here (atomically); without it, text goes to standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    s.parse()
}

impl ExportArgs {
    /// Refuse what cannot be shared before asking for a passphrase; then
    /// write the export.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let (serial, format) = (self.serial, self.format);
        let desk = ctx.desk()?;
        if format.is_binary() && self.out.is_none() && std::io::stdout().is_terminal() {
            return Err(DeskError::Input(format!(
                "a {} is binary: give --out FILE (for example --out badge-{serial}.{})",
                format.label(),
                format.extension()
            )));
        }
        // Refuse revoked or private badges before asking for a passphrase.
        let record = desk.exportable(serial, format)?;
        let key = if format.needs_key() {
            Some(desk.signing_key_for(&record.kid, &mut ctx.passphrase())?)
        } else {
            None
        };
        let bytes = desk.export(serial, format, key.as_ref())?;
        write_out(self.out.as_deref(), &bytes)?;
        if let Some(path) = &self.out {
            eprintln!(
                "badge {serial} exported as {} ({} bytes) to {}",
                format.label(),
                bytes.len(),
                path.display()
            );
        }
        Ok(0)
    }
}

/// `site` subcommands.
#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Write the whole site to DIR; publishing is copying DIR to a web
    /// host. `tessera revoke` rebuilds it afterwards.
    Build {
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Where the site will be published (for share links), e.g.
        /// <https://badges.example.org/> (remembered).
        #[arg(long)]
        url: Option<String>,
        /// A page built elsewhere (`bash web/build.sh` makes web/dist);
        /// without it, the page built into tessera ($TESSERA_WEB_ASSETS
        /// also names one).
        #[arg(long)]
        assets: Option<PathBuf>,
    },
    /// Show or set where the site is published (share links and the
    /// notification e-mails link there), for a site built elsewhere.
    Url {
        /// The address, e.g. <https://badges.example.org/>.
        url: Option<String>,
    },
}

impl SiteCommand {
    /// Build the site, or show or set its address.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.desk()?;
        match self {
            SiteCommand::Build { out, url, assets } => {
                let keys = desk.unlock(&mut ctx.passphrase())?;
                let assets = PageAssets::chosen(assets);
                let site = desk.build_site(&keys, &out, &assets, url.as_deref())?;
                println!(
                    "verification site written to {} ({} trusted issuer keys, {} revoked badges listed); open {}/index.html or publish the folder{}",
                    site.dir.display(),
                    site.issuers,
                    site.revoked,
                    site.dir.display(),
                    site.url.map(|u| format!(" at {u}")).unwrap_or_default()
                );
            }
            SiteCommand::Url { url } => {
                if let Some(u) = url {
                    desk.set_site_url(&u)?;
                }
                match desk.site_url()? {
                    Some(u) => println!("the verification site is at {u}"),
                    None => println!(
                        "no site address yet: `tessera site url https://…` or `tessera site build --url https://…`"
                    ),
                }
            }
        }
        Ok(0)
    }
}
