//! Exam results in, badges out: passes as an exam delivery system exports
//! them, checked row by row, run through the catalogue's rules
//! ([`Catalogue::outcome`](super::catalogue::Catalogue::outcome)) and recorded with the badges they earn in one
//! ledger transaction. Every pass is recorded once per candidate and exam,
//! so the same results file run again issues nothing twice.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use tessera_core::{Profile, SigningKey};

use super::catalogue::Outcome;
use super::issue::check_recipient;
use super::{Desk, DeskError, IssueRequest, RowProblem};
use crate::store::ledger::{BadgeRecord, PassRecord};

/// One exam pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamResult {
    /// Where it came from: the CSV line (1 for a single `result`).
    pub line: usize,
    /// The candidate's e-mail address or candidate id.
    pub recipient: String,
    /// The exam's code.
    pub exam: String,
    /// The day of the pass, `YYYY-MM-DD`.
    pub passed_on: String,
}

/// What one result gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Decision {
    /// These badges (code and name), and why.
    Issue {
        /// Achievement codes and names.
        badges: Vec<(String, String)>,
        /// Why, per the rules.
        why: String,
    },
    /// The pass is recorded; no badge, and why.
    NoBadge {
        /// Why.
        why: String,
    },
    /// Nothing recorded, and why.
    Refused {
        /// Why.
        why: String,
    },
}

/// A result with what it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    /// The CSV line.
    pub line: usize,
    /// The candidate.
    pub recipient: String,
    /// The exam's code as the catalogue writes it.
    pub exam: String,
    /// The day of the pass.
    pub passed_on: String,
    /// What it gives.
    #[serde(flatten)]
    pub decision: Decision,
    /// The serials issued for it (after a run).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub serials: Vec<u32>,
}

/// A results file checked and run through the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResultPlan {
    /// Every result, in file order, with what it gives.
    pub rows: Vec<Planned>,
    /// Rows that cannot be read or name something that does not exist;
    /// while there is one, nothing is recorded.
    pub problems: Vec<RowProblem>,
    /// The passes to record (not for refused rows, nor passes recorded
    /// before).
    #[serde(skip)]
    passes: Vec<PassRecord>,
}

impl ResultPlan {
    /// How many badges the plan issues.
    pub fn badge_count(&self) -> usize {
        self.rows
            .iter()
            .map(|r| match &r.decision {
                Decision::Issue { badges, .. } => badges.len(),
                _ => 0,
            })
            .sum()
    }
}

/// Read a results CSV: columns `recipient`, `exam`, `passed_on` (others,
/// such as scores or names an exam delivery system adds, are ignored).
pub fn read_results_csv(bytes: &[u8]) -> Result<(Vec<ExamResult>, Vec<RowProblem>), DeskError> {
    let (mut rdr, headers) = super::issue::csv_with_header(bytes, true)?;
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(rc), Some(ec), Some(pc)) = (col("recipient"), col("exam"), col("passed_on")) else {
        let missing: Vec<&str> = ["recipient", "exam", "passed_on"]
            .into_iter()
            .filter(|c| col(c).is_none())
            .collect();
        return Err(DeskError::Input(format!(
            "the results CSV has no column {}; the first line names the columns, e.g. recipient,exam,passed_on",
            missing.join(", ")
        )));
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        match rec {
            Ok(rec) => match (rec.get(rc), rec.get(ec), rec.get(pc)) {
                (Some(r), Some(e), Some(p)) => out.push(ExamResult {
                    line,
                    recipient: r.to_string(),
                    exam: e.to_string(),
                    passed_on: p.to_string(),
                }),
                _ => problems.push(RowProblem {
                    line,
                    reason: "the row has fewer columns than the header".into(),
                }),
            },
            Err(e) => problems.push(RowProblem {
                line,
                reason: format!("cannot read the row: {e}"),
            }),
        }
    }
    Ok((out, problems))
}

impl Desk {
    /// Check results and decide, row by row, what each gives under the
    /// catalogue's rules, counting the passes the ledger holds and those
    /// earlier in the same file (in date order). Nothing is recorded.
    pub fn plan_results(&self, results: &[ExamResult]) -> Result<ResultPlan, DeskError> {
        let catalogue = self.catalogue()?;
        if catalogue.is_empty() {
            return Err(DeskError::Input(
                "the catalogue is empty: import the program's exams and certifications first (`tessera catalogue import FILE`)".into(),
            ));
        }
        let today = self.today();
        let mut plan = ResultPlan::default();
        // Checked rows: (index into results, the result, day, exam code).
        let mut ok: Vec<(usize, &ExamResult, NaiveDate, String)> = Vec::new();
        for (i, r) in results.iter().enumerate() {
            let mut bad = |reason: String| {
                plan.problems.push(RowProblem {
                    line: r.line,
                    reason,
                })
            };
            if let Err(m) = check_recipient(&r.recipient) {
                bad(format!("recipient: {m}"));
                continue;
            }
            let day = match NaiveDate::parse_from_str(r.passed_on.trim(), "%Y-%m-%d") {
                Ok(d) if d > today => {
                    bad(format!(
                        "passed_on: {d} is in the future; a pass is recorded once it happened"
                    ));
                    continue;
                }
                Ok(d) => d,
                Err(_) => {
                    bad(format!(
                        "passed_on: {:?} is not a date; write it as YYYY-MM-DD",
                        r.passed_on
                    ));
                    continue;
                }
            };
            let exam = match catalogue.find(&r.exam) {
                Ok(e) if e.kind == super::catalogue::Kind::Certification => {
                    bad(format!(
                        "exam: {} is a certification; results name the exams passed, and the certification follows from them",
                        e.code
                    ));
                    continue;
                }
                Ok(e) => e.code.clone(),
                Err(m) => {
                    bad(format!("exam: {m}"));
                    continue;
                }
            };
            ok.push((i, r, day, exam));
        }
        let recipients: Vec<&str> = ok.iter().map(|(_, r, ..)| r.recipient.as_str()).collect();
        // Every candidate's recorded passes: one set query for the file.
        let mut passed: HashMap<String, BTreeMap<String, String>> = HashMap::new();
        for p in self.ledger.passes(&recipients)? {
            passed
                .entry(p.recipient)
                .or_default()
                .insert(p.exam.to_uppercase(), p.passed_on);
        }
        // Oldest pass first, so a certification completes on the pass that
        // completes it whatever order the file lists them in.
        ok.sort_by_key(|(_, r, day, _)| (*day, r.line));
        let lang = self.language()?;
        let mut seen_in_file: HashMap<(String, String), usize> = HashMap::new();
        let recorded_at = self.now();
        let mut decided: Vec<(usize, Planned)> = Vec::with_capacity(ok.len());
        for (i, r, day, exam) in ok {
            let who = r.recipient.trim().to_lowercase();
            let mine = passed.entry(who.clone()).or_default();
            let planned = |decision| Planned {
                line: r.line,
                recipient: r.recipient.trim().to_string(),
                exam: exam.clone(),
                passed_on: day.to_string(),
                decision,
                serials: Vec::new(),
            };
            let exam_key = exam.to_uppercase();
            if let Some(first) = seen_in_file.get(&(who.clone(), exam_key.clone())) {
                decided.push((
                    i,
                    planned(Decision::NoBadge {
                        why: format!("the same pass as line {first}; recorded once"),
                    }),
                ));
                continue;
            }
            if let Some(on) = mine.get(&exam_key) {
                decided.push((
                    i,
                    planned(Decision::NoBadge {
                        why: format!("already recorded (passed on {on}); nothing issued again"),
                    }),
                ));
                continue;
            }
            let before: BTreeSet<String> = mine.keys().cloned().collect();
            let Some(entry) = catalogue.get(&exam) else {
                continue;
            };
            let decision = match catalogue.outcome(&before, entry, day) {
                Outcome::Refused(why) => {
                    decided.push((i, planned(Decision::Refused { why })));
                    continue;
                }
                Outcome::NoBadge(why) => Decision::NoBadge { why },
                Outcome::Earns(codes, why) => Decision::Issue {
                    badges: codes
                        .iter()
                        .map(|c| {
                            let name = catalogue.get(c).map_or(c.as_str(), |e| e.name_in(&lang));
                            (c.clone(), name.to_string())
                        })
                        .collect(),
                    why,
                },
            };
            seen_in_file.insert((who.clone(), exam_key.clone()), r.line);
            mine.insert(exam_key, day.to_string());
            plan.passes.push(PassRecord {
                recipient: who,
                exam: exam.clone(),
                passed_on: day.to_string(),
                recorded_at,
            });
            decided.push((i, planned(decision)));
        }
        // Badges the candidates already hold (a certification issued by
        // hand, say): one set query, and those are left out.
        let pairs: Vec<(&str, &str)> = decided
            .iter()
            .flat_map(|(_, p)| match &p.decision {
                Decision::Issue { badges, .. } => badges
                    .iter()
                    .map(|(c, _)| (p.recipient.as_str(), c.as_str()))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let held = self.ledger.existing(&pairs)?;
        let mut held = held.into_iter();
        for (_, p) in &mut decided {
            if let Decision::Issue { badges, why } = &mut p.decision {
                let mut notes = Vec::new();
                badges.retain(|(code, _)| match held.next() {
                    Some(serials) if !serials.is_empty() => {
                        notes.push(format!("already holds {code} (serial {serials:?})"));
                        false
                    }
                    _ => true,
                });
                if badges.is_empty() {
                    p.decision = Decision::NoBadge {
                        why: format!("{why}; {}", notes.join("; ")),
                    };
                } else if !notes.is_empty() {
                    *why = format!("{why}; {}", notes.join("; "));
                }
            }
        }
        decided.sort_by_key(|(i, _)| *i);
        plan.rows = decided.into_iter().map(|(_, p)| p).collect();
        plan.problems.sort_by_key(|p| p.line);
        Ok(plan)
    }

    /// Record a plan's passes and issue its badges, all in one transaction
    /// (a plan with problems records nothing). `key` signs the badges; a
    /// plan that issues none needs no key. Fills in each row's serials;
    /// returns the issued badges.
    pub fn run_results(
        &mut self,
        key: Option<&SigningKey>,
        plan: &mut ResultPlan,
        progress: &mut dyn FnMut(usize) -> bool,
    ) -> Result<Vec<BadgeRecord>, DeskError> {
        if let Some(p) = plan.problems.first() {
            return Err(DeskError::Input(format!(
                "line {}: {}; nothing was recorded",
                p.line, p.reason
            )));
        }
        let catalogue = self.catalogue()?;
        let mut reqs = Vec::new();
        for row in &plan.rows {
            if let Decision::Issue { badges, .. } = &row.decision {
                for (code, name) in badges {
                    let mut req = IssueRequest {
                        recipient: row.recipient.clone(),
                        achievement: code.clone(),
                        title: Some(name.clone()),
                        profile: Some(Profile::Standard),
                        ..IssueRequest::default()
                    };
                    if catalogue.get(code).is_none() {
                        req.title = None;
                    }
                    reqs.push(req);
                }
            }
        }
        let records = match key {
            Some(key) => self.issue_many_with_passes(key, &reqs, &plan.passes, progress)?,
            None if reqs.is_empty() => {
                let kid = self.issuer()?.kid;
                self.ledger.issue_with_passes(
                    &kid,
                    &[],
                    &plan.passes,
                    |_, _| Err(DeskError::NoIssuer),
                    |_| true,
                )?
            }
            None => {
                return Err(DeskError::Input(
                    "issuing the badges these results earn needs the issuer key".into(),
                ));
            }
        };
        let mut issued = records.iter();
        for row in &mut plan.rows {
            if let Decision::Issue { badges, .. } = &row.decision {
                row.serials = issued
                    .by_ref()
                    .take(badges.len())
                    .map(|r| r.serial)
                    .collect();
            }
        }
        Ok(records)
    }
}
