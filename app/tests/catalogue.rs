//! The program's catalogue and its badge rules through the real `tessera`
//! binary: importing (bad rows each with its line and reason, nothing
//! half-imported), exam results to badges (single- and two-exam
//! certifications, legacy and retired entries, re-runs issuing nothing
//! twice), issuing from the catalogue, exports with its texts, the retired
//! verdict, a copy to PostgreSQL keeping it all, and the walk through the
//! terminal app.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::tessera;
#[path = "common/pg.rs"]
mod pg;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/catalogue")
        .join(name)
}

fn json_of(c: &mut Command) -> Value {
    let out = c.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

/// A demo desk with the fixture catalogue imported.
fn desk_with_catalogue() -> TempDir {
    let home = TempDir::new().unwrap();
    tessera(home.path())
        .args(["catalogue", "import"])
        .arg(fixture("catalogue.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "catalogue imported: 13 new, 0 changed, 0 unchanged",
        ));
    home
}

/// Every badge in the ledger: (recipient, achievement) in serial order.
fn badges(home: &Path) -> Vec<(String, String)> {
    let v = json_of(tessera(home).args(["ledger", "list", "--json"]));
    let mut rows: Vec<(u64, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["serial"].as_u64().unwrap(),
                b["recipient"].as_str().unwrap().to_string(),
                b["achievement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, r, a)| (r, a)).collect()
}

/// Export badge `serial` in `format` to `path` and check it with `verify`;
/// the verdict's standard output.
fn export_and_verify(home: &Path, serial: &str, format: &str, path: &Path) -> String {
    tessera(home)
        .args(["export", serial, "--format", format, "--out"])
        .arg(path)
        .assert()
        .success();
    let out = tessera(home)
        .arg("verify")
        .arg(path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn pair(r: &str, a: &str) -> (String, String) {
    (r.to_string(), a.to_string())
}

#[test]
fn a_bad_catalogue_names_every_bad_line_and_imports_nothing() {
    let home = TempDir::new().unwrap();
    let out = tessera(home.path())
        .args(["catalogue", "import"])
        .arg(fixture("bad.csv"))
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    for (line, reason) in [
        (3, "\"AZ-104\", whose own line 7 has a problem"),
        (3, "\"AZ-399\" is neither in this file nor in the catalogue"),
        (4, "go round in a circle: LOOP-A → LOOP-B → LOOP-A"),
        (6, "AZ-900 is already on line 2"),
        (7, "name: missing"),
        (8, "kind: \"quiz\" is not"),
        (8, "badge: \"maybe\" is not yes or no"),
        (8, "retired_on: \"30/06/2025\" is not a date"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("bad.csv:{line}:")) && l.contains(reason)),
            "line {line} should say {reason:?}:\n{err}"
        );
    }
    assert!(err.contains("nothing was imported"), "{err}");
    tessera(home.path())
        .args(["catalogue", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("the catalogue is empty"));

    // A JSON catalogue is checked the same way, entry by entry.
    let json = home.path().join("catalogue.json");
    std::fs::write(
        &json,
        r#"{"entries": [
            {"code": "X-1", "kind": "exam", "name": {"en": "X one", "pt": "X um"}},
            {"code": "CERT-X", "kind": "certification", "name": "Cert X", "requires": "X-1+X-2"},
            {"code": "X-1", "kind": "exam", "name": "again"}
        ]}"#,
    )
    .unwrap();
    let out = tessera(home.path())
        .args(["catalogue", "import"])
        .arg(&json)
        .arg("--json")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    let problems: Vec<(u64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        problems
            .iter()
            .any(|(l, r)| *l == 2 && r.contains("\"X-2\"")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|(l, r)| *l == 3 && r.contains("already on entry 1")),
        "{problems:?}"
    );
    assert_eq!(
        json_of(tessera(home.path()).args(["catalogue", "list", "--json"])),
        serde_json::json!([])
    );
}

#[test]
fn a_dry_run_changes_nothing_and_a_reimport_changes_only_what_differs() {
    let home = TempDir::new().unwrap();
    tessera(home.path())
        .args(["catalogue", "import", "--dry-run"])
        .arg(fixture("catalogue.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "dry run, nothing imported: 13 new",
        ));
    assert_eq!(
        json_of(tessera(home.path()).args(["catalogue", "list", "--json"])),
        serde_json::json!([])
    );
    tessera(home.path())
        .args(["catalogue", "import"])
        .arg(fixture("catalogue.csv"))
        .assert()
        .success();
    let edited = home.path().join("catalogue.csv");
    let text = std::fs::read_to_string(fixture("catalogue.csv"))
        .unwrap()
        .replace(
            "Power Platform Fundamentals,",
            "Power Platform Fundamentals (2026),",
        );
    std::fs::write(&edited, text).unwrap();
    // The image path is relative to the file: copy it along.
    std::fs::copy(fixture("az-arch.png"), home.path().join("az-arch.png")).unwrap();
    tessera(home.path())
        .args(["catalogue", "import"])
        .arg(&edited)
        .assert()
        .success()
        .stdout(predicate::str::contains("0 new, 1 changed, 12 unchanged"));
    let list = json_of(tessera(home.path()).args(["catalogue", "list", "--json"]));
    let pl = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "PL-900")
        .unwrap();
    assert_eq!(pl["name"]["en"], "Power Platform Fundamentals (2026)");
    assert_eq!(pl["name"]["pt"], "Fundamentos da Power Platform");
}

#[test]
fn a_cohorts_results_become_the_right_badges_once() {
    let home = desk_with_catalogue();
    let results = fixture("results.csv");
    // The dry run: per row, the badge and why; nothing recorded.
    let out = tessera(home.path())
        .args(["result-bulk", "--dry-run", "--csv"])
        .arg(&results)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    println!("{table}");
    let row = |line: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("{line:<5} ")))
            .unwrap_or_else(|| panic!("no line {line} in\n{table}"))
            .to_string()
    };
    assert!(row("2").contains("AZ-900") && row("2").contains("the exam's badge"));
    assert!(row("3").contains("AZ-ADMIN") && row("3").contains("none for the exam"));
    assert!(row("4").contains("AZ-ARCH"), "{}", row("4"));
    assert!(row("5").contains("AZ-305") && row("5").contains("completes no certification"));
    assert!(row("6").contains("DATA-ENG"));
    assert!(row("7").contains("none") && row("7").contains("legacy exam without a badge"));
    assert!(row("8").contains("AZ-SEC"));
    assert!(row("9").contains("PL-900"));
    assert!(row("10").contains("REFUSED") && row("10").contains("retired on 2025-06-30"));
    assert!(
        table.contains("9 results: 7 badges to issue, 1 refused (dry run: nothing recorded)"),
        "{table}"
    );
    assert!(badges(home.path()).is_empty());

    // The run issues exactly those.
    let plan = json_of(
        tessera(home.path())
            .args(["result-bulk", "--json", "--csv"])
            .arg(&results),
    );
    let serials: usize = plan["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["serials"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(serials, 7, "{plan}");
    let expected = vec![
        pair("ana.silva@example.org", "AZ-900"),
        pair("ana.silva@example.org", "AZ-ADMIN"),
        pair("bruno@example.org", "AZ-305"),
        pair("bruno@example.org", "AZ-ARCH"),
        pair("carla@example.org", "DATA-ENG"),
        pair("elisa@example.org", "AZ-SEC"),
        pair("elisa@example.org", "PL-900"),
    ];
    let mut got = badges(home.path());
    got.sort();
    assert_eq!(got, expected);

    // The same file again: every pass is already recorded.
    tessera(home.path())
        .args(["result-bulk", "--csv"])
        .arg(&results)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "9 results: 0 badges issued, 1 refused",
        ))
        .stdout(predicate::str::contains(
            "already recorded (passed on 2026-03-10)",
        ));
    // A retake on another day is not a second badge either.
    tessera(home.path())
        .args([
            "result",
            "--recipient",
            "ANA.SILVA@example.org",
            "--exam",
            "az-104",
            "--passed-on",
            "2026-05-05",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("already recorded"));
    assert_eq!(badges(home.path()).len(), 7);

    // Fabio's later pass of AZ-500 was refused, so it was not recorded:
    // a pass dated before the retirement still earns the certification.
    tessera(home.path())
        .args([
            "result",
            "--recipient",
            "fabio@example.org",
            "--exam",
            "AZ-500",
            "--passed-on",
            "2025-06-30",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("AZ-SEC (serial 8)"));

    // Unknown codes and certifications are input errors: nothing recorded.
    tessera(home.path())
        .args([
            "result",
            "--recipient",
            "gil@example.org",
            "--exam",
            "AZ-3O5",
            "--passed-on",
            "2026-05-01",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean AZ-305"));
    let bad = home.path().join("bad-results.csv");
    std::fs::write(
        &bad,
        "recipient,exam,passed_on\n\
         gil@example.org,AZ-104,2026-05-01\n\
         gil@example.org,AZ-ARCH,2026-05-01\n\
         not an address,AZ-104,2026-05-01\n\
         hana@example.org,AZ-104,01/05/2026\n",
    )
    .unwrap();
    let err = tessera(home.path())
        .args(["result-bulk", "--csv"])
        .arg(&bad)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("line 3: exam: AZ-ARCH is a certification"),
        "{err}"
    );
    assert!(err.contains("line 4: recipient:"), "{err}");
    assert!(
        err.contains("line 5: passed_on: \"01/05/2026\" is not a date"),
        "{err}"
    );
    assert!(err.contains("nothing was recorded"), "{err}");
    assert_eq!(
        badges(home.path()).len(),
        8,
        "gil's good row waits with the rest"
    );
}

#[test]
fn issuing_exporting_and_checking_use_the_catalogue() {
    let home = desk_with_catalogue();
    // An unknown code names the closest ones; the name comes from the
    // catalogue; retired and legacy entries take no new badge.
    tessera(home.path())
        .args([
            "issue",
            "--recipient",
            "ana@example.org",
            "--achievement",
            "AZ-3O5",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean AZ-305"));
    for (code, why) in [
        ("AZ-SEC", "retired on 2025-06-30"),
        ("MB-901", "legacy exam without a badge"),
    ] {
        tessera(home.path())
            .args([
                "issue",
                "--recipient",
                "ana@example.org",
                "--achievement",
                code,
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(why));
    }
    let v = json_of(tessera(home.path()).args([
        "issue",
        "--recipient",
        "ana@example.org",
        "--achievement",
        "az-arch",
        "--json",
    ]));
    assert_eq!(v["achievement"], "AZ-ARCH");
    assert_eq!(v["title"], "Azure Solutions Architect Expert");
    let arch = v["serial"].as_u64().unwrap().to_string();

    // The Open Badges export takes its texts and image from the catalogue.
    let cred = json_of(tessera(home.path()).args(["export", &arch, "--format", "ob3-json"]));
    let ach = &cred["credentialSubject"]["achievement"];
    assert_eq!(ach["achievementType"], "Certification");
    assert_eq!(
        ach["description"],
        "Certified to design cloud and hybrid solutions that run on Azure."
    );
    assert_eq!(
        ach["criteria"]["narrative"],
        "Passed exams AZ-305 and AZ-400."
    );
    let image = ach["image"]["id"].as_str().unwrap();
    assert!(image.starts_with("data:image/png;base64,"), "{image}");
    // In the issuer's language once it is set.
    tessera(home.path())
        .args(["catalogue", "language", "pt"])
        .assert()
        .success();
    let cred = json_of(tessera(home.path()).args(["export", &arch, "--format", "ob3-json"]));
    assert_eq!(
        cred["credentialSubject"]["achievement"]["criteria"]["narrative"],
        "Aprovação nos exames AZ-305 e AZ-400."
    );
    let file = home.path().join("arch.json");
    std::fs::write(&file, serde_json::to_vec(&cred).unwrap()).unwrap();
    tessera(home.path())
        .arg("verify")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("VALID"));
    let verdict = export_and_verify(
        home.path(),
        &arch,
        "baked-png",
        &home.path().join("arch.png"),
    );
    assert!(verdict.starts_with("VALID"), "{verdict}");

    // An exam's badge is an Assessment.
    tessera(home.path())
        .args([
            "result",
            "--recipient",
            "bruno@example.org",
            "--exam",
            "AZ-305",
            "--passed-on",
            "2026-03-11",
        ])
        .assert()
        .success();
    let serial = badges(home.path()).len().to_string();
    let cred = json_of(tessera(home.path()).args(["export", &serial, "--format", "ob3-json"]));
    assert_eq!(
        cred["credentialSubject"]["achievement"]["achievementType"],
        "Assessment"
    );

    // A badge earned before its certification retired stays valid, and
    // the verdict says the certification retired.
    tessera(home.path())
        .args([
            "result",
            "--recipient",
            "elisa@example.org",
            "--exam",
            "AZ-500",
            "--passed-on",
            "2025-06-15",
        ])
        .assert()
        .success();
    let sec = badges(home.path()).len().to_string();
    let cbor = home.path().join("sec.cbor");
    let verdict = export_and_verify(home.path(), &sec, "cbor", &cbor);
    assert!(
        verdict.starts_with("VALID (DEMO) · retired certification"),
        "{verdict}"
    );
    assert!(
        verdict.contains("AZ-SEC retired on 2025-06-30"),
        "{verdict}"
    );
    let v = json_of(tessera(home.path()).arg("verify").arg(&cbor).arg("--json"));
    assert_eq!(v["note"], "retired certification");
    // And it can still be exported for sharing.
    let cred = json_of(tessera(home.path()).args(["export", &sec, "--format", "ob3-json"]));
    assert_eq!(
        cred["credentialSubject"]["achievement"]["humanCode"],
        "AZ-SEC"
    );
}

#[test]
fn a_copy_to_postgresql_keeps_the_catalogue_and_the_passes() {
    let db = pg::TestDb::new();
    let home = desk_with_catalogue();
    tessera(home.path())
        .args(["result-bulk", "--csv"])
        .arg(fixture("results.csv"))
        .assert()
        .success();
    tessera(home.path())
        .args(["ledger", "migrate", "--to", &db.url])
        .assert()
        .success();
    // The desk now uses PostgreSQL: the same catalogue, the same passes.
    let list = json_of(tessera(home.path()).args(["catalogue", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 13);
    tessera(home.path())
        .args(["result-bulk", "--csv"])
        .arg(fixture("results.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("0 badges issued"));
    // Two-exam certifications complete across desks sharing the ledger.
    let other = TempDir::new().unwrap();
    tessera(other.path())
        .args(["--ledger", &db.url, "init", "--demo"])
        .assert()
        .success();
    tessera(other.path())
        .args([
            "--ledger",
            &db.url,
            "result",
            "--recipient",
            "carla@example.org",
        ])
        .args(["--exam", "AZ-305", "--passed-on", "2026-05-01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("AZ-305 (serial"));
    tessera(home.path())
        .args(["result", "--recipient", "carla@example.org"])
        .args(["--exam", "AZ-400", "--passed-on", "2026-05-02"])
        .assert()
        .success()
        .stdout(predicate::str::contains("AZ-ARCH (serial"));
}

#[test]
fn the_desk_issues_from_the_catalogue_and_shows_it_in_the_real_terminal() {
    let home = desk_with_catalogue();
    let bin = env!("CARGO_BIN_EXE_tessera");
    // A badge of a certification that retired since, to check on F3.
    tessera(home.path())
        .args(["result", "--recipient", "elisa@example.org"])
        .args(["--exam", "AZ-500", "--passed-on", "2025-06-15"])
        .assert()
        .success();
    let cbor = home.path().join("sec.cbor");
    tessera(home.path())
        .args(["export", "1", "--format", "cbor", "--out"])
        .arg(&cbor)
        .assert()
        .success();

    let cmd = format!("TESSERA_HOME={} {bin}", home.path().display());
    let s = common::Session::start("tessera-catalogue", 100, 30, &cmd);
    s.wait_for("F1 Issue");
    s.text("ana@example.org");
    s.keys(&["Enter"]);
    s.text("az-30");
    let screen = s.wait_for("did you mean");
    assert!(screen.contains("AZ-305"), "{screen}");
    s.text("5");
    let screen = s.wait_for("Catalogue: AZ-305");
    assert!(
        screen.contains("Azure Solutions Architect exam"),
        "{screen}"
    );
    // Through the title (filled from the catalogue), profile, name,
    // expiry, evidence and level; the last Enter issues.
    for _ in 0..7 {
        s.keys(&["Enter"]);
    }
    s.wait_for("Issued badge 2");
    let v = json_of(tessera(home.path()).args(["ledger", "list", "--json"]));
    let issued = v
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["serial"] == 2)
        .unwrap();
    assert_eq!(issued["achievement"], "AZ-305");
    assert_eq!(issued["title"], "Azure Solutions Architect exam");

    // The catalogue tab on F6.
    s.keys(&["F6", "c"]);
    let screen = s.wait_for("Catalogue: 13 entries");
    assert!(screen.contains("retired 2025-06-30"), "{screen}");

    // The retired certification's badge on F3.
    s.keys(&["F3", "o"]);
    s.text(cbor.to_str().unwrap());
    s.keys(&["Enter"]);
    let screen = s.wait_for("retired certification");
    assert!(screen.contains("VALID"), "{screen}");
    println!("{screen}");
    s.quit();
}
