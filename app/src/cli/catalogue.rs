//! `catalogue`, `result` and `result-bulk`: the program's catalogue and
//! exam results through its rules.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use super::output::print_json;
use tessera_desk::catalogue::{Catalogue, LANGUAGES};
use tessera_desk::results::{Decision, ExamResult, ResultPlan, read_results_csv};
use tessera_desk::store::files;
use tessera_desk::store::secret::Secret;
use tessera_desk::{Desk, DeskError};

/// `catalogue` subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Add or update exams and certifications from a CSV (columns code,
    /// kind, name, description, criteria, requires, badge, retired_on;
    /// optional image and name_pt, description_pt, criteria_pt) or JSON
    /// file. Every row is checked first; with any problem nothing is
    /// imported.
    Import {
        /// The catalogue file (.csv, else JSON).
        file: PathBuf,
        /// Check every row and show what would change; import nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the catalogue.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show or set the issuer's language (texts of badges, exports and
    /// pictures): en or pt.
    Language {
        /// The language to use from now on.
        language: Option<String>,
    },
}

impl CatalogueCommand {
    /// Run it on this desk's catalogue.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        run_catalogue(&mut ctx.desk()?, self)
    }
}

/// Arguments of `result`.
#[derive(Debug, Args)]
pub struct ResultArgs {
    /// The candidate's e-mail address or candidate id.
    #[arg(long)]
    recipient: String,
    /// The exam's code.
    #[arg(long)]
    exam: String,
    /// The day of the pass, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    passed_on: String,
    /// Show what the pass would give; record nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl ResultArgs {
    /// Record one pass and issue what it gives.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let mut desk = ctx.desk()?;
        // Line 1 marks the single result (a CSV's rows start at 2).
        let result = ExamResult {
            line: 1,
            recipient: self.recipient,
            exam: self.exam,
            passed_on: self.passed_on,
        };
        let pass = &mut ctx.passphrase();
        run_results(
            &mut desk,
            &[result],
            Vec::new(),
            self.dry_run,
            self.json,
            pass,
        )
    }
}

/// Arguments of `result-bulk`.
#[derive(Debug, Args)]
pub struct ResultBulkArgs {
    /// The results CSV, as the exam delivery system exports it.
    #[arg(long)]
    csv: PathBuf,
    /// Show, per row, which badge each result gives and why; record nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl ResultBulkArgs {
    /// Record a file of passes in one transaction and issue what they give.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let mut desk = ctx.desk()?;
        let (results, problems) = read_results_csv(&files::read(&self.csv)?)?;
        let pass = &mut ctx.passphrase();
        run_results(&mut desk, &results, problems, self.dry_run, self.json, pass)
    }
}

/// Run a `catalogue` subcommand.
fn run_catalogue(desk: &mut Desk, command: CatalogueCommand) -> Result<i32, DeskError> {
    match command {
        CatalogueCommand::Import {
            file,
            dry_run,
            json,
        } => {
            let bytes = files::read(&file)?;
            let report = desk.import_catalogue(&file, &bytes, dry_run)?;
            if json {
                print_json(&report)?;
            } else {
                for p in &report.problems {
                    eprintln!(
                        "{}:{}: {}",
                        file.display(),
                        p.line,
                        tessera_formats::text::inert(&p.reason)
                    );
                }
                let summary = format!(
                    "{} new, {} changed, {} unchanged",
                    report.added.len(),
                    report.changed.len(),
                    report.unchanged
                );
                if !report.problems.is_empty() {
                    eprintln!(
                        "nothing was imported: fix the {} problems above and run again",
                        report.problems.len()
                    );
                } else if dry_run {
                    println!("dry run, nothing imported: {summary}");
                    for (what, codes) in [("new", &report.added), ("changed", &report.changed)] {
                        if !codes.is_empty() {
                            println!("  {what}: {}", codes.join(", "));
                        }
                    }
                } else {
                    println!("catalogue imported: {summary}");
                }
            }
            Ok(if report.problems.is_empty() { 0 } else { 1 })
        }
        CatalogueCommand::List { json } => {
            let catalogue = desk.catalogue()?;
            if json {
                let entries: Vec<_> = catalogue.entries().collect();
                print_json(&entries)?;
            } else {
                print_catalogue(&catalogue, &desk.language()?, desk.today());
            }
            Ok(0)
        }
        CatalogueCommand::Language { language } => {
            if let Some(l) = language {
                desk.set_language(&l)?;
            }
            println!(
                "issuer language: {} (one of {})",
                desk.language()?,
                LANGUAGES.join(", ")
            );
            Ok(0)
        }
    }
}

fn print_catalogue(catalogue: &Catalogue, lang: &str, today: chrono::NaiveDate) {
    if catalogue.is_empty() {
        println!(
            "the catalogue is empty: `tessera catalogue import FILE` adds the program's exams and certifications"
        );
        return;
    }
    println!(
        "{:<12} {:<13} {:<5} {:<24} NAME",
        "CODE", "KIND", "BADGE", "REQUIRES"
    );
    for e in catalogue.entries() {
        let mut name = e.name_in(lang).to_string();
        if let Some(r) = e.retired_on {
            name.push_str(&format!(
                " ({} {r})",
                if e.is_retired(today) {
                    "retired on"
                } else {
                    "retires after"
                }
            ));
        }
        println!(
            "{:<12} {:<13} {:<5} {:<24} {name}",
            e.code,
            e.kind.as_str(),
            if e.badge { "yes" } else { "no" },
            e.requires_text(),
        );
    }
    println!("{} entries", catalogue.len());
}

/// Print what a results plan gives, one row per result.
fn print_plan(plan: &ResultPlan, ran: bool, single: bool) {
    for p in &plan.problems {
        if single {
            eprintln!("error: {}", tessera_formats::text::inert(&p.reason));
        } else {
            eprintln!(
                "line {}: {}",
                p.line,
                tessera_formats::text::inert(&p.reason)
            );
        }
    }
    if single && !plan.problems.is_empty() {
        eprintln!("nothing was recorded");
        return;
    }
    if !plan.problems.is_empty() {
        eprintln!(
            "nothing was recorded: fix the {} {} above (or check with --dry-run) and run again",
            plan.problems.len(),
            if plan.problems.len() == 1 {
                "row"
            } else {
                "rows"
            }
        );
        return;
    }
    println!(
        "{:<5} {:<28} {:<10} {:<10} {:<28} WHY",
        "LINE", "RECIPIENT", "EXAM", "PASSED", "BADGE"
    );
    for r in &plan.rows {
        let (badge, why) = match &r.decision {
            Decision::Issue { badges, why } => {
                let names: Vec<String> = badges
                    .iter()
                    .enumerate()
                    .map(|(i, (code, _))| match r.serials.get(i) {
                        Some(s) => format!("{code} (serial {s})"),
                        None => code.clone(),
                    })
                    .collect();
                (names.join(", "), why.as_str())
            }
            Decision::NoBadge { why } => ("none".to_string(), why.as_str()),
            Decision::Refused { why } => ("REFUSED".to_string(), why.as_str()),
        };
        println!(
            "{:<5} {:<28} {:<10} {:<10} {:<28} {why}",
            r.line, r.recipient, r.exam, r.passed_on, badge
        );
    }
    let refused = plan
        .rows
        .iter()
        .filter(|r| matches!(r.decision, Decision::Refused { .. }))
        .count();
    println!(
        "{} {}: {} {} {}, {} refused{}",
        plan.rows.len(),
        if plan.rows.len() == 1 {
            "result"
        } else {
            "results"
        },
        plan.badge_count(),
        if plan.badge_count() == 1 {
            "badge"
        } else {
            "badges"
        },
        if ran { "issued" } else { "to issue" },
        refused,
        if ran {
            ""
        } else {
            " (dry run: nothing recorded)"
        }
    );
}

/// `result` and `result-bulk`: plan, print, and (unless a dry run) record
/// and issue.
fn run_results(
    desk: &mut Desk,
    results: &[ExamResult],
    read_problems: Vec<tessera_desk::RowProblem>,
    dry_run: bool,
    json: bool,
    pass: &mut dyn FnMut() -> Option<Secret>,
) -> Result<i32, DeskError> {
    let single = matches!(results, [only] if only.line == 1);
    let mut plan = desk.plan_results(results)?;
    plan.problems.extend(read_problems);
    plan.problems.sort_by_key(|p| p.line);
    if dry_run || !plan.problems.is_empty() {
        if json {
            print_json(&plan)?;
        } else {
            print_plan(&plan, false, single);
        }
        return Ok(if plan.problems.is_empty() { 0 } else { 1 });
    }
    if !plan.rows.is_empty() {
        let total = plan.badge_count();
        let key = if total > 0 {
            Some(desk.signing_key(pass)?)
        } else {
            None
        };
        let interactive = std::io::stderr().is_terminal() && !json;
        desk.run_results(key.as_ref(), &mut plan, &mut |done| {
            if interactive && (done % 100 == 0 || done == total) {
                eprint!("\rissuing {done}/{total}");
            }
            true
        })?;
        if interactive && total > 0 {
            eprintln!();
        }
    }
    if json {
        print_json(&plan)?;
    } else {
        print_plan(&plan, true, single);
    }
    Ok(0)
}
