//! Issuing: a request as staff type it or a CSV row gives it, its checks
//! field by field, the claims it signs (one function for the preview and
//! for issuing, so the preview shows the bytes issuing signs), single and
//! bulk issuing in one ledger transaction, and the claim code.

use tessera_core::ndef::card_image_len;
use tessera_core::{BadgeBuilder, BadgeClaims, CardType, Profile, Salt, SigningKey, Subject};

use super::{Desk, DeskError};
use crate::store::keystore;
use crate::store::ledger::{BadgeRecord, IssuerRecord, NewBadge, PassRecord};

/// A request to issue one badge, as typed by staff or read from a CSV row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueRequest {
    /// Recipient e-mail address or candidate id.
    pub recipient: String,
    /// Achievement id (short code, e.g. `RUST-101`).
    pub achievement: String,
    /// Achievement name (standard profile).
    pub title: Option<String>,
    /// Profile.
    pub profile: Option<Profile>,
    /// Display name to put on the card (the recipient's choice).
    pub display_name: Option<String>,
    /// Expiry date, `YYYY-MM-DD` (end of that day, UTC).
    pub expires: Option<String>,
    /// Evidence URL.
    pub evidence: Option<String>,
    /// Level.
    pub level: Option<u8>,
    /// Keep out of sharing listings and exports.
    pub private: bool,
}

/// What is wrong with a request, per field, for validation as you type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field (`recipient`, `achievement`, ...).
    pub field: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Check an e-mail address or candidate id loosely but usefully.
pub fn check_recipient(r: &str) -> Result<(), String> {
    let r = r.trim();
    if r.is_empty() {
        return Err("enter the candidate's e-mail address or candidate id".into());
    }
    if r.contains('@') {
        let (local, domain) = r.rsplit_once('@').unwrap_or(("", ""));
        if local.is_empty()
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || r.contains(' ')
        {
            return Err(format!(
                "{r:?} is not a valid e-mail address (expected name@example.org)"
            ));
        }
    } else if r.contains(' ') || r.len() > 64 {
        return Err(format!(
            "{r:?} is neither an e-mail address nor a candidate id (no spaces, at most 64 characters)"
        ));
    }
    Ok(())
}

/// Parse `YYYY-MM-DD` to the end of that day (UTC), Unix seconds.
pub fn parse_date(s: &str) -> Result<i64, String> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; write it as YYYY-MM-DD, e.g. 2029-09-01"))?;
    let end = d
        .and_hms_opt(23, 59, 59)
        .ok_or_else(|| format!("{s:?} is not a date"))?;
    Ok(end.and_utc().timestamp() + 1)
}

impl IssueRequest {
    /// The profile: asked for, or mini when the request fits it.
    pub fn effective_profile(&self) -> Profile {
        self.profile.unwrap_or(Profile::Standard)
    }

    /// Every problem with the request (empty when it can be issued).
    pub fn problems(&self, now: i64) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut p = |field, message: String| out.push(FieldProblem { field, message });
        if let Err(m) = check_recipient(&self.recipient) {
            p("recipient", m);
        }
        let ach = self.achievement.trim();
        let profile = self.effective_profile();
        let id_max = match profile {
            Profile::Mini => tessera_core::sizes::MINI_MAX_ACHIEVEMENT_ID_LEN,
            Profile::Standard => tessera_core::sizes::MAX_ACHIEVEMENT_ID_LEN,
        };
        if ach.is_empty() {
            p(
                "achievement",
                "enter the achievement code, e.g. RUST-101".into(),
            );
        } else if ach.len() > id_max {
            p(
                "achievement",
                format!(
                    "the achievement code is {} bytes; the {} profile allows {id_max}",
                    ach.len(),
                    profile.name()
                ),
            );
        }
        if let Some(e) = &self.expires {
            match parse_date(e) {
                Ok(t) if t <= now => p("expires", "the expiry date is in the past".into()),
                Ok(_) => {}
                Err(m) => p("expires", m),
            }
        }
        if profile == Profile::Mini {
            for (set, field) in [
                (self.title.is_some(), "title"),
                (self.display_name.is_some(), "display name"),
                (self.expires.is_some(), "expires"),
                (self.evidence.is_some(), "evidence"),
            ] {
                if set {
                    p(
                        if field == "display name" {
                            "display_name"
                        } else {
                            field
                        },
                        format!(
                            "the mini profile has no {field}; leave it empty or choose standard"
                        ),
                    );
                }
            }
        }
        let limits = [
            (
                "title",
                self.title.as_deref(),
                tessera_core::sizes::MAX_ACHIEVEMENT_NAME_LEN,
            ),
            (
                "display_name",
                self.display_name.as_deref(),
                tessera_core::sizes::MAX_DISPLAY_NAME_LEN,
            ),
            (
                "evidence",
                self.evidence.as_deref(),
                tessera_core::sizes::MAX_EVIDENCE_LEN,
            ),
        ];
        for (field, value, max) in limits {
            if let Some(v) = value
                && v.len() > max
            {
                p(field, format!("too long: {} bytes, at most {max}", v.len()));
            }
        }
        if let Some(e) = &self.evidence
            && !(e.starts_with("https://") || e.starts_with("http://"))
        {
            p(
                "evidence",
                format!(
                    "{e:?} is not a web address; the evidence is a URL such as https://example.org/e/1"
                ),
            );
        }
        out
    }
}

impl Desk {
    fn new_badge_for(req: &IssueRequest, now: i64) -> Result<NewBadge, DeskError> {
        Self::new_badge_salted(req, now, keystore::random_bytes()?)
    }

    /// The badge to record for `req`, with this recipient salt (fresh
    /// randomness when issuing; any fixed value for the preview, since the
    /// commitment's length does not depend on it).
    fn new_badge_salted(
        req: &IssueRequest,
        now: i64,
        salt: [u8; tessera_core::sizes::SALT_LEN],
    ) -> Result<NewBadge, DeskError> {
        if let Some(p) = req.problems(now).first() {
            return Err(DeskError::Input(format!("{}: {}", p.field, p.message)));
        }
        let subject = Subject::commit(&Salt::from(salt), &req.recipient);
        Ok(NewBadge {
            recipient: req.recipient.trim().to_string(),
            salt: salt.to_vec(),
            subject: subject.as_str().to_string(),
            achievement_id: req.achievement.trim().to_string(),
            achievement_name: req.title.clone(),
            profile: req.effective_profile().name().to_string(),
            display_name: req.display_name.clone(),
            evidence: req.evidence.clone(),
            level: req.level,
            issued_at: now,
            expires_at: req
                .expires
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(DeskError::Input)?,
            private: req.private,
            // The candidate hears by e-mail; a candidate id has no address,
            // and a private badge is not shared.
            notify: req.recipient.contains('@') && !req.private,
        })
    }

    /// Issue one badge: sign and record it.
    pub fn issue(
        &mut self,
        key: &SigningKey,
        req: &IssueRequest,
    ) -> Result<BadgeRecord, DeskError> {
        let issuer = self.issuer()?;
        let req = self.from_catalogue(req)?;
        let b = Self::new_badge_for(&req, self.now())?;
        let mut records = self.issue_rows(key, &issuer, &[b], &[], &mut |_| true)?;
        records
            .pop()
            .ok_or_else(|| DeskError::Input("nothing was issued".into()))
    }

    /// Issue many badges in one transaction; `progress(done)` returning
    /// false cancels (nothing is recorded).
    pub fn issue_many(
        &mut self,
        key: &SigningKey,
        reqs: &[IssueRequest],
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, DeskError> {
        self.issue_many_with_passes(key, reqs, &[], progress)
    }

    /// [`Desk::issue_many`] recording exam passes in the same transaction.
    pub(crate) fn issue_many_with_passes(
        &mut self,
        key: &SigningKey,
        reqs: &[IssueRequest],
        passes: &[PassRecord],
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, DeskError> {
        let issuer = self.issuer()?;
        let t = self.now();
        let rows = reqs
            .iter()
            .map(|r| Self::new_badge_for(r, t))
            .collect::<Result<Vec<_>, _>>()?;
        self.issue_rows(key, &issuer, &rows, passes, progress)
    }

    fn issue_rows(
        &mut self,
        key: &SigningKey,
        issuer: &IssuerRecord,
        rows: &[NewBadge],
        passes: &[PassRecord],
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, DeskError> {
        if key.kid().as_bytes().as_slice() != issuer.kid.as_slice() {
            return Err(DeskError::Input(
                "the unlocked key is not the active issuer key".into(),
            ));
        }
        let name = issuer.name.clone();
        let kid = issuer.kid.clone();
        let queue_mail = self.mail_queue_on()?;
        let quiet: Vec<NewBadge>;
        let rows = if queue_mail {
            rows
        } else {
            quiet = rows
                .iter()
                .cloned()
                .map(|b| NewBadge { notify: false, ..b })
                .collect();
            &quiet
        };
        // Borrow split: signing needs only the key and name, not the ledger.
        let signer = |serial: u32, b: &NewBadge| -> Result<Vec<u8>, DeskError> {
            sign_badge(key, &name, serial, b)
        };
        let ledger = &mut self.ledger;
        ledger.issue_with_passes(&kid, rows, passes, signer, progress)
    }
}

/// The claims a badge will carry: the one place that turns a recorded
/// request into signed fields, used by issuing and by [`preview`].
fn claims<'a>(issuer_name: &'a str, serial: u32, b: &'a NewBadge) -> (Profile, BadgeClaims<'a>) {
    let profile = if b.profile == "mini" {
        Profile::Mini
    } else {
        Profile::Standard
    };
    // Issue times are after 1970; a negative one cannot be typed or read.
    let mut claims = BadgeClaims::new(
        &b.subject,
        serial,
        u64::try_from(b.issued_at).unwrap_or(0),
        &b.achievement_id,
    );
    claims.level = b.level;
    if profile == Profile::Standard {
        claims.issuer = Some(issuer_name);
        claims.achievement_name = b.achievement_name.as_deref();
        claims.display_name = b.display_name.as_deref();
        claims.evidence = b.evidence.as_deref();
        claims.expires = b.expires_at.and_then(|e| u64::try_from(e).ok());
    }
    (profile, claims)
}

fn sign_badge(
    key: &SigningKey,
    issuer_name: &str,
    serial: u32,
    b: &NewBadge,
) -> Result<Vec<u8>, DeskError> {
    let (profile, claims) = claims(issuer_name, serial, b);
    let mut buf = vec![0u8; tessera_core::sizes::STANDARD_MAX_LEN];
    let len = BadgeBuilder::new(profile, claims).sign(key, &mut buf)?;
    buf.truncate(len);
    Ok(buf)
}

/// What issuing a request would give: the signed bytes (under a preview
/// key: the real signature differs, the length does not) and the cards
/// they fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The badge bytes, exactly as issuing builds them but for the signature.
    pub bytes: Vec<u8>,
    /// Length of the card image (NDEF TLV, record, terminator).
    pub card_image_len: usize,
    /// The cards the image fits, smallest first.
    pub fits: Vec<CardType>,
}

/// Preview `req` as badge `serial` of `issuer_name` at time `now`: the same
/// claims and encoding as [`Desk::issue`] (only the recipient salt and the
/// signature differ, and both have fixed lengths).
pub fn preview(
    req: &IssueRequest,
    issuer_name: &str,
    serial: u32,
    now: i64,
) -> Result<Preview, DeskError> {
    let b = Desk::new_badge_salted(req, now, [0; tessera_core::sizes::SALT_LEN])?;
    // A fixed, public preview key: the signature is thrown away.
    let key = SigningKey::from_seed([0x5a; 32])?;
    let bytes = sign_badge(&key, issuer_name, serial, &b)?;
    let image = card_image_len(bytes.len());
    Ok(Preview {
        card_image_len: image,
        fits: CardType::ALL
            .into_iter()
            .filter(|c| image <= c.ndef_capacity())
            .collect(),
        bytes,
    })
}

pub use tessera_formats::text::claim_code;

/// Read a claim code as staff or a candidate types it (any case, with or
/// without the dashes and spaces) back into the recipient salt.
pub fn parse_claim_code(code: &str) -> Result<Salt, DeskError> {
    tessera_formats::text::parse_claim_code(code).map_err(|e| DeskError::Input(e.to_string()))
}

/// A CSV reader over `bytes` (fields trimmed; `flexible`: rows may have
/// more or fewer fields than the header) and its header.
pub(crate) fn csv_with_header(
    bytes: &[u8],
    flexible: bool,
) -> Result<(csv::Reader<&[u8]>, csv::StringRecord), DeskError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(flexible)
        .from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| DeskError::Input(format!("cannot read the CSV header: {e}")))?
        .clone();
    Ok((rdr, headers))
}

/// A CSV row problem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    /// Line in the file (the header is line 1).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// A checked bulk CSV: the rows ready to issue (line, request) and every
/// problem found.
pub type BulkRows = (Vec<(usize, IssueRequest)>, Vec<RowProblem>);

impl Desk {
    /// Read a bulk CSV: the requests ready to issue and every problem, by
    /// line (bad values, rows repeated in the file, badges the recipient
    /// already holds). Nothing is issued.
    pub fn check_bulk_csv(&self, bytes: &[u8]) -> Result<BulkRows, DeskError> {
        let desk = self;
        let (mut rdr, headers) = csv_with_header(bytes, false)?;
        let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(rc), Some(ac)) = (col("recipient"), col("achievement")) else {
            let missing: Vec<&str> = ["recipient", "achievement"]
                .into_iter()
                .filter(|c| col(c).is_none())
                .collect();
            return Err(DeskError::Input(format!(
                "the CSV is missing the column(s) {}; the first line must name the columns, e.g. recipient,achievement,title,expires",
                missing.join(", ")
            )));
        };
        let known = [
            "recipient",
            "achievement",
            "title",
            "profile",
            "display_name",
            "expires",
            "evidence",
            "level",
            "private",
        ];
        if let Some(unknown) = headers
            .iter()
            .find(|h| !known.iter().any(|k| k.eq_ignore_ascii_case(h)))
        {
            return Err(DeskError::Input(format!(
                "unknown CSV column {unknown:?}; known columns: {}",
                known.join(", ")
            )));
        }
        let opt = |rec: &csv::StringRecord, name: &str| {
            col(name)
                .and_then(|i| rec.get(i))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let now = desk.now();
        let catalogue = desk.catalogue()?;
        let (lang, today) = (desk.language()?, desk.today());
        let mut out = Vec::new();
        let mut problems = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i + 2;
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    problems.push(RowProblem {
                        line,
                        reason: format!("cannot read the row: {e}"),
                    });
                    continue;
                }
            };
            let profile = match opt(&rec, "profile").as_deref() {
                None | Some("standard") => Some(Profile::Standard),
                Some("mini") => Some(Profile::Mini),
                Some(other) => {
                    problems.push(RowProblem {
                        line,
                        reason: format!("profile {other:?} is not mini or standard"),
                    });
                    continue;
                }
            };
            let level = match opt(&rec, "level").map(|l| l.parse::<u8>()) {
                Some(Err(_)) => {
                    problems.push(RowProblem {
                        line,
                        reason: "level must be a whole number from 0 to 255".into(),
                    });
                    continue;
                }
                Some(Ok(l)) => Some(l),
                None => None,
            };
            let private = matches!(opt(&rec, "private").as_deref(), Some("yes" | "true" | "1"));
            let (Some(recipient), Some(achievement)) = (rec.get(rc), rec.get(ac)) else {
                problems.push(RowProblem {
                    line,
                    reason: "the row has fewer columns than the header".into(),
                });
                continue;
            };
            let req = IssueRequest {
                recipient: recipient.to_string(),
                achievement: achievement.to_string(),
                title: opt(&rec, "title"),
                profile,
                display_name: opt(&rec, "display_name"),
                expires: opt(&rec, "expires"),
                evidence: opt(&rec, "evidence"),
                level,
                private,
            };
            let req = match catalogue.fill(&req, &lang, today) {
                Ok(r) => r,
                Err(p) => {
                    problems.push(RowProblem {
                        line,
                        reason: format!("{} {:?}: {}", p.field, req.achievement.trim(), p.message),
                    });
                    continue;
                }
            };
            let row_problems = req.problems(now);
            if !row_problems.is_empty() {
                for p in row_problems {
                    problems.push(RowProblem {
                        line,
                        reason: format!("{}: {}", p.field, p.message),
                    });
                }
                continue;
            }
            let key = (
                req.recipient.trim().to_lowercase(),
                req.achievement.trim().to_string(),
            );
            if let Some(first) = seen.insert(key.clone(), line) {
                problems.push(RowProblem {
                    line,
                    reason: format!("duplicate of line {first} (same recipient and achievement)"),
                });
                continue;
            }
            out.push((line, req));
        }
        // Badges the recipients already hold: one set query for the file.
        let pairs: Vec<(&str, &str)> = out
            .iter()
            .map(|(_, r)| (r.recipient.trim(), r.achievement.trim()))
            .collect();
        let existing = desk.ledger.existing(&pairs)?;
        let mut ready = Vec::with_capacity(out.len());
        for ((line, req), held) in out.into_iter().zip(existing) {
            if held.is_empty() {
                ready.push((line, req));
            } else {
                problems.push(RowProblem {
                    line,
                    reason: format!(
                        "{} already holds {} (serial {:?}); remove the row or revoke the old badge",
                        req.recipient.trim().to_lowercase(),
                        req.achievement.trim(),
                        held
                    ),
                });
            }
        }
        problems.sort_by_key(|p| p.line);
        let out = ready;
        Ok((out, problems))
    }
}
