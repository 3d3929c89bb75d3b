//! The app's runtime: it owns the desk, the unlocked key and the worker
//! threads, performs the [`Effect`]s `update` asks for, and sends what
//! comes of them back as [`Message`]s; and the terminal loop around it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind};
use tessera_core::SigningKey;
use tessera_desk::check::Holder;
use tessera_desk::issue::parse_claim_code;
use tessera_desk::reader::watch::{WatchControl, watch};
use tessera_desk::store::files;
use tessera_desk::store::ledger::LedgerError;
use tessera_desk::store::secret::Secret;
use tessera_desk::{Desk, DeskError, KeyRing, claim_code, default_home};

use super::screens::ledger::{COUNT_CAP, LedgerView};
use super::{Effect, LedgerRows, Message, Model, Screen, update, view};

/// The passphrase from `--passphrase-file` or `$TESSERA_PASSPHRASE`, never
/// a prompt (the terminal is in raw mode; the app asks in its own dialog).
/// The file is read by the one rule in [`files::read_passphrase_file`]; a
/// file that cannot be read is an error, not "no passphrase".
fn stored_passphrase(file: Option<&std::path::Path>) -> Result<Option<Secret>, DeskError> {
    match file {
        Some(f) => Ok(Some(files::read_passphrase_file(f)?)),
        None => Ok(std::env::var("TESSERA_PASSPHRASE").ok().map(Secret::new)),
    }
}

/// The reader watcher thread while the Check screen is shown.
struct Watcher {
    control: Arc<WatchControl>,
    thread: JoinHandle<()>,
}

/// Performs effects: owns the desk, the unlocked key and the worker threads.
pub struct Runtime {
    desk: Desk,
    home: PathBuf,
    place: tessera_desk::Place,
    key: Option<SigningKey>,
    /// Every trusted key of this desk, unlocked (revocation signs each
    /// key's status lists).
    ring: Option<KeyRing>,
    passphrase_file: Option<PathBuf>,
    tx: Sender<Message>,
    /// Messages from workers.
    pub rx: Receiver<Message>,
    cancel_card: Arc<AtomicBool>,
    cancel_bulk: Arc<AtomicBool>,
    watcher: Option<Watcher>,
    /// Number of the watcher running (or last run).
    watch_gen: u64,
    /// A card is being written: the reader is not watched meanwhile.
    writing: Arc<AtomicBool>,
    /// The last input checked (bytes, card UID, source), for the holder check.
    last_checked: Option<(Vec<u8>, Option<Vec<u8>>, String)>,
    /// An e-mail run is going on.
    mailing: Arc<AtomicBool>,
    /// When the last one started.
    last_mail_run: Option<std::time::Instant>,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.set_watching(false);
    }
}

impl Runtime {
    /// A runtime on `desk`.
    pub fn new(desk: Desk, passphrase_file: Option<PathBuf>) -> Self {
        let (tx, rx) = channel();
        let home = desk.home().to_path_buf();
        let place = desk.place();
        Self {
            desk,
            home,
            place,
            key: None,
            ring: None,
            passphrase_file,
            tx,
            rx,
            cancel_card: Arc::new(AtomicBool::new(false)),
            cancel_bulk: Arc::new(AtomicBool::new(false)),
            watcher: None,
            watch_gen: 0,
            writing: Arc::new(AtomicBool::new(false)),
            last_checked: None,
            mailing: Arc::new(AtomicBool::new(false)),
            last_mail_run: None,
        }
    }

    /// Send notification e-mails in the background through the saved mail
    /// server: `serial`'s again, or the due ones. `loud`: say so when there
    /// was nothing to do (staff asked). The report comes back as a message.
    fn send_mail(&mut self, key: SigningKey, serial: Option<u32>, loud: bool) -> Option<Message> {
        if self.mailing.swap(true, Ordering::SeqCst) {
            return loud.then(|| Message::Info("e-mails are being sent already".into()));
        }
        self.last_mail_run = Some(std::time::Instant::now());
        let (tx, place, busy) = (self.tx.clone(), self.place.clone(), self.mailing.clone());
        std::thread::spawn(move || {
            let result = place.open().and_then(|desk| {
                let mut key_for = |kid: &[u8]| -> Result<SigningKey, DeskError> {
                    if kid == key.kid().as_bytes().as_slice() {
                        Ok(key.clone())
                    } else {
                        desk.signing_key_for(kid, &mut || None)
                    }
                };
                let smtp = desk.smtp(&mut key_for)?;
                let mode = match serial {
                    Some(s) => tessera_desk::notify::SendMode::Only(vec![s]),
                    None => tessera_desk::notify::SendMode::Due,
                };
                desk.send_notifications(&smtp, &mode, &mut key_for, &|| false, &mut |_, _| {})
            });
            busy.store(false, Ordering::SeqCst);
            let msg = match result {
                Ok(r) if !loud && r.sent == 0 && r.failed.is_empty() && r.unreachable.is_none() => {
                    return;
                }
                Ok(r) => {
                    let mut text = format!(
                        "e-mail: {} sent, {} refused, {} pending",
                        r.sent,
                        r.failed.len(),
                        r.pending
                    );
                    if let Some(f) = r.failed.first() {
                        text.push_str(&format!(" (badge {}: {})", f.serial, f.reason));
                    }
                    if let Some(why) = r.unreachable {
                        text.push_str(&format!(
                            "; the mail server cannot be reached ({why}), the rest stays queued"
                        ));
                    }
                    Message::MailDone(text)
                }
                Err(e) if loud => Message::Error(format!("no e-mail sent: {e}")),
                Err(_) => return,
            };
            let _ = tx.send(msg);
        });
        loud.then(|| Message::Info("sending e-mail…".into()))
    }

    /// Called between frames: once a minute, with the issuer key unlocked
    /// and a mail server saved, send the due notification e-mails quietly.
    pub fn tick_mail(&mut self) {
        let due = self
            .last_mail_run
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(60));
        if !due {
            return;
        }
        let Some(key) = self.key.clone() else {
            return;
        };
        if matches!(self.desk.mail_config(), Ok(Some(_))) {
            let _ = self.send_mail(key, None, false);
        } else {
            self.last_mail_run = Some(std::time::Instant::now());
        }
    }

    /// The messages that fill a fresh model.
    pub fn initial(&mut self) -> Vec<Message> {
        [
            Effect::LoadLedger(
                tessera_desk::store::ledger::Filter::default(),
                LedgerView::default().page(),
            ),
            Effect::LoadKeys,
            Effect::LoadCatalogue,
        ]
        .into_iter()
        .filter_map(|e| self.execute(e))
        .collect()
    }

    /// Watch the reader (the Check screen is shown and no card is being
    /// written) or stop watching. Its events come back as
    /// [`Message::Reader`].
    pub fn set_watching(&mut self, on: bool) {
        // Never while a card is written: the watcher would read it half done.
        let on = on && !self.writing.load(Ordering::SeqCst);
        match (&self.watcher, on) {
            (None, true) => {
                self.watch_gen += 1;
                let control = Arc::new(WatchControl::default());
                let (tx, c, generation) = (self.tx.clone(), control.clone(), self.watch_gen);
                let thread = std::thread::spawn(move || {
                    watch(None, &c, &mut |event| {
                        let _ = tx.send(Message::Reader(generation, event));
                    });
                });
                self.watcher = Some(Watcher { control, thread });
            }
            (Some(_), false) => {
                if let Some(w) = self.watcher.take() {
                    w.control.stop.store(true, Ordering::Relaxed);
                    let _ = w.thread.join();
                }
            }
            _ => {}
        }
    }

    fn key(&mut self, then: Effect) -> Result<SigningKey, Message> {
        if let Some(k) = &self.key {
            return Ok(k.clone());
        }
        let mut stored = match stored_passphrase(self.passphrase_file.as_deref()) {
            Ok(p) => p,
            Err(e) => return Err(Message::Error(e.to_string())),
        };
        match self.desk.signing_key(&mut || stored.take()) {
            Ok(k) => {
                self.key = Some(k.clone());
                Ok(k)
            }
            Err(e) if e.needs_passphrase() => Err(Message::NeedPassphrase(Box::new(then))),
            Err(e) => Err(Message::Error(e.to_string())),
        }
    }

    /// Every trusted key of this desk (see [`Desk::unlock`]), unlocked once
    /// with the stored passphrase, or asked for (`then` runs after).
    fn key_ring(&mut self, then: Effect) -> Result<KeyRing, Message> {
        if let Some(r) = &self.ring {
            return Ok(r.clone());
        }
        let stored = match stored_passphrase(self.passphrase_file.as_deref()) {
            Ok(p) => p,
            Err(e) => return Err(Message::Error(e.to_string())),
        };
        let mut once = stored;
        match self.desk.unlock(&mut || once.take()) {
            Ok(ring) => {
                self.key = Some(ring.active().clone());
                self.ring = Some(ring.clone());
                Ok(ring)
            }
            Err(e) if e.needs_passphrase() => Err(Message::NeedPassphrase(Box::new(then))),
            Err(e) => Err(Message::Error(e.to_string())),
        }
    }

    /// Is `m` from a watcher that has been stopped (or replaced)?
    fn is_stale(&self, m: &Message) -> bool {
        matches!(m, Message::Reader(g, _) if self.watcher.is_none() || *g != self.watch_gen)
    }

    /// The key that signed ledger badge `serial` (the active one, unlocked
    /// once, or a retired one from the stored passphrase); `Ok(Err(m))`
    /// when the passphrase must be asked for first.
    fn badge_key(
        &mut self,
        serial: u32,
        then: &Effect,
    ) -> Result<Result<SigningKey, Message>, DeskError> {
        let record = self.desk.badge(serial)?;
        match self.key(then.clone()) {
            Ok(k) if k.kid().as_bytes().as_slice() == record.kid.as_slice() => Ok(Ok(k)),
            // Signed with a retired key: load that one.
            Ok(_) => {
                let mut stored = stored_passphrase(self.passphrase_file.as_deref())?;
                Ok(Ok(self
                    .desk
                    .signing_key_for(&record.kid, &mut || stored.take())?))
            }
            Err(m) => Ok(Err(m)),
        }
    }

    /// Queue the Keys screen's fresh lists after a change to them (the
    /// effect's own message is the confirmation).
    fn refresh_keys(&mut self) {
        if let Some(m) = self.execute(Effect::LoadKeys) {
            let _ = self.tx.send(m);
        }
    }

    /// Check `input` and remember it for a holder check.
    fn check(
        &mut self,
        input: Vec<u8>,
        uid: Option<Vec<u8>>,
        source: String,
        holder: Option<&Holder>,
    ) -> Result<Option<Message>, DeskError> {
        let report = self.desk.check(&input, uid.as_deref(), holder)?;
        self.last_checked = Some((input, uid, source.clone()));
        Ok(Some(Message::Checked(Box::new(report), source)))
    }

    /// Perform one effect; a result that is ready now comes back as a message.
    pub fn execute(&mut self, effect: Effect) -> Option<Message> {
        let result: Result<Option<Message>, DeskError> = (|| match effect.clone() {
            Effect::Quit => Ok(None),
            Effect::Unlock(pass, then) => {
                // Every key when one passphrase opens them all, else the
                // active one (revoking then says which key did not open).
                if let Ok(ring) = self.desk.unlock(&mut || Some(pass.clone())) {
                    self.key = Some(ring.active().clone());
                    self.ring = Some(ring);
                    return Ok(self.execute(*then));
                }
                let mut once = Some(pass);
                match self.desk.signing_key(&mut || once.take()) {
                    Ok(k) => {
                        self.key = Some(k);
                        Ok(self.execute(*then))
                    }
                    Err(e) => Ok(Some(Message::Error(e.to_string()))),
                }
            }
            Effect::Issue(req) => {
                let key = match self.key(effect.clone()) {
                    Ok(k) => k,
                    Err(m) => return Ok(Some(m)),
                };
                let r = self.desk.issue(&key, &req)?;
                let image = tessera_core::ndef::card_image_len(r.cose.len());
                let fits =
                    tessera_core::CardType::smallest_for(image).map_or("no card", |c| c.name());
                Ok(Some(Message::Issued(Ok((
                    r.serial,
                    claim_code(&r.salt),
                    r.cose.len(),
                    fits.to_string(),
                )))))
            }
            Effect::CheckFile(path) => {
                let bytes = files::read(std::path::Path::new(&path))?;
                self.check(bytes, None, format!("file {path}"), None)
            }
            Effect::CheckQr(text) => self.check(text.into_bytes(), None, "QR text".into(), None),
            Effect::CheckCard(read) => {
                let remembered = read
                    .as_ref()
                    .ok()
                    .map(|c| (c.memory.clone(), Some(c.uid.clone())));
                let (report, source) = self.desk.check_read(read)?;
                self.last_checked = remembered.map(|(m, u)| (m, u, source.clone()));
                Ok(Some(Message::CardChecked(Box::new(report), source)))
            }
            Effect::CheckHolder(identity, code) => {
                let Some((input, uid, source)) = self.last_checked.clone() else {
                    return Ok(Some(Message::Error(
                        "check a badge first, then ask whom it belongs to".into(),
                    )));
                };
                let holder = Holder {
                    salt: parse_claim_code(&code)?,
                    identity,
                };
                self.check(input, uid, source, Some(&holder))
            }
            Effect::Reread => {
                if let Some(w) = &self.watcher {
                    w.control.reread.store(true, Ordering::Relaxed);
                }
                Ok(None)
            }
            Effect::CancelCard => {
                self.cancel_card.store(true, Ordering::SeqCst);
                Ok(Some(Message::Info("cancelled".into())))
            }
            Effect::WriteCard(serial) => {
                // Refuse a badge that cannot be written before asking for a card.
                if let Err(e) = self.desk.writable_card_image(serial) {
                    return Ok(Some(Message::Written(Err(e.to_string()))));
                }
                // The key that signed it binds it to the card (asked for
                // now, not with the card on the reader).
                let key = match self.badge_key(serial, &effect)? {
                    Ok(k) => k,
                    Err(m) => return Ok(Some(m)),
                };
                self.writing.store(true, Ordering::SeqCst);
                self.set_watching(false);
                self.cancel_card.store(false, Ordering::SeqCst);
                let (tx, cancel, place, writing) = (
                    self.tx.clone(),
                    self.cancel_card.clone(),
                    self.place.clone(),
                    self.writing.clone(),
                );
                std::thread::spawn(move || {
                    let r = write_card_blocking(&tx, &cancel, &place, serial, &key)
                        .map(|written| written.to_string())
                        .map_err(|e| e.to_string());
                    writing.store(false, Ordering::SeqCst);
                    let _ = tx.send(Message::Written(r));
                });
                Ok(None)
            }
            Effect::LoadLedger(filter, page) => {
                let rows = self.desk.badge_page(&filter, page)?;
                let serials: Vec<u32> = rows.iter().map(|r| r.serial).collect();
                let mail = self
                    .desk
                    .mail_states(&serials)?
                    .into_iter()
                    .map(|(s, r)| (s, (r.state, r.last_error)))
                    .collect();
                Ok(Some(Message::LedgerRows(LedgerRows {
                    rows,
                    offset: page.offset,
                    total: self.desk.badge_count(&filter, Some(COUNT_CAP + 1))?,
                    next_serial: self.desk.next_serial()?,
                    mail,
                })))
            }
            Effect::SendMail(serial) => {
                let key = match self.key(effect.clone()) {
                    Ok(k) => k,
                    Err(m) => return Ok(Some(m)),
                };
                Ok(self.send_mail(key, serial, true))
            }
            Effect::Export(serial, format) => {
                let key = if format.needs_key() {
                    match self.badge_key(serial, &effect)? {
                        Ok(k) => Some(k),
                        Err(m) => return Ok(Some(m)),
                    }
                } else {
                    None
                };
                let bytes = self.desk.export(serial, format, key.as_ref())?;
                if format == tessera_desk::ExportFormat::QrTerminal {
                    return Ok(Some(Message::ShowQr(
                        String::from_utf8_lossy(&bytes).into_owned(),
                    )));
                }
                let path = self.desk.save_export(serial, format, &bytes)?;
                Ok(Some(Message::Info(format!(
                    "badge {serial} exported as {} ({} bytes): {}",
                    format.label(),
                    bytes.len(),
                    path.display()
                ))))
            }
            Effect::Share(serial) => {
                // Refused for revoked or private badges before any passphrase.
                self.desk.share_kit(serial)?;
                let key = match self.badge_key(serial, &effect)? {
                    Ok(k) => k,
                    Err(m) => return Ok(Some(m)),
                };
                let dir = self.home.join("exports").join(format!("share-{serial}"));
                let kit = self.desk.write_share_kit(serial, &dir, &key)?;
                Ok(Some(Message::Info(format!(
                    "share kit of badge {serial} in {}: {}",
                    kit.dir.display(),
                    kit.files.join(", ")
                ))))
            }
            Effect::Mark(serial, state) => {
                self.desk.mark(serial, state)?;
                Ok(Some(Message::Info(format!(
                    "badge {serial} is now {state}"
                ))))
            }
            Effect::SetPrivate(serial, private) => {
                self.desk.set_private(serial, private)?;
                Ok(Some(Message::Info(format!(
                    "badge {serial} is now {}",
                    if private { "private" } else { "shareable" }
                ))))
            }
            Effect::LoadBulk(path) => {
                let bytes = files::read(std::path::Path::new(&path))?;
                Ok(Some(Message::BulkChecked(
                    self.desk.check_bulk_csv(&bytes).map_err(|e| e.to_string()),
                )))
            }
            Effect::RunBulk(reqs) => {
                let key = match self.key(effect.clone()) {
                    Ok(k) => k,
                    Err(m) => return Ok(Some(m)),
                };
                self.cancel_bulk.store(false, Ordering::SeqCst);
                let (tx, cancel, place) = (
                    self.tx.clone(),
                    self.cancel_bulk.clone(),
                    self.place.clone(),
                );
                std::thread::spawn(move || {
                    let total = reqs.len();
                    let r = place.open().and_then(|mut desk| {
                        desk.issue_many(&key, &reqs, &mut |done| {
                            if done % 50 == 0 || done == total {
                                let _ = tx.send(Message::BulkProgress(done, total));
                            }
                            !cancel.load(Ordering::SeqCst)
                        })
                    });
                    let msg = match r {
                        Ok(records) if records.is_empty() && total > 0 => {
                            Ok("cancelled: nothing was issued".to_string())
                        }
                        Ok(records) => Ok(match (records.first(), records.last()) {
                            (Some(first), Some(last)) => format!(
                                "issued {} badges, serials {} to {}",
                                records.len(),
                                first.serial,
                                last.serial
                            ),
                            _ => "there were no rows to issue".to_string(),
                        }),
                        Err(e) => Err(format!("nothing was issued: {e}")),
                    };
                    let _ = tx.send(Message::BulkDone(msg));
                });
                Ok(Some(Message::BulkProgress(0, 0)))
            }
            Effect::CancelBulk => {
                self.cancel_bulk.store(true, Ordering::SeqCst);
                Ok(None)
            }
            Effect::Revoke(serial, reason) => {
                let keys = match self.key_ring(effect.clone()) {
                    Ok(k) => k,
                    Err(m) => return Ok(Some(m)),
                };
                Ok(Some(Message::Revoked(
                    self.desk
                        .revoke(&keys, serial, &reason)
                        .map(|p| {
                            format!(
                                "badge {serial} revoked; kiosks get the new status list from {}",
                                p.display()
                            )
                        })
                        .map_err(|e| e.to_string()),
                )))
            }
            Effect::LookupSerial(serial) => {
                let about = match self.desk.badge(serial) {
                    Ok(b) => Some(format!(
                        "Badge {serial}: {} for {}, issued {}, {}",
                        b.achievement_id,
                        b.recipient,
                        tessera_desk::check::date(b.issued_at),
                        b.state
                    )),
                    // Not a serial of this desk: the form says so.
                    Err(DeskError::Ledger(LedgerError::UnknownSerial(_))) => None,
                    Err(e) => return Err(e),
                };
                Ok(Some(Message::RevokeAbout(about)))
            }
            Effect::AddTrust(file, name) => {
                let bytes = files::read(std::path::Path::new(&file))?;
                let added = self.desk.trust_add(&bytes, &name)?;
                self.refresh_keys();
                let names: Vec<String> = added
                    .keys
                    .iter()
                    .map(|t| format!("{} ({})", t.name, hex::encode(&t.kid)))
                    .collect();
                let lists = match added.lists.len() {
                    0 => String::new(),
                    n => format!("; {n} of their status lists imported"),
                };
                let trusted = if names.is_empty() {
                    "their keys were trusted already".to_string()
                } else {
                    format!("now trusting {}", names.join(", "))
                };
                Ok(Some(Message::Info(format!("{trusted}{lists}"))))
            }
            Effect::RemoveTrust(kid) => {
                let t = self.desk.trust_remove(&kid)?;
                self.refresh_keys();
                Ok(Some(Message::Info(format!(
                    "no longer trusting {}",
                    t.name
                ))))
            }
            Effect::Rotate(pass) => {
                let (_, new) = self.desk.rotate(&pass, None)?;
                self.key = None;
                self.ring = None;
                self.refresh_keys();
                Ok(Some(Message::Info(format!(
                    "new issuer key {} is active; the old key still verifies its badges",
                    hex::encode(&new.kid)
                ))))
            }
            Effect::LoadCatalogue => Ok(Some(Message::CatalogueLoaded(
                self.desk.catalogue()?,
                self.desk.language()?,
            ))),
            Effect::LoadKeys => {
                let issuer = self.desk.issuer()?;
                Ok(Some(Message::KeysLoaded(
                    self.desk.issuers()?,
                    self.desk.trusted()?,
                    issuer.name,
                    issuer.demo,
                )))
            }
        })();
        result.unwrap_or_else(|e| Some(Message::Error(e.to_string())))
    }
}

/// Wait for a card, write badge `serial` to it through the desk (which
/// marks it written only after the read-back), reporting progress.
fn write_card_blocking(
    tx: &Sender<Message>,
    cancel: &AtomicBool,
    place: &tessera_desk::Place,
    serial: u32,
    key: &SigningKey,
) -> Result<tessera_desk::card::CardWrite, DeskError> {
    let desk = place.open()?;
    let mut tag = tessera_desk::card::wait_for_card(None, cancel, &mut |name| {
        let _ = tx.send(Message::CardWaiting(format!(
            "Put a blank card on {name} to write badge {serial} (Esc cancels)…"
        )));
    })?;
    desk.write_card(serial, &mut tag, Some(key), &mut |done, total| {
        let _ = tx.send(Message::CardWaiting(format!(
            "Writing… {done}/{total} pages — keep the card on the reader"
        )));
    })
}

/// Run the terminal app on the data directory.
pub fn run_terminal(
    home: Option<PathBuf>,
    ledger: Option<String>,
    passphrase_file: Option<PathBuf>,
) -> Result<(), DeskError> {
    let home = home.unwrap_or_else(default_home);
    let desk = Desk::open_or_demo_at(&home, ledger.as_deref())?;
    let issuer = desk.issuer()?;
    let clock = desk.clock();
    let mut model = Model::new(&issuer.name, issuer.demo, clock.now());
    let mut rt = Runtime::new(desk, passphrase_file);
    for m in rt.initial() {
        apply(&mut model, &mut rt, m);
    }
    // ratatui::init installs a panic hook that restores the terminal.
    let mut terminal = ratatui::init();
    let result = (|| -> std::io::Result<()> {
        while !model.quit {
            terminal.draw(|f| view(&model, f))?;
            // A worker's message (a card read, a verdict) is applied and
            // drawn at once; keys are polled in between.
            if let Ok(m) = rt.rx.recv_timeout(Duration::from_millis(20)) {
                apply(&mut model, &mut rt, m);
                while let Ok(m) = rt.rx.try_recv() {
                    apply(&mut model, &mut rt, m);
                }
                continue;
            }
            if event::poll(Duration::from_millis(30))? {
                if let Event::Key(k) = event::read()?
                    && k.kind == KeyEventKind::Press
                {
                    apply(&mut model, &mut rt, Message::Key(k));
                }
            } else {
                apply(&mut model, &mut rt, Message::Tick(clock.now()));
                rt.tick_mail();
            }
        }
        Ok(())
    })();
    rt.set_watching(false);
    ratatui::restore();
    result.map_err(|source| {
        DeskError::File(files::FileError {
            path: "the terminal".into(),
            source,
        })
    })
}

/// Feed a message through `update` and run the effects it asks for; then
/// watch the reader exactly while the Check screen is shown and no card is
/// being written.
pub fn apply(model: &mut Model, rt: &mut Runtime, msg: Message) {
    if rt.is_stale(&msg) {
        return;
    }
    let mut next = Some(msg);
    while let Some(m) = next.take() {
        if let Some(effect) = update(model, m) {
            next = rt.execute(effect);
        }
    }
    rt.set_watching(model.screen == Screen::Check && model.card_job.is_none());
}
