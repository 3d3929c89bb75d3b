//! `mail` (the server, the sender, the outbox) and `notify` (sending).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use tessera_core::SigningKey;

use super::output::print_json;
use super::{Ctx, Switch};
use tessera_desk::notify::{SendMode, SendReport, Smtp};
use tessera_desk::store::files;
use tessera_desk::store::secret::Secret;
use tessera_desk::{Desk, DeskError};

/// `mail` subcommands.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Save the SMTP server and sender the notification e-mails use. The
    /// password (from --password-file, or asked for) is stored sealed to
    /// this desk's issuer key, and never printed.
    Setup {
        /// The server: smtp://HOST:587?tls=required (STARTTLS),
        /// smtps://HOST:465 (TLS), or smtp://localhost:25 (a local relay).
        #[arg(long)]
        smtp: String,
        /// The sender, e.g. "Lisbon Test Center <badges@example.org>".
        #[arg(long)]
        from: String,
        /// The SMTP user, when the server asks for one.
        #[arg(long)]
        user: Option<String>,
        /// Read the SMTP password from this file (else it is asked for).
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// The outbox: how many messages wait, how many were sent, and every
    /// one refused for good with the server's reason.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Queue a notification e-mail with every badge issued (on, the
    /// default) or not (off).
    Queue {
        /// on or off.
        #[arg(value_enum)]
        state: Switch,
    },
}

/// Arguments of `notify`.
#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// Send (again) this badge's message; a message already sent goes
    /// under a new Message-ID, so the candidate gets a second copy.
    pub serial: Option<u32>,
    /// Send every pending message now.
    #[arg(long, conflicts_with = "serial")]
    pub pending: bool,
    /// Keep running: send the messages as they fall due, retrying with
    /// backoff while the server is away, until interrupted.
    #[arg(long, conflicts_with = "serial")]
    pub watch: bool,
    /// Send through this server instead of the saved one (plain SMTP, no
    /// login), e.g. smtp://127.0.0.1:2525.
    #[arg(long, requires = "from")]
    pub smtp: Option<String>,
    /// The sender with --smtp.
    #[arg(long, requires = "smtp")]
    pub from: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

impl MailCommand {
    /// Run it with the desk's keys (the SMTP password is sealed to them).
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        run_mail(&ctx.desk()?, self, &mut ctx.passphrase())
    }
}

impl NotifyArgs {
    /// Send: signs each message's badge, so it needs the keys.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        run_notify(&ctx.desk()?, self, &mut ctx.passphrase())
    }
}

/// Run a `mail` subcommand.
fn run_mail(
    desk: &Desk,
    command: MailCommand,
    pass: &mut dyn FnMut() -> Option<Secret>,
) -> Result<i32, DeskError> {
    match command {
        MailCommand::Setup {
            smtp,
            from,
            user,
            password_file,
        } => {
            let password = match (&user, password_file) {
                (None, _) => None,
                (Some(_), Some(f)) => Some(files::read_passphrase_file(&f)?),
                (Some(_), None) if std::io::stdin().is_terminal() => Some(Secret::new(
                    rpassword::prompt_password("SMTP password: ")
                        .map_err(|e| DeskError::Input(format!("cannot read the password: {e}")))?,
                )),
                (Some(_), None) => {
                    return Err(DeskError::Input(
                        "give the SMTP password with --password-file FILE (no terminal to ask in)"
                            .into(),
                    ));
                }
            };
            let key = match &password {
                Some(_) => Some(desk.signing_key(pass)?),
                None => None,
            };
            let config = desk.save_mail_config(
                &smtp,
                &from,
                user.as_deref(),
                password.as_ref().zip(key.as_ref()),
            )?;
            println!(
                "mail server saved: {} as {}{}",
                config.smtp,
                config.from,
                match (&config.username, &config.password) {
                    (Some(u), Some(_)) => format!(", user {u} (password stored sealed)"),
                    (Some(u), None) => format!(", user {u}"),
                    _ => String::new(),
                }
            );
            Ok(0)
        }
        MailCommand::Status { json } => {
            let s = desk.outbox_summary()?;
            if json {
                print_json(&s)?;
            } else {
                println!(
                    "{} pending, {} sent, {} refused",
                    s.pending,
                    s.sent,
                    s.failed.len()
                );
                for f in &s.failed {
                    println!("badge {} to {}: {}", f.serial, f.recipient, f.reason);
                }
            }
            Ok(0)
        }
        MailCommand::Queue { state } => {
            let on = state.is_on();
            desk.set_mail_queue(on)?;
            println!(
                "{}",
                if on {
                    "issuing queues a notification e-mail for every badge to an e-mail address"
                } else {
                    "issuing queues no e-mail (`tessera notify SERIAL` still sends one)"
                }
            );
            Ok(0)
        }
    }
}

fn print_report(r: &SendReport, json: bool) -> Result<(), DeskError> {
    if json {
        return print_json(r);
    }
    if r.busy {
        println!(
            "another process is sending this ledger's e-mails; nothing was sent here ({} pending)",
            r.pending
        );
        return Ok(());
    }
    for f in &r.failed {
        println!(
            "badge {} to {}: not sent: {}",
            f.serial, f.recipient, f.reason
        );
    }
    for d in &r.deferred {
        println!(
            "badge {} to {}: will retry: {}",
            d.serial, d.recipient, d.reason
        );
    }
    println!(
        "{} sent, {} refused, {} to retry, {} pending",
        r.sent,
        r.failed.len(),
        r.deferred.len(),
        r.pending
    );
    if let Some(why) = &r.unreachable {
        println!("stopped: the mail server cannot be reached ({why}); the rest stays queued");
    }
    Ok(())
}

/// Run `notify`.
fn run_notify(
    desk: &Desk,
    args: NotifyArgs,
    pass: &mut dyn FnMut() -> Option<Secret>,
) -> Result<i32, DeskError> {
    let mut keys: HashMap<Vec<u8>, SigningKey> = HashMap::new();
    let mut key_for = |kid: &[u8]| -> Result<SigningKey, DeskError> {
        if let Some(k) = keys.get(kid) {
            return Ok(k.clone());
        }
        let k = desk.signing_key_for(kid, pass)?;
        keys.insert(kid.to_vec(), k.clone());
        Ok(k)
    };
    let smtp = match (&args.smtp, &args.from) {
        (Some(url), Some(from)) => Smtp::plain(url, from)?,
        _ => desk.smtp(&mut key_for)?,
    };
    let mode = match (args.serial, args.pending, args.watch) {
        (Some(s), _, _) => SendMode::Only(vec![s]),
        (None, true, _) => SendMode::AllPending,
        (None, false, true) => SendMode::Due,
        (None, false, false) => {
            return Err(DeskError::Input(
                "say what to send: a badge's SERIAL, --pending for every waiting message, or --watch to keep sending".into(),
            ));
        }
    };
    let interactive = std::io::stderr().is_terminal() && !args.json;
    let mut progress = |sent: usize, failed: usize| {
        if interactive && (sent + failed).is_multiple_of(50) {
            eprint!("\rsent {sent}, refused {failed}");
        }
    };
    if !args.watch {
        let report =
            desk.send_notifications(&smtp, &mode, &mut key_for, &|| false, &mut progress)?;
        if interactive {
            eprintln!();
        }
        print_report(&report, args.json)?;
        let incomplete = report.unreachable.is_some() || !report.failed.is_empty() || report.busy;
        return Ok(if incomplete { 1 } else { 0 });
    }
    // The watcher: due messages every half minute; while the server is
    // away, wait twice as long each time, up to a quarter of an hour.
    let mut wait = 30u64;
    loop {
        let report =
            desk.send_notifications(&smtp, &mode, &mut key_for, &|| false, &mut progress)?;
        if report.sent > 0 || !report.failed.is_empty() || report.unreachable.is_some() {
            print_report(&report, args.json)?;
        }
        wait = if report.unreachable.is_some() {
            (wait * 2).min(900)
        } else {
            30
        };
        std::thread::sleep(std::time::Duration::from_secs(wait));
    }
}
