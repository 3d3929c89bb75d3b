//! `card`: write a badge to the card on the reader, check a card, dump a
//! tag. The same desk operations as the app's Ledger and Check screens.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use clap::Subcommand;
use tessera_desk::DeskError;
use tessera_desk::reader::watch::{ReaderEvent, WatchControl, watch};
use tessera_desk::store::files;

use super::Ctx;
use super::output::{print_report, verdict_line};

/// `card` subcommands. They use the first PC/SC reader (or the one whose
/// name contains --reader).
#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// Write a ledger badge to the card on the reader: capacity check, write,
    /// read back every page; the ledger marks it written only after that.
    /// A standard badge is bound to the card's UID (signed again with it, by
    /// the key that signed it: its passphrase is asked), so a copy on
    /// another card reads FORGED.
    Write {
        /// The badge serial.
        serial: u32,
        /// Use the reader whose name contains this.
        #[arg(long)]
        reader: Option<String>,
        /// Write the badge as issued, not bound to this card (a copy of the
        /// card then reads VALID too); no passphrase is asked.
        #[arg(long)]
        unbound: bool,
    },
    /// Check the card on the reader (its UID binding included) and print the
    /// verdict as `tessera verify` does, with the same exit codes.
    Check {
        /// Keep watching: one line per card placed, until interrupted.
        #[arg(long)]
        watch: bool,
        /// Use the reader whose name contains this.
        #[arg(long)]
        reader: Option<String>,
        /// Print the verdict as JSON (one object per line with --watch).
        #[arg(long)]
        json: bool,
    },
    /// Save the whole tag memory from page 0 (as `nfc-mfultralight r` does);
    /// `tessera verify` reads the file.
    Dump {
        /// Where to write it (atomically).
        #[arg(long)]
        out: PathBuf,
        /// Use the reader whose name contains this.
        #[arg(long)]
        reader: Option<String>,
    },
}

/// `card ...`: the same desk operations as the app's Ledger and Check
/// screens, on the reader.
impl CardCommand {
    /// Run it on the first reader (or the one named).
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = &ctx.desk()?;
        let never = AtomicBool::new(false);
        let waiting = |name: &str| eprintln!("Put the card on {name}…");
        match self {
            CardCommand::Write {
                serial,
                reader,
                unbound,
            } => {
                // Refuse a badge that cannot be written, and unlock the key that
                // binds it, before asking for a card.
                desk.writable_card_image(serial)?;
                let key = if unbound {
                    None
                } else {
                    Some(desk.card_key(serial, &mut ctx.passphrase())?)
                };
                let mut tag =
                    tessera_desk::card::wait_for_card(reader.as_deref(), &never, &mut |n| {
                        eprintln!("Put a blank card on {n} to write badge {serial}…")
                    })?;
                let interactive = std::io::stderr().is_terminal();
                let written =
                    desk.write_card(serial, &mut tag, key.as_ref(), &mut |done, total| {
                        if interactive {
                            eprint!("\rwriting {done}/{total} pages");
                        }
                    })?;
                if interactive {
                    eprintln!();
                }
                println!("{written}");
                Ok(0)
            }
            CardCommand::Check {
                watch: false,
                reader,
                json,
            } => {
                let mut tag =
                    tessera_desk::card::wait_for_card(reader.as_deref(), &never, &mut |n| {
                        waiting(n)
                    })?;
                let (v, source) = desk.read_and_check(&mut tag)?;
                if !json {
                    println!("{source}");
                }
                print_report(&v, json);
                Ok(v.exit_code())
            }
            CardCommand::Check {
                watch: true,
                reader,
                json,
            } => {
                let control = WatchControl::default();
                let mut failed: Option<DeskError> = None;
                watch(reader.as_deref(), &control, &mut |event| match event {
                    ReaderEvent::Ready(name) => {
                        eprintln!("watching {name}: put a card on it (Ctrl-C stops)")
                    }
                    ReaderEvent::Unavailable(e) => {
                        eprintln!("{e} (waiting for the reader to come back)")
                    }
                    ReaderEvent::Removed => eprintln!("card taken off"),
                    ReaderEvent::Card(read) => match desk.check_read(read) {
                        Ok((v, _)) if json => print_report(&v, true),
                        Ok((v, source)) => {
                            println!("{}", verdict_line(&source, &v));
                            let _ = std::io::stdout().flush();
                        }
                        // The card left mid-read, say: the next card will do.
                        Err(DeskError::Card(e)) => eprintln!("the card could not be read: {e}"),
                        Err(e) => {
                            failed = Some(e);
                            control
                                .stop
                                .store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                    },
                });
                match failed {
                    Some(e) => Err(e),
                    None => Ok(0),
                }
            }
            CardCommand::Dump { out, reader } => {
                let mut tag =
                    tessera_desk::card::wait_for_card(reader.as_deref(), &never, &mut |n| {
                        waiting(n)
                    })?;
                let (uid, card_type, memory) = tessera_desk::card::dump_tag(&mut tag)?;
                files::write_atomic(&out, &memory)?;
                println!(
                    "{card_type} with UID {}: {} bytes ({} pages from page 0) written to {}",
                    hex::encode_upper(&uid),
                    memory.len(),
                    memory.len() / tessera_core::ndef::PAGE_LEN,
                    out.display()
                );
                Ok(0)
            }
        }
    }
}
