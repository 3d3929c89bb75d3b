//! `revoke`, `suspend`, `reinstate` and `status-list`: a badge's standing,
//! and the signed lists that carry it to kiosks and pages.

use std::path::PathBuf;

use clap::Args;
use tessera_desk::DeskError;

use super::Ctx;
use super::output::status_changed;

/// Arguments of `revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The badge serial.
    serial: u32,
    /// Why (kept in the ledger).
    #[arg(long)]
    reason: String,
}

impl RevokeArgs {
    /// Revoke, publish the lists, rebuild the site.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let mut desk = ctx.desk()?;
        let keys = desk.unlock(&mut ctx.passphrase())?;
        let path = desk.revoke(&keys, self.serial, &self.reason)?;
        let what = format!("badge {} revoked", self.serial);
        status_changed(&desk, &keys, &what, &path);
        Ok(0)
    }
}

/// Arguments of `suspend`.
#[derive(Debug, Args)]
pub struct SuspendArgs {
    /// The badge serial.
    serial: u32,
    /// Why (kept in the ledger and shown to verifiers).
    #[arg(long)]
    reason: String,
}

impl SuspendArgs {
    /// Suspend, publish the lists, rebuild the site.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.desk()?;
        let keys = desk.unlock(&mut ctx.passphrase())?;
        let path = desk.suspend(&keys, self.serial, &self.reason)?;
        let what = format!("badge {} suspended", self.serial);
        status_changed(&desk, &keys, &what, &path);
        Ok(0)
    }
}

/// Arguments of `reinstate`.
#[derive(Debug, Args)]
pub struct ReinstateArgs {
    /// The badge serial.
    serial: u32,
}

impl ReinstateArgs {
    /// Lift the suspension, publish the lists, rebuild the site.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.desk()?;
        let keys = desk.unlock(&mut ctx.passphrase())?;
        let path = desk.reinstate(&keys, self.serial)?;
        let what = format!("badge {} reinstated", self.serial);
        status_changed(&desk, &keys, &what, &path);
        Ok(0)
    }
}

/// Arguments of `status-list`.
#[derive(Debug, Args)]
pub struct StatusListArgs {
    /// Where to write it (default: status-list.cbor in the data directory).
    #[arg(long)]
    out: Option<PathBuf>,
}

impl StatusListArgs {
    /// Sign every key's lists and write them.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.desk()?;
        let keys = desk.unlock(&mut ctx.passphrase())?;
        let path = desk.publish_status_list(&keys, self.out.as_deref())?;
        println!("status lists written to {}", path.display());
        Ok(0)
    }
}
