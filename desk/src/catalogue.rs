//! The program's catalogue: its exams and certifications, their texts per
//! language, what each certification requires, which entries have a badge
//! and when they retired; and the rules that turn an exam pass into
//! badges. The catalogue lives in the ledger (every desk on a shared
//! ledger applies the same rules); this module reads, checks and writes
//! it, and knows nothing of how staff reach it.
//!
//! The rules, as certification programs state them:
//! - a pass that completes a certification (active on the day of the pass,
//!   with a badge) earns the certification's badge, and no badge for the
//!   exam itself;
//! - a pass that completes none earns the exam's own badge, if it has one;
//! - legacy entries (`badge: no`) earn nothing, and the desk says so;
//! - a retired exam or certification takes no pass dated after its
//!   retirement, and keeps every badge earned before it valid.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Desk, DeskError, RowProblem};
use crate::store::ledger::CatalogueRow;

/// The languages the catalogue holds texts in; the first is the default,
/// and every entry has its name in it.
pub const LANGUAGES: [&str; 2] = ["en", "pt"];

/// The ledger setting naming the issuer's language.
const LANGUAGE_SETTING: &str = "issuer_language";

/// The largest image a catalogue entry takes (it is copied into every
/// baked badge and Open Badges credential of that achievement).
pub const MAX_IMAGE_BYTES: usize = 256 * 1024;

/// Exam or certification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An exam: candidates pass it.
    Exam,
    /// A certification: earned by passing the exams it requires.
    Certification,
}

impl Kind {
    /// The word for it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Exam => "exam",
            Kind::Certification => "certification",
        }
    }

    /// The Open Badges 3.0 `achievementType`.
    pub const fn achievement_type(self) -> &'static str {
        match self {
            Kind::Exam => "Assessment",
            Kind::Certification => "Certification",
        }
    }
}

/// Texts by language code.
pub type Texts = BTreeMap<String, String>;

/// One exam or certification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The code, e.g. `AZ-305` (the badge's achievement id).
    pub code: String,
    /// Exam or certification.
    pub kind: Kind,
    /// Name per language.
    pub name: Texts,
    /// Description per language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub description: Texts,
    /// Criteria narrative per language: what earns it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub criteria: Texts,
    /// For a certification, the ways to earn it: any one path, every code
    /// on that path (exams, or other certifications).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<Vec<String>>,
    /// Whether it has a badge (legacy entries do not).
    pub badge: bool,
    /// The last day it was active, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_on: Option<NaiveDate>,
    /// The badge picture's image, PNG, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl Entry {
    /// A text in `lang`, else in the default language, else in any.
    fn text<'a>(texts: &'a Texts, lang: &str) -> Option<&'a str> {
        texts
            .get(lang)
            .or_else(|| texts.get(LANGUAGES[0]))
            .or_else(|| texts.values().next())
            .map(String::as_str)
            .filter(|t| !t.is_empty())
    }

    /// Its name in `lang`.
    pub fn name_in(&self, lang: &str) -> &str {
        Self::text(&self.name, lang).unwrap_or(&self.code)
    }

    /// Its description in `lang`, if it has one.
    pub fn description_in(&self, lang: &str) -> Option<&str> {
        Self::text(&self.description, lang)
    }

    /// Its criteria narrative in `lang`, if it has one.
    pub fn criteria_in(&self, lang: &str) -> Option<&str> {
        Self::text(&self.criteria, lang)
    }

    /// Retired on or before `day` (a pass dated after its retirement)?
    pub fn retired_before(&self, day: NaiveDate) -> bool {
        self.retired_on.is_some_and(|r| r < day)
    }

    /// Retired at all, as of today?
    pub fn is_retired(&self, today: NaiveDate) -> bool {
        self.retired_on.is_some_and(|r| r < today)
    }

    /// The image, decoded.
    pub fn image_png(&self) -> Option<Vec<u8>> {
        self.image.as_deref().and_then(|b| STANDARD.decode(b).ok())
    }

    /// `requires` as the CSV writes it: `A+B|C`.
    pub fn requires_text(&self) -> String {
        self.requires
            .iter()
            .map(|path| path.join("+"))
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// What a catalogue says about badges already issued for an achievement
/// that retired: a short note for next to the verdict ("retired
/// certification") and the sentence that explains it.
pub fn retired_note(entry: &Entry, today: NaiveDate) -> Option<(String, String)> {
    let on = entry.retired_on.filter(|_| entry.is_retired(today))?;
    Some((
        format!("retired {}", entry.kind.as_str()),
        format!(
            "{} retired on {on}; badges earned before then stay valid",
            entry.code
        ),
    ))
}

/// The catalogue, by code (codes compare case-insensitively).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    entries: BTreeMap<String, Entry>,
}

/// The key a code is filed under.
fn key(code: &str) -> String {
    code.trim().to_uppercase()
}

/// What an exam pass earns under the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// These badges (achievement codes), and why.
    Earns(Vec<String>, String),
    /// No badge (a legacy entry); the pass is recorded.
    NoBadge(String),
    /// Not accepted (the exam retired before the pass): nothing recorded.
    Refused(String),
}

impl Catalogue {
    /// Read the catalogue the ledger holds.
    pub fn from_rows(rows: &[CatalogueRow]) -> Result<Self, DeskError> {
        let mut entries = BTreeMap::new();
        for r in rows {
            let e: Entry = serde_json::from_str(&r.entry).map_err(|e| {
                DeskError::Input(format!(
                    "the ledger's catalogue entry {} cannot be read ({e}); import the catalogue again",
                    r.code
                ))
            })?;
            entries.insert(key(&e.code), e);
        }
        Ok(Self { entries })
    }

    /// No entries (the desk takes free achievement codes).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Every entry, in code order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// The entry with this code (any case).
    pub fn get(&self, code: &str) -> Option<&Entry> {
        self.entries.get(&key(code))
    }

    /// Up to three codes closest to `code`, closest first.
    pub fn closest(&self, code: &str) -> Vec<&str> {
        let wanted = key(code);
        let mut scored: Vec<(f64, &str)> = self
            .entries
            .iter()
            .map(|(k, e)| (strsim::jaro_winkler(&wanted, k), e.code.as_str()))
            .filter(|(s, _)| *s >= 0.7)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().take(3).map(|(_, c)| c).collect()
    }

    /// The entry with this code, or an error naming the closest codes.
    pub fn find(&self, code: &str) -> Result<&Entry, String> {
        self.get(code)
            .ok_or_else(|| format!("{:?} is {}", code.trim(), self.unknown(code)))
    }

    /// Why `code` cannot be used: it is not in the catalogue, and which
    /// codes are closest.
    fn unknown(&self, code: &str) -> String {
        let close = self.closest(code);
        if close.is_empty() {
            format!(
                "not in the catalogue ({} entries; `tessera catalogue list` shows them)",
                self.len()
            )
        } else {
            format!("not in the catalogue; did you mean {}?", close.join(", "))
        }
    }

    /// A request as issuing from the catalogue makes it: the code must be
    /// an entry with a badge, active `today`, and names the achievement
    /// (its name in `lang` when the request has no title). An empty
    /// catalogue takes any code, as a desk without one always did.
    pub fn fill(
        &self,
        req: &super::IssueRequest,
        lang: &str,
        today: NaiveDate,
    ) -> Result<super::IssueRequest, super::FieldProblem> {
        let problem = |message: String| super::FieldProblem {
            field: "achievement",
            message,
        };
        if self.is_empty() || req.achievement.trim().is_empty() {
            return Ok(req.clone());
        }
        let e = self
            .get(&req.achievement)
            .ok_or_else(|| problem(self.unknown(&req.achievement)))?;
        if !e.badge {
            return Err(problem(format!(
                "{} is a legacy {} without a badge",
                e.code,
                e.kind.as_str()
            )));
        }
        if e.is_retired(today) {
            return Err(problem(format!(
                "{} retired on {}; record a pass dated before then with `tessera result` to issue its badge",
                e.code,
                e.retired_on.map(|d| d.to_string()).unwrap_or_default()
            )));
        }
        let mut out = req.clone();
        out.achievement = e.code.clone();
        if out.title.is_none() && out.effective_profile() == tessera_core::Profile::Standard {
            out.title = Some(e.name_in(lang).to_string());
        }
        Ok(out)
    }

    /// The certifications complete once every code in `passed` (exam
    /// keys) is passed: a certification is complete when every code on
    /// one of its paths is a passed exam or a complete certification.
    fn completed(&self, passed: &BTreeSet<String>) -> BTreeSet<String> {
        let mut done: BTreeSet<String> = BTreeSet::new();
        loop {
            let before = done.len();
            for (k, e) in &self.entries {
                if e.kind != Kind::Certification || done.contains(k) {
                    continue;
                }
                let met = |c: &String| {
                    let c = key(c);
                    passed.contains(&c) || done.contains(&c)
                };
                if e.requires.iter().any(|path| path.iter().all(met)) {
                    done.insert(k.clone());
                }
            }
            // Import refuses cycles, so this ends; it stops anyway once
            // nothing new completes.
            if done.len() == before {
                return done;
            }
        }
    }

    /// What passing `exam` on `day` earns a candidate who had passed
    /// `before` (exam codes).
    pub fn outcome(&self, before: &BTreeSet<String>, exam: &Entry, day: NaiveDate) -> Outcome {
        if let Some(r) = exam.retired_on.filter(|r| *r < day) {
            return Outcome::Refused(format!(
                "{} retired on {r}; a pass dated {day} earns nothing (passes up to {r} are accepted)",
                exam.code
            ));
        }
        let before: BTreeSet<String> = before.iter().map(|c| key(c)).collect();
        let mut after = before.clone();
        after.insert(key(&exam.code));
        let had = self.completed(&before);
        let mut notes = Vec::new();
        let mut earned = Vec::new();
        for k in self.completed(&after).difference(&had) {
            let Some(cert) = self.entries.get(k) else {
                continue;
            };
            if !cert.badge {
                notes.push(format!("completes {}, which has no badge", cert.code));
            } else if let Some(r) = cert.retired_on.filter(|r| *r < day) {
                notes.push(format!(
                    "would complete {}, retired on {r}: no badge for passes after that",
                    cert.code
                ));
            } else {
                earned.push(cert.code.clone());
            }
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("; {}", notes.join("; "))
        };
        if !earned.is_empty() {
            let why = format!(
                "completes {}: the certification's badge, none for the exam{notes}",
                earned.join(", ")
            );
            return Outcome::Earns(earned, why);
        }
        if exam.badge {
            Outcome::Earns(
                vec![exam.code.clone()],
                format!("the exam's badge (it completes no certification{notes})"),
            )
        } else {
            Outcome::NoBadge(format!(
                "{} is a legacy exam without a badge{notes}",
                exam.code
            ))
        }
    }
}

/// The text given for a list of texts: a bare string (the default
/// language), or one per language.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TextsIn {
    One(String),
    Many(Texts),
}

/// `requires` in a JSON catalogue: `"A+B|C"` or `[["A","B"],["C"]]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RequiresIn {
    Text(String),
    Paths(Vec<Vec<String>>),
}

/// `badge` in a JSON catalogue: `true` or `"yes"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum YesNoIn {
    Bool(bool),
    Text(String),
}

/// One entry of a JSON catalogue file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryIn {
    code: String,
    kind: String,
    name: Option<TextsIn>,
    description: Option<TextsIn>,
    criteria: Option<TextsIn>,
    requires: Option<RequiresIn>,
    badge: Option<YesNoIn>,
    retired_on: Option<String>,
    image: Option<String>,
}

/// A JSON catalogue file: a list of entries, or `{"entries": [...]}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FileIn {
    List(Vec<serde_json::Value>),
    Object { entries: Vec<serde_json::Value> },
}

/// An entry as read, before the checks that need the whole catalogue.
struct Raw {
    /// Where it is: the CSV line, or the JSON entry's number.
    line: usize,
    code: String,
    kind: String,
    name: Texts,
    description: Texts,
    criteria: Texts,
    requires: String,
    badge: String,
    retired_on: String,
    image: String,
}

/// The CSV columns a catalogue file may have (`name_pt` and so on for
/// every language after the first).
fn csv_columns() -> Vec<String> {
    let mut cols: Vec<String> = [
        "code",
        "kind",
        "name",
        "description",
        "criteria",
        "requires",
        "badge",
        "retired_on",
        "image",
    ]
    .map(str::to_string)
    .to_vec();
    for lang in &LANGUAGES[1..] {
        for field in ["name", "description", "criteria"] {
            cols.push(format!("{field}_{lang}"));
        }
    }
    cols
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Raw>, DeskError> {
    let (mut rdr, headers) = super::issue::csv_with_header(bytes, false)?;
    let known = csv_columns();
    if let Some(unknown) = headers
        .iter()
        .find(|h| !known.iter().any(|k| k.eq_ignore_ascii_case(h)))
    {
        return Err(DeskError::Input(format!(
            "unknown catalogue column {unknown:?}; the columns are {}",
            known.join(", ")
        )));
    }
    let missing: Vec<&str> = ["code", "kind", "name"]
        .into_iter()
        .filter(|c| !headers.iter().any(|h| h.eq_ignore_ascii_case(c)))
        .collect();
    if !missing.is_empty() {
        return Err(DeskError::Input(format!(
            "the catalogue CSV has no column {}; the first line names the columns: {}",
            missing.join(", "),
            known.join(",")
        )));
    }
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| DeskError::Input(format!("line {line}: cannot read it: {e}")))?;
        let get = |name: &str| col(name).and_then(|c| rec.get(c)).unwrap_or("").to_string();
        let texts = |field: &str| {
            let mut t = Texts::new();
            for (n, lang) in LANGUAGES.iter().enumerate() {
                let v = if n == 0 {
                    get(field)
                } else {
                    get(&format!("{field}_{lang}"))
                };
                if !v.is_empty() {
                    t.insert((*lang).to_string(), v);
                }
            }
            t
        };
        out.push(Raw {
            line,
            code: get("code"),
            kind: get("kind"),
            name: texts("name"),
            description: texts("description"),
            criteria: texts("criteria"),
            requires: get("requires"),
            badge: get("badge"),
            retired_on: get("retired_on"),
            image: get("image"),
        });
    }
    Ok(out)
}

fn read_json(bytes: &[u8]) -> Result<Vec<Raw>, DeskError> {
    let file: FileIn = serde_json::from_slice(bytes).map_err(|e| {
        DeskError::Input(format!(
            "the catalogue is not JSON of the expected shape ({e}); it is a list of entries or {{\"entries\": [...]}}"
        ))
    })?;
    let (FileIn::List(values) | FileIn::Object { entries: values }) = file;
    let mut out = Vec::new();
    for (i, v) in values.into_iter().enumerate() {
        let line = i + 1;
        let e: EntryIn = serde_json::from_value(v)
            .map_err(|e| DeskError::Input(format!("entry {line}: {e}")))?;
        let texts = |t: Option<TextsIn>| match t {
            None => Texts::new(),
            Some(TextsIn::One(s)) => Texts::from([(LANGUAGES[0].to_string(), s)]),
            Some(TextsIn::Many(m)) => m,
        };
        out.push(Raw {
            line,
            code: e.code.trim().to_string(),
            kind: e.kind,
            name: texts(e.name),
            description: texts(e.description),
            criteria: texts(e.criteria),
            requires: match e.requires {
                None => String::new(),
                Some(RequiresIn::Text(t)) => t,
                Some(RequiresIn::Paths(p)) => p
                    .iter()
                    .map(|path| path.join("+"))
                    .collect::<Vec<_>>()
                    .join("|"),
            },
            badge: match e.badge {
                None => String::new(),
                Some(YesNoIn::Bool(b)) => if b { "yes" } else { "no" }.into(),
                Some(YesNoIn::Text(t)) => t,
            },
            retired_on: e.retired_on.unwrap_or_default(),
            image: e.image.unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Check one entry on its own; `base` is the folder image paths are
/// relative to.
fn entry_of(raw: Raw, base: &Path, problems: &mut Vec<RowProblem>) -> Option<Entry> {
    let line = raw.line;
    let before = problems.len();
    let mut bad = |reason: String| problems.push(RowProblem { line, reason });
    let code = raw.code.trim().to_string();
    if code.is_empty() {
        bad("code: empty; every entry has a code, e.g. AZ-305".into());
    } else if code.len() > tessera_core::sizes::MAX_ACHIEVEMENT_ID_LEN {
        bad(format!(
            "code: {code:?} is {} bytes; badges hold codes of at most {}",
            code.len(),
            tessera_core::sizes::MAX_ACHIEVEMENT_ID_LEN
        ));
    } else if code.contains(['+', '|', ' ', ',']) {
        bad(format!(
            "code: {code:?} has a space, comma, + or |, which `requires` uses between codes"
        ));
    }
    let kind = match raw.kind.trim().to_lowercase().as_str() {
        "exam" => Some(Kind::Exam),
        "certification" => Some(Kind::Certification),
        other => {
            bad(format!(
                "kind: {other:?} is not \"exam\" or \"certification\""
            ));
            None
        }
    };
    match raw.name.get(LANGUAGES[0]).map(|n| n.trim()) {
        None | Some("") => bad(format!(
            "name: missing; every entry has a name in {:?} (the `name` column)",
            LANGUAGES[0]
        )),
        _ => {}
    }
    for (lang, n) in &raw.name {
        if !LANGUAGES.contains(&lang.as_str()) {
            bad(format!(
                "name: language {lang:?} is not one the desk writes ({})",
                LANGUAGES.join(", ")
            ));
        } else if n.len() > tessera_core::sizes::MAX_ACHIEVEMENT_NAME_LEN {
            bad(format!(
                "name ({lang}): {} bytes; badges hold names of at most {}",
                n.len(),
                tessera_core::sizes::MAX_ACHIEVEMENT_NAME_LEN
            ));
        }
    }
    let badge = match raw.badge.trim().to_lowercase().as_str() {
        "" | "yes" | "true" => true,
        "no" | "false" => false,
        other => {
            bad(format!("badge: {other:?} is not yes or no"));
            true
        }
    };
    let retired_on = match raw.retired_on.trim() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                bad(format!(
                    "retired_on: {d:?} is not a date; write it as YYYY-MM-DD"
                ));
                None
            }
        },
    };
    let requires: Vec<Vec<String>> = if raw.requires.trim().is_empty() {
        Vec::new()
    } else {
        raw.requires
            .split('|')
            .map(|path| path.split('+').map(|c| c.trim().to_string()).collect())
            .collect()
    };
    if requires.iter().flatten().any(String::is_empty) {
        bad(format!(
            "requires: {:?} has an empty code; write codes joined by + (all of them) and | (one path or another), e.g. AZ-104+AZ-305",
            raw.requires
        ));
    }
    match kind {
        Some(Kind::Exam) if !requires.is_empty() => bad(format!(
            "requires: an exam requires nothing (it is passed); {code} lists {:?}",
            raw.requires
        )),
        Some(Kind::Certification) if requires.is_empty() => bad(format!(
            "requires: the certification {code} names no exams; list them, e.g. AZ-104+AZ-305"
        )),
        _ => {}
    }
    let image = if raw.image.trim().is_empty() {
        None
    } else {
        let path = base.join(raw.image.trim());
        // Only a file in the catalogue's own folder (or below it), read
        // with a bound: never `/dev/zero`, never `../../home/…`.
        let inside = match (std::fs::canonicalize(base), std::fs::canonicalize(&path)) {
            (Ok(b), Ok(p)) => p.starts_with(&b),
            _ => true,
        };
        let read = if inside {
            crate::store::files::read_at_most(&path, MAX_IMAGE_BYTES as u64 * 4)
                .map_err(|e| e.source.to_string())
        } else {
            Err(format!(
                "it is outside the catalogue's folder {}; put the image beside the catalogue",
                base.display()
            ))
        };
        match read {
            Ok(b) if !b.starts_with(&tessera_formats::shared::PNG_SIGNATURE) => {
                bad(format!("image: {} is not a PNG file", path.display()));
                None
            }
            Ok(b) if b.len() > MAX_IMAGE_BYTES => {
                bad(format!(
                    "image: {} is {} KB; at most {} KB (it rides in every badge picture)",
                    path.display(),
                    b.len() / 1024,
                    MAX_IMAGE_BYTES / 1024
                ));
                None
            }
            Ok(b) => Some(STANDARD.encode(b)),
            Err(e) => {
                bad(format!("image: cannot read {}: {e}", path.display()));
                None
            }
        }
    };
    (problems.len() == before).then_some(Entry {
        code,
        kind: kind?,
        name: raw.name,
        description: raw.description,
        criteria: raw.criteria,
        requires,
        badge,
        retired_on,
        image,
    })
}

/// Check that every required code exists (in the file or the catalogue)
/// and that no certification requires itself, however indirectly.
fn check_requirements(
    merged: &Catalogue,
    lines: &BTreeMap<String, usize>,
    in_file: &BTreeMap<String, usize>,
    problems: &mut Vec<RowProblem>,
) {
    for (k, line) in lines {
        let Some(e) = merged.entries.get(k) else {
            continue;
        };
        for code in e.requires.iter().flatten() {
            if merged.get(code).is_none() {
                if let Some(own) = in_file.get(&key(code)) {
                    problems.push(RowProblem {
                        line: *line,
                        reason: format!(
                            "requires: {code:?}, whose own line {own} has a problem (see there)"
                        ),
                    });
                    continue;
                }
                let close = merged.closest(code);
                problems.push(RowProblem {
                    line: *line,
                    reason: format!(
                        "requires: {code:?} is neither in this file nor in the catalogue{}",
                        if close.is_empty() {
                            String::new()
                        } else {
                            format!(" (closest: {})", close.join(", "))
                        }
                    ),
                });
            }
        }
    }
    // Depth-first walk from every entry of the file: a path back to where
    // it started is a cycle.
    for (k, line) in lines {
        let mut stack: Vec<(String, Vec<String>)> = vec![(k.clone(), vec![k.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, trail)) = stack.pop() {
            let Some(e) = merged.entries.get(&at) else {
                continue;
            };
            for next in e.requires.iter().flatten().map(|c| key(c)) {
                if &next == k {
                    let names: Vec<String> = trail
                        .iter()
                        .chain(std::iter::once(&next))
                        .map(|c| merged.get(c).map_or(c.clone(), |e| e.code.clone()))
                        .collect();
                    problems.push(RowProblem {
                        line: *line,
                        reason: format!(
                            "requires: the requirements go round in a circle: {}",
                            names.join(" → ")
                        ),
                    });
                    stack.clear();
                    break;
                }
                if seen.insert(next.clone()) {
                    let mut t = trail.clone();
                    t.push(next.clone());
                    stack.push((next, t));
                }
            }
        }
    }
}

/// What importing a catalogue file does (or would do, on a dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// New codes.
    pub added: Vec<String>,
    /// Codes whose entry changes.
    pub changed: Vec<String>,
    /// Entries the file has as the catalogue already does.
    pub unchanged: usize,
    /// Every problem, by line; when there is one, nothing is imported.
    pub problems: Vec<RowProblem>,
}

impl Desk {
    /// The catalogue in the ledger.
    pub fn catalogue(&self) -> Result<Catalogue, DeskError> {
        Catalogue::from_rows(&self.ledger.catalogue()?)
    }

    /// `req` as the catalogue fills it in ([`Catalogue::fill`]).
    pub fn from_catalogue(
        &self,
        req: &super::IssueRequest,
    ) -> Result<super::IssueRequest, DeskError> {
        self.catalogue()?
            .fill(req, &self.language()?, self.today())
            .map_err(|p| {
                DeskError::Input(format!(
                    "{} {:?}: {}",
                    p.field,
                    req.achievement.trim(),
                    p.message
                ))
            })
    }

    /// The issuer's language (texts of exports and badge pictures).
    pub fn language(&self) -> Result<String, DeskError> {
        Ok(self
            .ledger
            .meta(LANGUAGE_SETTING)?
            .filter(|l| LANGUAGES.contains(&l.as_str()))
            .unwrap_or_else(|| LANGUAGES[0].to_string()))
    }

    /// Set the issuer's language.
    pub fn set_language(&self, lang: &str) -> Result<(), DeskError> {
        let lang = lang.trim().to_lowercase();
        if !LANGUAGES.contains(&lang.as_str()) {
            return Err(DeskError::Input(format!(
                "{lang:?} is not a language the desk writes; choose one of {}",
                LANGUAGES.join(", ")
            )));
        }
        Ok(self.ledger.set_meta(LANGUAGE_SETTING, &lang)?)
    }

    /// Import a catalogue file (CSV when `path` ends in `.csv`, else
    /// JSON): every entry is checked, then all are added or replaced in one
    /// transaction, or none when any has a problem or on a dry run.
    pub fn import_catalogue(
        &mut self,
        path: &Path,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport, DeskError> {
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let raw = if is_csv {
            read_csv(bytes)?
        } else {
            read_json(bytes)?
        };
        let base = path.parent().unwrap_or(Path::new("."));
        let mut report = ImportReport::default();
        let current = self.catalogue()?;
        let mut merged = current.clone();
        let mut lines: BTreeMap<String, usize> = BTreeMap::new();
        let mut in_file: BTreeMap<String, usize> = BTreeMap::new();
        for r in raw {
            let line = r.line;
            in_file.entry(key(&r.code)).or_insert(line);
            let Some(entry) = entry_of(r, base, &mut report.problems) else {
                continue;
            };
            let k = key(&entry.code);
            if let Some(first) = lines.get(&k) {
                report.problems.push(RowProblem {
                    line,
                    reason: format!(
                        "code: {} is already on {} {first}",
                        entry.code,
                        if is_csv { "line" } else { "entry" }
                    ),
                });
                continue;
            }
            lines.insert(k.clone(), line);
            match current.entries.get(&k) {
                None => report.added.push(entry.code.clone()),
                Some(old) if *old == entry => report.unchanged += 1,
                Some(_) => report.changed.push(entry.code.clone()),
            }
            merged.entries.insert(k, entry);
        }
        check_requirements(&merged, &lines, &in_file, &mut report.problems);
        report.problems.sort_by_key(|p| p.line);
        if !report.problems.is_empty() || dry_run {
            return Ok(report);
        }
        let rows = lines
            .keys()
            .filter_map(|k| merged.entries.get(k))
            .map(|e| {
                Ok(CatalogueRow {
                    code: e.code.clone(),
                    entry: serde_json::to_string(e).map_err(|err| {
                        DeskError::Input(format!("the entry {} cannot be stored: {err}", e.code))
                    })?,
                })
            })
            .collect::<Result<Vec<_>, DeskError>>()?;
        self.ledger.put_catalogue(&rows, self.now())?;
        Ok(report)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
// Reason: tests.
mod tests {
    use super::*;

    fn entry(code: &str, kind: Kind, requires: &str, badge: bool, retired: Option<&str>) -> Entry {
        Entry {
            code: code.into(),
            kind,
            name: Texts::from([("en".into(), format!("{code} name"))]),
            description: Texts::new(),
            criteria: Texts::new(),
            requires: if requires.is_empty() {
                Vec::new()
            } else {
                requires
                    .split('|')
                    .map(|p| p.split('+').map(str::to_string).collect())
                    .collect()
            },
            badge,
            retired_on: retired.map(|d| d.parse().unwrap()),
            image: None,
        }
    }

    fn catalogue(entries: Vec<Entry>) -> Catalogue {
        Catalogue {
            entries: entries.into_iter().map(|e| (key(&e.code), e)).collect(),
        }
    }

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    #[test]
    fn the_rules_give_the_certification_not_the_exam() {
        let c = catalogue(vec![
            entry("A", Kind::Exam, "", true, None),
            entry("B", Kind::Exam, "", true, None),
            entry("S", Kind::Exam, "", true, None),
            entry("L", Kind::Exam, "", false, None),
            entry("CS", Kind::Certification, "S", true, None),
            entry("CAB", Kind::Certification, "A+B", true, None),
            entry("EXPERT", Kind::Certification, "CAB+L", true, None),
        ]);
        let none = BTreeSet::new();
        let d = day("2026-06-01");
        let get = |k: &str| c.get(k).unwrap();
        assert!(
            matches!(c.outcome(&none, get("S"), d), Outcome::Earns(b, _) if b == ["CS"]),
            "a one-exam certification"
        );
        assert!(matches!(c.outcome(&none, get("A"), d), Outcome::Earns(b, _) if b == ["A"]));
        let a = BTreeSet::from(["A".to_string()]);
        assert!(matches!(c.outcome(&a, get("B"), d), Outcome::Earns(b, _) if b == ["CAB"]));
        // A legacy exam earns nothing itself but completes a certification
        // that needs another certification.
        let ab = BTreeSet::from(["A".to_string(), "B".to_string()]);
        assert!(matches!(c.outcome(&ab, get("L"), d), Outcome::Earns(b, _) if b == ["EXPERT"]));
        assert!(matches!(c.outcome(&none, get("L"), d), Outcome::NoBadge(_)));
    }

    #[test]
    fn retirement_takes_passes_up_to_its_day() {
        let c = catalogue(vec![
            entry("OLD", Kind::Exam, "", true, Some("2025-01-31")),
            entry("X", Kind::Exam, "", true, None),
            entry("GONE", Kind::Certification, "X", true, Some("2025-01-31")),
        ]);
        let none = BTreeSet::new();
        let old = c.get("OLD").unwrap();
        assert!(matches!(
            c.outcome(&none, old, day("2025-01-31")),
            Outcome::Earns(..)
        ));
        assert!(matches!(
            c.outcome(&none, old, day("2025-02-01")),
            Outcome::Refused(_)
        ));
        let x = c.get("X").unwrap();
        assert!(
            matches!(c.outcome(&none, x, day("2025-01-30")), Outcome::Earns(b, _) if b == ["GONE"])
        );
        // After the certification retired, the exam earns its own badge.
        assert!(
            matches!(c.outcome(&none, x, day("2025-03-01")), Outcome::Earns(b, _) if b == ["X"])
        );
    }

    #[test]
    fn closest_codes_are_suggested() {
        let c = catalogue(vec![
            entry("AZ-104", Kind::Exam, "", true, None),
            entry("AZ-305", Kind::Exam, "", true, None),
            entry("DP-900", Kind::Exam, "", true, None),
        ]);
        assert_eq!(c.closest("az-350")[0], "AZ-305");
        let err = c.find("AZ-3O5").unwrap_err();
        assert!(err.contains("did you mean AZ-305"), "{err}");
        assert!(c.find("az-104").is_ok());
    }
}
