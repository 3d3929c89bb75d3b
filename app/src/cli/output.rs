//! What several commands print: verdicts, badges, status changes, JSON,
//! and bytes to a file or standard output. Every text taken from a badge
//! or a file goes out inert (`tessera_formats::text::inert`).

use std::io::Write;
use std::path::Path;

use tessera_desk::check::{Report, date};
use tessera_desk::store::files;
use tessera_desk::store::ledger::BadgeRecord;
use tessera_desk::{Desk, DeskError, claim_code};

/// Say what changed and where the new status lists are, and rebuild the
/// site `site build` last wrote. A failed rebuild is reported, not
/// returned: the change stands and only the site is behind.
pub(super) fn status_changed(desk: &Desk, keys: &tessera_desk::KeyRing, what: &str, lists: &Path) {
    println!("{what}; new status lists for kiosks: {}", lists.display());
    match desk.rebuild_site(keys) {
        Ok(Some(site)) => println!(
            "the verification site in {} was rebuilt: publish it again",
            site.dir.display()
        ),
        Ok(None) => {
            println!("if you publish a verification site, rebuild it: tessera site build --out DIR")
        }
        Err(e) => eprintln!("the verification site could not be rebuilt: {e}"),
    }
}

/// Print a report as one line of JSON.
pub(super) fn print_json(report: &impl serde::Serialize) -> Result<(), DeskError> {
    let text = serde_json::to_string(report)
        .map_err(|e| DeskError::Input(format!("the report cannot be written as JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

pub(super) fn badge_json(b: &BadgeRecord) -> serde_json::Value {
    serde_json::json!({
        "serial": b.serial,
        "size": b.cose.len(),
        "profile": b.profile,
        "state": b.state.as_str(),
        "recipient": b.recipient,
        "achievement": b.achievement_id,
        "title": b.achievement_name,
        "issued": date(b.issued_at),
        "expires": b.expires_at.map(tessera_desk::check::expiry_date),
        "private": b.private,
        "evidence": b.evidence,
        "level": b.level,
        "claim_code": claim_code(&b.salt),
        "kid": hex::encode(&b.kid),
        "card_image_size": tessera_core::ndef::card_image_len(b.cose.len()),
        "fits": tessera_core::CardType::smallest_for(tessera_core::ndef::card_image_len(b.cose.len())).map(|c| c.name()),
    })
}

/// One verdict on one line, for many files or a watched reader:
/// `WHERE: VERDICT serial N CODE (ISSUER), reason`.
pub(super) fn verdict_line(source: &str, v: &Report) -> String {
    let what = v
        .badge
        .as_ref()
        .map_or(String::new(), |b| match &b.credential_id {
            Some(id) => format!(" credential {id} {} ({}),", b.achievement_id, b.issuer),
            None => format!(" serial {} {} ({}),", b.serial, b.achievement_id, b.issuer),
        });
    let line = format!(
        "{source}: {}{}{}{what} {}",
        v.verdict.headline(),
        if v.demo { " (DEMO)" } else { "" },
        note(v),
        v.reason
    );
    // The file name, the badge's texts: one inert line.
    tessera_formats::text::inert(&line).into_owned()
}

/// The note said next to a verdict (" · retired certification"), if any.
fn note(v: &Report) -> String {
    v.note
        .as_ref()
        .map(|n| format!(" · {n}"))
        .unwrap_or_default()
}

/// What `trust lists` (or `trust add` of a file with lists) took in.
pub(super) fn print_imported(imported: &[tessera_desk::ImportedList]) {
    for l in imported {
        println!(
            "status list of key {}: serials {} to {}, {} revoked",
            l.kid,
            l.first,
            u64::from(l.first) + u64::from(l.count).saturating_sub(1),
            l.revoked
        );
    }
    println!(
        "{} status lists imported; rebuild the site and the kiosk file (`tessera site build`, `tessera status-list`) to carry them",
        imported.len()
    );
}

/// Print a verdict the way `verify` and `card check` do. Every text in it
/// may come from the badge or file checked: each line goes out through
/// [`inert`](tessera_formats::text::inert), so no escape sequence, line break or
/// bidirectional control in it can rewrite what the terminal shows.
pub(super) fn print_report(v: &Report, json: bool) {
    if json {
        match serde_json::to_string(v) {
            Ok(line) => println!("{}", tessera_formats::text::inert_json(&line)),
            Err(e) => eprintln!("error: the verdict cannot be written as JSON: {e}"),
        }
        return;
    }
    let say = |line: String| println!("{}", tessera_formats::text::inert(&line));
    say(format!(
        "{}{}{}",
        v.verdict.headline(),
        if v.demo { " (DEMO)" } else { "" },
        note(v)
    ));
    say(v.reason.clone());
    if let Some(h) = &v.holder {
        if h.belongs {
            say(format!("belongs to {}", h.identity));
        } else {
            say(format!(
                "does not belong to {} (or the claim code is wrong)",
                h.identity
            ));
        }
    }
    if let Some(b) = &v.badge {
        let title = b.achievement_name.as_deref().unwrap_or("");
        say(format!(
            "{}: {}{}",
            b.credential_id.as_ref().map_or_else(
                || format!("serial {}", b.serial),
                |id| format!("credential {id}")
            ),
            b.achievement_id,
            if title.is_empty() {
                String::new()
            } else {
                format!(" — {title}")
            }
        ));
        say(format!(
            "issuer: {}; issued {}{}",
            b.issuer,
            b.issued,
            b.expires
                .as_ref()
                .map(|e| format!(", expires {e}"))
                .unwrap_or_default()
        ));
        if let Some(l) = b.level {
            say(format!("level: {l}"));
        }
        if let Some(e) = &b.evidence {
            say(format!("evidence: {e}"));
        }
    }
}

pub(super) fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<(), DeskError> {
    match path {
        Some(p) => Ok(files::write_atomic(p, bytes)?),
        None => std::io::stdout().write_all(bytes).map_err(|source| {
            DeskError::File(files::FileError {
                path: "standard output".into(),
                source,
            })
        }),
    }
}
