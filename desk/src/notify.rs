//! Claim by e-mail: the notification each candidate gets (plain text and
//! HTML in the issuer's language, the baked badge picture attached, the
//! verification link, the LinkedIn link and the claim code from the share
//! kit), the outbox that holds it from the moment the badge is issued (in
//! the same ledger transaction), and the sender that delivers it over SMTP
//! (`lettre`) when the server is reachable.
//!
//! Delivery is at least once and, with the stable `Message-ID` each badge's
//! message keeps across retries, no second copy reaches a mailbox whose
//! server already took it: a message is marked sent only after the server
//! accepted it, so a crash between the two sends it again under the same
//! `Message-ID`. One process sends a ledger's outbox at a time
//! ([`SenderLock`](crate::store::ledger::SenderLock)).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tessera_core::SigningKey;

use super::{Desk, DeskError, ExportFormat};
use crate::store::files;
use crate::store::keystore;
use crate::store::ledger::{
    BadgeState, MailState, OutboxChange, OutboxQuery, OutboxRecord, message_id,
};
use crate::store::secret::Secret;

/// The desk's mail settings, in the data directory (mode 0600).
const CONFIG_FILE: &str = "mail.json";
/// The ledger setting that turns queuing off (`off`).
const QUEUE_SETTING: &str = "mail_queue";
/// Folder of the issuer's own templates (`notify.en.txt`, `notify.pt.html`...).
const TEMPLATES: &str = "mail";
/// The first retry after a temporary refusal; each next one waits twice as
/// long, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: i64 = 60;
/// The longest wait between two tries of one message.
const MAX_BACKOFF: i64 = 6 * 3600;
/// Messages read from the outbox at a time.
const BATCH: u32 = 200;

/// The SMTP password as stored: sealed (ChaCha20-Poly1305) under a key
/// derived from the issuer key that was active when it was saved, so it
/// opens only where that key is unlocked (with the issuer passphrase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedPassword {
    /// The issuer key it is sealed to, hex.
    pub kid: String,
    /// Nonce, base64.
    pub nonce: String,
    /// Ciphertext with its tag, base64.
    pub sealed: String,
}

/// The saved mail settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailConfig {
    /// The server: `smtp://host:port` (plain, for a local relay; no login
    /// unless it is on this machine), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://host:465` (TLS), without a password.
    pub smtp: String,
    /// The sender, e.g. `Lisbon Test Center <badges@example.org>`.
    pub from: String,
    /// The SMTP user, when the server asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The SMTP password, sealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<SealedPassword>,
}

/// Where and as whom to send, ready to use.
#[derive(Debug, Clone)]
pub struct Smtp {
    /// The server URL (see [`MailConfig::smtp`]).
    pub url: String,
    /// The sender.
    pub from: Mailbox,
    /// User and password, if the server asks for them.
    pub credentials: Option<(String, Secret)>,
}

impl Smtp {
    /// Plain settings (no authentication), e.g. for a relay on localhost.
    pub fn plain(url: &str, from: &str) -> Result<Self, DeskError> {
        check_url(url)?;
        Ok(Self {
            url: url.to_string(),
            from: mailbox(from, "--from")?,
            credentials: None,
        })
    }
}

/// Why one message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotSent {
    /// The badge.
    pub serial: u32,
    /// The address.
    pub recipient: String,
    /// Why, as the server or the desk says it.
    pub reason: String,
}

/// What a send run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SendReport {
    /// Accepted by the server.
    pub sent: usize,
    /// Refused for good: a bad address, a permanent SMTP refusal, a badge
    /// revoked before its message went.
    pub failed: Vec<NotSent>,
    /// Refused for now (a temporary SMTP refusal): tried again later.
    pub deferred: Vec<NotSent>,
    /// The server could not be reached: the run stopped there and every
    /// message not sent is still pending.
    pub unreachable: Option<String>,
    /// Another process is sending this ledger's outbox: nothing was done.
    pub busy: bool,
    /// Messages still pending after the run.
    pub pending: u64,
}

/// Which messages a run sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendMode {
    /// The pending messages that are due (the retry backoff is waited).
    Due,
    /// Every pending message now, backoff or not (staff asked).
    AllPending,
    /// These badges' messages, queued again (a resend gets a new
    /// `Message-ID`, so the candidate does get a second copy).
    Only(Vec<u32>),
}

/// What the outbox holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxSummary {
    /// Waiting.
    pub pending: u64,
    /// Accepted by the server.
    pub sent: u64,
    /// Refused for good, each with its reason.
    pub failed: Vec<NotSent>,
}

fn check_url(url: &str) -> Result<(), DeskError> {
    SmtpTransport::from_url(url).map(|_| ()).map_err(|e| {
        DeskError::Input(format!(
            "{url:?} is not an SMTP server address ({e}); write smtp://HOST:PORT, smtp://HOST:587?tls=required (STARTTLS) or smtps://HOST:465 (TLS)"
        ))
    })
}

/// A login goes only over TLS: `smtps://` or STARTTLS required
/// (`?tls=required`); opportunistic STARTTLS can be stripped by anyone on
/// the path, and plain `smtp://` sends the password in the clear. A relay
/// on this machine (loopback) may take it plain: nothing crosses a network.
fn check_login_transport(url: &str) -> Result<(), DeskError> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
    let host_port = authority
        .split('/')
        .next()
        .unwrap_or("")
        .rsplit_once('@')
        .map_or(authority.split('/').next().unwrap_or(""), |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.rsplit_once(':').map_or(host_port, |(h, _)| h)
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let tls_required = scheme.eq_ignore_ascii_case("smtps")
        || query
            .split('&')
            .any(|kv| kv.eq_ignore_ascii_case("tls=required"));
    if tls_required || loopback {
        return Ok(());
    }
    Err(DeskError::Input(format!(
        "{url:?} would send the SMTP login without TLS (or with STARTTLS that anyone on the path can strip); write smtps://{host}:465 (TLS) or smtp://{host}:587?tls=required (STARTTLS required). Only a relay on this machine (localhost) takes a login in the clear"
    )))
}

/// Does the server address carry a password (`smtp://user:pass@host`)?
fn has_password(url: &str) -> bool {
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(user, _)| user.contains(':'))
}

fn mailbox(text: &str, what: &str) -> Result<Mailbox, DeskError> {
    text.trim().parse::<Mailbox>().map_err(|e| {
        DeskError::Input(format!(
            "{what}: {text:?} is not an e-mail address ({e}); write badges@example.org or \"Test Center <badges@example.org>\""
        ))
    })
}

/// The sealing key for the SMTP password, from the issuer key's seed.
fn sealing_key(key: &SigningKey) -> zeroize::Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(b"tessera smtp password v1");
    h.update(key.seed());
    zeroize::Zeroizing::new(h.finalize().into())
}

fn seal(password: &Secret, key: &SigningKey) -> Result<SealedPassword, DeskError> {
    let k = sealing_key(key);
    let nonce: [u8; 12] = keystore::random_bytes()?;
    let sealed = ChaCha20Poly1305::new(Key::from_slice(k.as_ref()))
        .encrypt(Nonce::from_slice(&nonce), password.expose().as_bytes())
        .map_err(|_| DeskError::Input("the SMTP password could not be sealed".into()))?;
    Ok(SealedPassword {
        kid: hex::encode(key.kid().as_bytes()),
        nonce: STANDARD.encode(nonce),
        sealed: STANDARD.encode(sealed),
    })
}

fn unseal(sealed: &SealedPassword, key: &SigningKey) -> Result<Secret, DeskError> {
    let damaged = || {
        DeskError::Input(format!(
            "{CONFIG_FILE}: the sealed SMTP password is damaged; run `tessera mail setup` again"
        ))
    };
    let nonce = STANDARD.decode(&sealed.nonce).map_err(|_| damaged())?;
    let ct = STANDARD.decode(&sealed.sealed).map_err(|_| damaged())?;
    if nonce.len() != 12 {
        return Err(damaged());
    }
    let k = sealing_key(key);
    let plain = ChaCha20Poly1305::new(Key::from_slice(k.as_ref()))
        .decrypt(Nonce::from_slice(&nonce), ct.as_slice())
        .map_err(|_| damaged())?;
    String::from_utf8(plain)
        .map(Secret::new)
        .map_err(|_| damaged())
}

/// The wait before try number `attempts + 1` after a temporary refusal.
pub fn backoff(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(20);
    (FIRST_BACKOFF << doublings).min(MAX_BACKOFF)
}

/// The built-in templates: (subject, text, HTML) per language. `{…}` are
/// filled in: `name`, `achievement`, `issuer`, `serial`, `link`,
/// `linkedin`, `claim_code`, `picture`.
fn builtin(lang: &str) -> (&'static str, &'static str, &'static str) {
    match lang {
        "pt" => (
            "Seu badge: {achievement}",
            "Olá{name},\n\n{issuer} concedeu a você o badge \"{achievement}\" (número {serial}).\n\nVerifique e compartilhe: {link}\n\nAdicione ao seu perfil do LinkedIn: {linkedin}\n\nSeu código de resgate é {claim_code}. Quem vir o badge pode confirmar que é seu com o seu e-mail e este código; guarde-o com o badge.\n\nA imagem do badge vai em anexo ({picture}): ela contém o badge assinado e pode ser verificada onde você a publicar.\n\nSe você não quiser este badge, basta ignorar esta mensagem.\n\n-- \n{issuer}\n",
            "<p>Olá{name},</p>\n<p>{issuer} concedeu a você o badge <strong>{achievement}</strong> (número {serial}).</p>\n<p><a href=\"{link}\">Verifique e compartilhe o seu badge</a> · <a href=\"{linkedin}\">Adicione ao LinkedIn</a></p>\n<p>Seu código de resgate é <strong>{claim_code}</strong>. Quem vir o badge pode confirmar que é seu com o seu e-mail e este código; guarde-o com o badge.</p>\n<p>A imagem do badge vai em anexo ({picture}): ela contém o badge assinado e pode ser verificada onde você a publicar.</p>\n<p>Se você não quiser este badge, basta ignorar esta mensagem.</p>\n<p>— {issuer}</p>\n",
        ),
        _ => (
            "Your badge: {achievement}",
            "Hello{name},\n\n{issuer} has awarded you the badge \"{achievement}\" (serial {serial}).\n\nCheck it and share it: {link}\n\nAdd it to your LinkedIn profile: {linkedin}\n\nYour claim code is {claim_code}. Anyone you show the badge to can confirm it is yours with your e-mail address and this code; keep it with the badge.\n\nThe badge picture is attached ({picture}): it carries the signed badge, so it verifies wherever you put it.\n\nIf you do not want this badge, simply ignore this message.\n\n-- \n{issuer}\n",
            "<p>Hello{name},</p>\n<p>{issuer} has awarded you the badge <strong>{achievement}</strong> (serial {serial}).</p>\n<p><a href=\"{link}\">Check and share your badge</a> · <a href=\"{linkedin}\">Add it to LinkedIn</a></p>\n<p>Your claim code is <strong>{claim_code}</strong>. Anyone you show the badge to can confirm it is yours with your e-mail address and this code; keep it with the badge.</p>\n<p>The badge picture is attached ({picture}): it carries the signed badge, so it verifies wherever you put it.</p>\n<p>If you do not want this badge, simply ignore this message.</p>\n<p>— {issuer}</p>\n",
        ),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Fill `{key}` placeholders.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Why a message could not be made or sent, for the outbox.
enum Outcome {
    Sent,
    Failed(String),
    Retry(String),
    Unreachable(String),
}

impl Desk {
    fn mail_config_path(&self) -> PathBuf {
        self.home().join(CONFIG_FILE)
    }

    /// The saved mail settings, if any.
    pub fn mail_config(&self) -> Result<Option<MailConfig>, DeskError> {
        let path = self.mail_config_path();
        if !path.exists() {
            return Ok(None);
        }
        let bytes = files::read(&path)?;
        serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            DeskError::Input(format!(
                "{} cannot be read ({e}); run `tessera mail setup` again",
                path.display()
            ))
        })
    }

    /// Save the mail settings. A password is sealed to `key`, the unlocked
    /// active issuer key (never to the demo key, which is not secret).
    pub fn save_mail_config(
        &self,
        smtp: &str,
        from: &str,
        username: Option<&str>,
        password: Option<(&Secret, &SigningKey)>,
    ) -> Result<MailConfig, DeskError> {
        check_url(smtp)?;
        if has_password(smtp) {
            return Err(DeskError::Input(
                "put the password in --password-file (it is stored sealed), not in the server address".into(),
            ));
        }
        mailbox(from, "--from")?;
        if username.is_some() || password.is_some() {
            check_login_transport(smtp)?;
        }
        let password = match password {
            None => None,
            Some((p, key)) => {
                if self.issuer()?.demo {
                    return Err(DeskError::Input(
                        "the demo issuer's key is not secret, so it cannot keep an SMTP password: set up this desk's own key with `tessera init` first".into(),
                    ));
                }
                Some(seal(p, key)?)
            }
        };
        let config = MailConfig {
            smtp: smtp.to_string(),
            from: from.trim().to_string(),
            username: username.map(str::to_string),
            password,
        };
        let text = serde_json::to_vec_pretty(&config)
            .map_err(|e| DeskError::Input(format!("the mail settings cannot be written: {e}")))?;
        files::write_private(&self.mail_config_path(), &text)?;
        Ok(config)
    }

    /// The saved settings, ready to send with; `key_for(kid)` unlocks the
    /// issuer key the password is sealed to.
    pub fn smtp(
        &self,
        key_for: &mut dyn FnMut(&[u8]) -> Result<SigningKey, DeskError>,
    ) -> Result<Smtp, DeskError> {
        let config = self.mail_config()?.ok_or_else(|| {
            DeskError::Input(
                "no mail server is set up: run `tessera mail setup --smtp URL --from ADDRESS`, or give --smtp and --from".into(),
            )
        })?;
        let credentials = match (&config.username, &config.password) {
            (Some(user), Some(sealed)) => {
                let kid = hex::decode(&sealed.kid).map_err(|_| {
                    DeskError::Input(format!("{CONFIG_FILE}: the password names no key"))
                })?;
                Some((user.clone(), unseal(sealed, &key_for(&kid)?)?))
            }
            (Some(user), None) => Some((user.clone(), Secret::new(String::new()))),
            _ => None,
        };
        Ok(Smtp {
            url: config.smtp.clone(),
            from: mailbox(&config.from, CONFIG_FILE)?,
            credentials,
        })
    }

    /// Whether issuing queues notification e-mails (on unless turned off).
    pub fn mail_queue_on(&self) -> Result<bool, DeskError> {
        Ok(self.ledger.meta(QUEUE_SETTING)?.as_deref() != Some("off"))
    }

    /// Turn queuing of notification e-mails on or off.
    pub fn set_mail_queue(&self, on: bool) -> Result<(), DeskError> {
        Ok(self
            .ledger
            .set_meta(QUEUE_SETTING, if on { "on" } else { "off" })?)
    }

    /// A template: the issuer's own file in `mail/` if there is one, else
    /// the built-in one.
    fn template(&self, lang: &str, part: &str, builtin: &str) -> Result<String, DeskError> {
        let path = self
            .home()
            .join(TEMPLATES)
            .join(format!("notify.{lang}.{part}"));
        if path.exists() {
            let bytes = files::read(&path)?;
            String::from_utf8(bytes)
                .map_err(|_| DeskError::Input(format!("{} is not UTF-8 text", path.display())))
        } else {
            Ok(builtin.to_string())
        }
    }

    /// The notification e-mail of a badge, under its outbox `Message-ID`.
    /// `key` is the key that signed the badge (for the baked picture's
    /// signed credential). An error is a badge that cannot be shared any more, or a
    /// desk setting missing.
    pub fn notification(
        &self,
        record: &OutboxRecord,
        key: &SigningKey,
        from: &Mailbox,
    ) -> Result<Message, DeskError> {
        let serial = record.serial;
        let badge = self.badge(serial)?;
        let kit = self.share_kit(serial)?;
        let png = self.export(serial, ExportFormat::BakedPng, Some(key))?;
        let lang = self.language()?;
        let issuer = self
            .issuers()?
            .into_iter()
            .find(|i| i.kid == badge.kid)
            .map_or_else(String::new, |i| i.name);
        let achievement = badge
            .achievement_name
            .clone()
            .unwrap_or_else(|| badge.achievement_id.clone());
        let picture = format!("badge-{serial}.png");
        let values = |escape: bool| {
            let e = |s: &str| {
                if escape {
                    html_escape(s)
                } else {
                    s.to_string()
                }
            };
            vec![
                (
                    "name",
                    badge
                        .display_name
                        .as_deref()
                        .map(|n| format!(" {}", e(n)))
                        .unwrap_or_default(),
                ),
                ("achievement", e(&achievement)),
                ("issuer", e(&issuer)),
                ("serial", serial.to_string()),
                ("link", e(&kit.link)),
                ("linkedin", e(&kit.linkedin)),
                ("claim_code", e(&kit.claim_code)),
                ("picture", e(&picture)),
            ]
        };
        let (subject, text, html) = builtin(&lang);
        let subject = fill(&self.template(&lang, "subject", subject)?, &values(false));
        let text = fill(&self.template(&lang, "txt", text)?, &values(false));
        let html = fill(&self.template(&lang, "html", html)?, &values(true));
        let to = record.recipient.parse::<Mailbox>().map_err(|e| {
            DeskError::Input(format!(
                "{:?} is not an e-mail address ({e})",
                record.recipient
            ))
        })?;
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject.trim())
            .message_id(Some(record.message_id.clone()))
            .multipart(
                MultiPart::mixed()
                    .multipart(MultiPart::alternative_plain_html(text, html))
                    .singlepart(
                        Attachment::new(picture).body(
                            png,
                            ContentType::parse("image/png")
                                .map_err(|e| DeskError::Input(e.to_string()))?,
                        ),
                    ),
            )
            .map_err(|e| DeskError::Input(format!("the message cannot be built: {e}")))
    }

    /// Queue a badge's message again (or for the first time), under a new
    /// `Message-ID` when it had been sent: staff asked for another copy.
    pub fn queue_notification(&self, serial: u32) -> Result<OutboxRecord, DeskError> {
        let badge = self.badge(serial)?;
        if !badge.recipient.contains('@') {
            return Err(DeskError::Input(format!(
                "badge {serial} is for {:?}, which is not an e-mail address: there is nobody to write to",
                badge.recipient
            )));
        }
        self.share_kit(serial)?;
        let before = self.ledger.outbox(OutboxQuery::Of(&[serial]))?;
        let id = match before.first() {
            Some(r) if r.state == MailState::Pending => r.message_id.clone(),
            Some(r) => {
                // A new id per resend: .r1, .r2, …
                let n = r
                    .message_id
                    .rsplit_once(".r")
                    .and_then(|(_, rest)| rest.split('@').next())
                    .and_then(|n| n.parse::<u32>().ok())
                    .unwrap_or(0);
                message_id(&badge.kid, serial, n + 1)
            }
            None => message_id(&badge.kid, serial, 0),
        };
        self.ledger.outbox_change(
            serial,
            &OutboxChange::Requeue(id, badge.recipient.trim().to_string(), self.now()),
        )?;
        self.ledger
            .outbox(OutboxQuery::Of(&[serial]))?
            .into_iter()
            .next()
            .ok_or_else(|| DeskError::Input(format!("badge {serial}'s message was not queued")))
    }

    /// Send the outbox's messages (`mode`), one at a time, each marked
    /// sent only once the server accepted it. `key_for(kid)` unlocks the
    /// key that signed a badge; `stop()` ends the run between two messages;
    /// `progress(sent, failed)` after each.
    pub fn send_notifications(
        &self,
        smtp: &Smtp,
        mode: &SendMode,
        key_for: &mut dyn FnMut(&[u8]) -> Result<SigningKey, DeskError>,
        stop: &dyn Fn() -> bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<SendReport, DeskError> {
        let mut report = SendReport::default();
        let Some(_lock) = self.ledger.sender_lock()? else {
            report.busy = true;
            report.pending = self.outbox_summary()?.pending;
            return Ok(report);
        };
        // The link goes in every message: without the site's address there
        // is nothing to send yet.
        if self.ledger.meta("site_url")?.is_none() {
            return Err(DeskError::Input(
                "the messages link to the verification site, and this desk has no site address yet: run `tessera site url https://…` (or `tessera site build --url …`) first".into(),
            ));
        }
        if let SendMode::Only(serials) = mode {
            for s in serials {
                self.queue_notification(*s)?;
            }
        }
        let mut builder = SmtpTransport::from_url(&smtp.url)
            .map_err(|e| DeskError::Input(format!("{}: {e}", smtp.url)))?
            .timeout(Some(Duration::from_secs(30)));
        if let Some((user, pass)) = &smtp.credentials {
            // Settings saved before this rule are held to it too.
            check_login_transport(&smtp.url)?;
            builder =
                builder.credentials(Credentials::new(user.clone(), pass.expose().to_string()));
        }
        let transport = builder.build();
        let mut keys: HashMap<Vec<u8>, SigningKey> = HashMap::new();
        let mut tried: std::collections::HashSet<u32> = std::collections::HashSet::new();
        let mut after = 0u32;
        'run: loop {
            let batch = match mode {
                SendMode::Due => self.ledger.outbox(OutboxQuery::Due(self.now(), BATCH))?,
                SendMode::AllPending => self.ledger.outbox(OutboxQuery::Pending(after, BATCH))?,
                SendMode::Only(serials) => {
                    let rows: Vec<OutboxRecord> = self
                        .ledger
                        .outbox(OutboxQuery::Of(serials))?
                        .into_iter()
                        .filter(|r| r.state == MailState::Pending && r.serial > after)
                        .collect();
                    rows
                }
            };
            let Some(last) = batch.last() else { break };
            after = last.serial;
            // Each message once a run, whatever the ledger says meanwhile.
            let batch: Vec<OutboxRecord> = batch
                .into_iter()
                .filter(|r| tried.insert(r.serial))
                .collect();
            if batch.is_empty() {
                break;
            }
            for record in batch {
                if stop() {
                    break 'run;
                }
                // The key that signed the badge, for its picture: a desk
                // problem (a passphrase missing) ends the run with an error.
                let kid = self.badge(record.serial)?.kid;
                if !keys.contains_key(&kid) {
                    let key = key_for(&kid)?;
                    keys.insert(kid.clone(), key);
                }
                let Some(key) = keys.get(&kid) else {
                    break 'run;
                };
                let outcome = self.deliver(&transport, smtp, &record, key);
                let serial = record.serial;
                let not_sent = |reason: String| NotSent {
                    serial,
                    recipient: record.recipient.clone(),
                    reason,
                };
                match outcome {
                    Outcome::Sent => {
                        self.ledger.outbox_change(
                            serial,
                            &OutboxChange::Sent(record.message_id.clone(), self.now()),
                        )?;
                        report.sent += 1;
                    }
                    Outcome::Failed(why) => {
                        self.ledger
                            .outbox_change(serial, &OutboxChange::Failed(why.clone()))?;
                        report.failed.push(not_sent(why));
                    }
                    Outcome::Retry(why) => {
                        let attempts = record.attempts + 1;
                        self.ledger.outbox_change(
                            serial,
                            &OutboxChange::Retry(
                                attempts,
                                self.now() + backoff(attempts),
                                why.clone(),
                            ),
                        )?;
                        report.deferred.push(not_sent(why));
                    }
                    Outcome::Unreachable(why) => {
                        report.unreachable = Some(why);
                        break 'run;
                    }
                }
                progress(report.sent, report.failed.len());
            }
            if matches!(mode, SendMode::Due) {
                // Due rows leave the due set once tried; read from the top.
                after = 0;
            }
        }
        report.pending = self.outbox_summary()?.pending;
        Ok(report)
    }

    /// Make and send one message.
    fn deliver(
        &self,
        transport: &SmtpTransport,
        smtp: &Smtp,
        record: &OutboxRecord,
        key: &SigningKey,
    ) -> Outcome {
        if record.recipient.parse::<Mailbox>().is_err() {
            return Outcome::Failed(format!(
                "{:?} is not a valid e-mail address; correct it and issue the badge again",
                record.recipient
            ));
        }
        let badge = match self.badge(record.serial) {
            Ok(b) => b,
            Err(e) => return Outcome::Retry(e.to_string()),
        };
        if badge.state == BadgeState::Revoked {
            return Outcome::Failed(format!(
                "badge {} was revoked before its message went out; not sent",
                record.serial
            ));
        }
        if badge.private {
            return Outcome::Failed(format!(
                "badge {} was made private; not sent",
                record.serial
            ));
        }
        let message = match self.notification(record, key, &smtp.from) {
            Ok(m) => m,
            Err(e) => return Outcome::Failed(e.to_string()),
        };
        match transport.send(&message) {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Failed(format!("the server refused it: {e}")),
            Err(e) if e.is_transient() => {
                Outcome::Retry(format!("the server refused it for now: {e}"))
            }
            Err(e) => Outcome::Unreachable(format!("{}: {e}", smtp.url)),
        }
    }

    /// The outbox's counts and its failed messages.
    pub fn outbox_summary(&self) -> Result<OutboxSummary, DeskError> {
        let mut s = OutboxSummary::default();
        for r in self.ledger.outbox(OutboxQuery::All)? {
            match r.state {
                MailState::Pending => s.pending += 1,
                MailState::Sent => s.sent += 1,
                MailState::Failed => s.failed.push(NotSent {
                    serial: r.serial,
                    recipient: r.recipient,
                    reason: r.last_error.unwrap_or_default(),
                }),
            }
        }
        Ok(s)
    }

    /// The notification states of these badges.
    pub fn mail_states(&self, serials: &[u32]) -> Result<HashMap<u32, OutboxRecord>, DeskError> {
        Ok(self
            .ledger
            .outbox(OutboxQuery::Of(serials))?
            .into_iter()
            .map(|r| (r.serial, r))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unwrap_used)]
    fn a_login_goes_only_over_tls_or_to_this_machine() {
        for ok in [
            "smtps://mail.example.org:465",
            "smtp://mail.example.org:587?tls=required",
            "smtp://127.0.0.1:2525",
            "smtp://localhost:25",
            "smtp://[::1]:2525",
            "SMTPS://user@mail.example.org",
        ] {
            assert!(check_login_transport(ok).is_ok(), "{ok}");
        }
        for bad in [
            "smtp://mail.example.org:25",
            "smtp://mail.example.org:587?tls=opportunistic",
            "smtp://user@mail.example.org:587",
            "smtp://10.0.0.5:25",
            "smtp://localhost.evil.example:25",
        ] {
            let err = check_login_transport(bad).unwrap_err().to_string();
            assert!(
                err.contains("tls=required") && err.contains("smtps://"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(1), 60);
        assert_eq!(backoff(2), 120);
        assert_eq!(backoff(5), 960);
        assert_eq!(backoff(40), MAX_BACKOFF);
    }

    #[test]
    fn templates_fill_every_placeholder() {
        for lang in ["en", "pt"] {
            let (subject, text, html) = builtin(lang);
            let values: Vec<(&str, String)> = [
                "name",
                "achievement",
                "issuer",
                "serial",
                "link",
                "linkedin",
                "claim_code",
                "picture",
            ]
            .iter()
            .map(|k| (*k, "X".to_string()))
            .collect();
            for t in [subject, text, html] {
                let out = fill(t, &values);
                assert!(!out.contains('{'), "{lang}: {out}");
            }
            assert!(
                fill(text, &values).contains("ignor"),
                "{lang}: the decline line"
            );
        }
    }
}
