//! `verify`: check badges from files, text or standard input, one or many.

use std::path::Path;

use clap::Args;
use tessera_desk::check::{Holder, Report};
use tessera_desk::issue::parse_claim_code;
use tessera_desk::store::files;
use tessera_desk::{Desk, DeskError};

use super::Ctx;
use super::output::{print_report, verdict_line};

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The input file, or `-`; several files or folders check many
    /// badges at once (batch signature verification), one line each.
    #[arg(required = true, num_args = 1..)]
    inputs: Vec<String>,
    /// UID of the card it was read from (hex), to check the card binding.
    #[arg(long)]
    uid: Option<String>,
    /// Check that the badge belongs to this e-mail address or candidate
    /// id (with --claim-code, the code the candidate gave you).
    #[arg(long, requires = "claim_code")]
    recipient: Option<String>,
    /// The candidate's claim code (with --recipient).
    #[arg(long, requires = "recipient")]
    claim_code: Option<String>,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
}

impl VerifyArgs {
    /// One badge in full, or many a line each; the exit code is the worst
    /// verdict's.
    pub fn run(self, ctx: &mut Ctx) -> Result<i32, DeskError> {
        let desk = ctx.desk()?;
        let holder = match (self.recipient, self.claim_code) {
            (Some(identity), Some(code)) => Some(Holder {
                salt: parse_claim_code(&code)?,
                identity,
            }),
            _ => None,
        };
        let single = match self.inputs.as_slice() {
            [one] if !Path::new(one).is_dir() => Some(one.clone()),
            _ => None,
        };
        let Some(input) = single else {
            if self.uid.is_some() {
                return Err(DeskError::Input(
                    "--uid belongs to one card: give a single input".into(),
                ));
            }
            if holder.is_some() {
                return Err(DeskError::Input(
                    "--recipient and --claim-code belong to one badge: give a single input".into(),
                ));
            }
            return verify_many(&desk, &self.inputs, self.json);
        };
        // A file too large to be a badge is a verdict, as among many.
        let bytes = match files::read_input(&input)? {
            Ok(bytes) => bytes,
            Err(size) => {
                let v = Report::unreadable(&too_large(&input, size));
                print_report(&v, self.json);
                return Ok(v.exit_code());
            }
        };
        let uid = self
            .uid
            .map(|u| {
                hex::decode(u.trim())
                    .map_err(|_| DeskError::Input(format!("{u:?} is not a card UID in hex")))
            })
            .transpose()?;
        let v = desk.check(&bytes, uid.as_deref(), holder.as_ref())?;
        print_report(&v, self.json);
        Ok(v.exit_code())
    }
}

/// The files named, with folders replaced by the files in them (sorted,
/// hidden files left out).
fn expand_inputs(inputs: &[String]) -> Result<Vec<String>, DeskError> {
    let mut files = Vec::new();
    for input in inputs {
        let path = Path::new(input);
        if !path.is_dir() {
            files.push(input.clone());
            continue;
        }
        let io = |source| {
            DeskError::File(files::FileError {
                path: input.clone(),
                source,
            })
        };
        let mut inside: Vec<String> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path().display().to_string())
            .collect();
        inside.sort();
        files.extend(inside);
    }
    Ok(files)
}

/// `verify` with several inputs: one verdict line each and a summary;
/// exit code 0 only when every badge is valid.
fn verify_many(desk: &Desk, inputs: &[String], json: bool) -> Result<i32, DeskError> {
    let files = expand_inputs(inputs)?;
    if files.is_empty() {
        eprintln!("no files to check in {}", inputs.join(", "));
        return Ok(2);
    }
    let contents: Vec<Result<Vec<u8>, DeskError>> = files.iter().map(|f| read_input(f)).collect();
    let readable: Vec<&[u8]> = contents
        .iter()
        .filter_map(|c| c.as_ref().ok().map(Vec::as_slice))
        .collect();
    let mut checked = desk.check_many(&readable)?.into_iter();
    let verdicts: Vec<Report> = contents
        .iter()
        .map(|c| match c {
            // check_many gives one report per readable input.
            Ok(_) => checked
                .next()
                .unwrap_or_else(|| Report::unreadable("internal error: not checked")),
            Err(e) => Report::unreadable(&e.to_string()),
        })
        .collect();
    let mut counts = std::collections::BTreeMap::new();
    for v in &verdicts {
        *counts.entry(v.verdict.headline()).or_insert(0usize) += 1;
    }
    if json {
        let rows: Vec<serde_json::Value> = files
            .iter()
            .zip(&verdicts)
            .map(|(f, v)| serde_json::json!({"file": f, "result": v}))
            .collect();
        println!("{}", serde_json::Value::Array(rows));
    } else {
        for (f, v) in files.iter().zip(&verdicts) {
            println!("{}", verdict_line(f, v));
        }
        let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        println!("{} checked: {}", verdicts.len(), summary.join(", "));
    }
    Ok(verdicts.iter().map(|v| v.exit_code()).max().unwrap_or(0))
}

fn read_input(input: &str) -> Result<Vec<u8>, DeskError> {
    files::read_input(input)?.map_err(|size| DeskError::Input(too_large(input, size)))
}

/// Why a file that large is not read.
fn too_large(input: &str, size: u64) -> String {
    format!("{input} is {size} bytes; no badge file is that large (baked images are under 100 KB)")
}
