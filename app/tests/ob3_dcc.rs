//! A property test against the Digital Credentials Consortium's
//! verifier-core (`tests/interop/js/check_dcc.mjs`): another issuer's Open
//! Badges credentials, rewritten after signing in JSON-LD forms that keep
//! their RDF dataset (keys reordered, values in one-element arrays, value
//! objects, full IRIs for terms), get the desk's verdict from what the
//! proof signs, whatever the form.
//!
//! verifier-core checks each rewritten credential's signature and finds it
//! holds, which shows each rewriting kept the dataset. Where it reads the
//! credential as JSON the same way as its signed data (reordered keys,
//! arrays, value objects for text) its verdict must equal the desk's.
//! Where its JSON reading departs from the dataset (a date as a typed value
//! object, a date under its full IRI, `@type` for `type`) the desk keeps
//! the dataset's verdict and the test says how verifier-core's differs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// Reason: tests.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use tempfile::TempDir;
use tessera_desk::Desk;

mod common;

/// Credentials per run (one verifier-core process reads them all).
const CASES: usize = 96;

const PAST: &str = "2021-01-01T00:00:00Z";
const FUTURE: &str = "2099-01-01T00:00:00Z";
const DATE_TIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";
const VC: &str = "https://www.w3.org/2018/credentials#";

/// When a credential's validity starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Past,
    Future,
}

impl When {
    fn date(self) -> &'static str {
        match self {
            When::Past => PAST,
            When::Future => FUTURE,
        }
    }
}

/// One rewriting that keeps the RDF dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    /// Every object's keys in another order.
    Reordered,
    /// Dates and texts as one-element arrays.
    Arrays,
    /// Texts as value objects (`{"@value": "Welding"}`).
    TextValueObjects,
    /// Dates as typed value objects.
    DateValueObjects,
    /// `validFrom` and `validUntil` under their full IRIs (typed value
    /// objects, as the context would type them).
    IriDates,
    /// `@type` and `@id` for the context's aliases `type` and `id`.
    Keywords,
}

impl Form {
    /// Does verifier-core's JSON reading of dates and types see this form
    /// as its signed data says?
    fn read_by_dcc(self) -> bool {
        matches!(
            self,
            Form::Reordered | Form::Arrays | Form::TextValueObjects
        )
    }
}

#[derive(Debug, Clone)]
struct Case {
    valid_from: When,
    valid_until: Option<When>,
    forms: Vec<Form>,
    /// Drives the key order of [`Form::Reordered`].
    seed: u64,
}

impl Case {
    /// The verdict the signed data calls for.
    fn expected(&self) -> &'static str {
        if self.valid_from == When::Future || self.valid_until == Some(When::Past) {
            "expired"
        } else {
            "valid"
        }
    }
}

fn cases() -> Vec<Case> {
    let when = prop_oneof![Just(When::Past), Just(When::Future)];
    let form = prop_oneof![
        Just(Form::Reordered),
        Just(Form::Arrays),
        Just(Form::TextValueObjects),
        Just(Form::DateValueObjects),
        Just(Form::IriDates),
        Just(Form::Keywords),
    ];
    let strategy = (
        when.clone(),
        proptest::option::of(when),
        proptest::collection::btree_set(form, 0..4),
        any::<u64>(),
    )
        .prop_map(|(valid_from, valid_until, forms, seed)| Case {
            valid_from,
            valid_until,
            forms: forms.into_iter().collect(),
            seed,
        });
    let mut runner = TestRunner::deterministic();
    (0..CASES)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// Another center's credential, signed by `key` with an `eddsa-rdfc-2022`
/// Data Integrity proof (made from its parts, as another issuer's software
/// would).
fn signed(key: &tessera_core::SigningKey, case: &Case) -> Value {
    let public = key.public_key();
    let did = tessera_ld::did::did_key(&public);
    let mut c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0b5a1c2e-5d8f-4b7e-9a61-3f2d4c5b6a70",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Foreign Center"},
        "name": "Welding",
        "validFrom": case.valid_from.date(),
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
            "id": "urn:example:welding", "type": ["Achievement"], "name": "Welding",
            "description": "Welds.", "criteria": {"narrative": "Weld a seam."}}}
    });
    if let Some(until) = case.valid_until {
        c["validUntil"] = until.date().into();
    }
    c["proof"] = common::proof_of(&c, key);
    c
}

/// `credential` rewritten in `forms` (each keeps the RDF dataset).
fn rewrite(mut c: Value, forms: &[Form]) -> Value {
    let typed = |v: &Value| json!({"@value": v, "@type": DATE_TIME});
    for form in forms {
        match form {
            Form::Reordered => {}
            Form::Arrays => {
                for date in ["validFrom", "validUntil"] {
                    if let Some(v) = c.get_mut(date) {
                        *v = json!([v.take()]);
                    }
                }
                for text in ["/name", "/credentialSubject/achievement/description"] {
                    if let Some(v) = c.pointer_mut(text) {
                        *v = json!([v.take()]);
                    }
                }
            }
            Form::TextValueObjects => {
                for text in [
                    "/credentialSubject/achievement/name",
                    "/credentialSubject/achievement/criteria/narrative",
                ] {
                    if let Some(v) = c.pointer_mut(text) {
                        *v = json!({"@value": v.take()});
                    }
                }
            }
            Form::DateValueObjects => {
                for date in ["validFrom", "validUntil"] {
                    if let Some(v) = c.get_mut(date) {
                        *v = match v.take() {
                            Value::Array(a) => Value::Array(a.iter().map(typed).collect()),
                            other => typed(&other),
                        };
                    }
                }
            }
            Form::IriDates => {
                let object = c.as_object_mut().unwrap();
                for date in ["validFrom", "validUntil"] {
                    if let Some(v) = object.remove(date) {
                        // Under the full IRI the context types nothing:
                        // every date a typed value object.
                        let v = match v {
                            Value::String(_) => typed(&v),
                            Value::Array(a) => Value::Array(
                                a.into_iter()
                                    .map(|d| if d.is_string() { typed(&d) } else { d })
                                    .collect(),
                            ),
                            other => other,
                        };
                        object.insert(format!("{VC}{date}"), v);
                    }
                }
            }
            Form::Keywords => {
                let object = c.as_object_mut().unwrap();
                for (alias, keyword) in [("type", "@type"), ("id", "@id")] {
                    if let Some(v) = object.remove(alias) {
                        object.insert(keyword.into(), v);
                    }
                }
            }
        }
    }
    c
}

/// JSON text of `v` with each object's keys in an order drawn from `seed`
/// (or as they are, without [`Form::Reordered`]).
fn write(v: &Value, seed: Option<u64>) -> String {
    fn go(v: &Value, state: &mut Option<u64>, out: &mut String) {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                if let Some(s) = state {
                    // A small xorshift: the order only needs to vary.
                    for i in (1..keys.len()).rev() {
                        *s ^= *s << 13;
                        *s ^= *s >> 7;
                        *s ^= *s << 17;
                        keys.swap(i, (*s % (i as u64 + 1)) as usize);
                    }
                }
                out.push('{');
                for (n, k) in keys.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push(':');
                    go(&map[k.as_str()], state, out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    go(item, state, out);
                }
                out.push(']');
            }
            other => out.push_str(&serde_json::to_string(other).unwrap()),
        }
    }
    let mut out = String::new();
    let mut state = seed.map(|s| s | 1);
    go(v, &mut state, &mut out);
    out
}

/// verifier-core's verdicts on `files`, in order.
fn dcc(files: &[PathBuf]) -> Vec<Value> {
    let args: Vec<&std::ffi::OsStr> = files.iter().map(|f| f.as_os_str()).collect();
    common::interop_node("check_dcc.mjs", &args)["results"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn rdf_preserving_rewrites_keep_the_desks_verdict_and_match_dcc_verifier_core() {
    let home = TempDir::new().unwrap();
    let desk = Desk::open_or_demo(home.path()).unwrap();
    let key = tessera_core::SigningKey::from_seed([23; 32]).unwrap();
    let method = tessera_ld::did::verification_method(&key.public_key());
    desk.trust_add(method.as_bytes(), "Foreign Center").unwrap();

    let cases = cases();
    let mut files = Vec::new();
    let mut desk_verdicts = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let seed = case.forms.contains(&Form::Reordered).then_some(case.seed);
        let text = write(&rewrite(signed(&key, case), &case.forms), seed);
        let file = home.path().join(format!("case-{n}.json"));
        std::fs::write(&file, &text).unwrap();
        files.push(file);
        let report = desk.check(text.as_bytes(), None, None).unwrap();
        // The desk reads what the proof signs, in every form.
        assert_eq!(
            report.verdict.code(),
            case.expected(),
            "case {n} {case:?}: {}\n{text}",
            report.reason
        );
        desk_verdicts.push(report.verdict.code());
    }

    let theirs = dcc(&files);
    assert_eq!(theirs.len(), cases.len());
    let mut agreed = 0;
    let mut checked_signatures = 0;
    let mut departures: BTreeMap<String, usize> = BTreeMap::new();
    for (n, ((case, ours), dcc)) in cases.iter().zip(&desk_verdicts).zip(&theirs).enumerate() {
        // Its signature check, where it makes one, holds: the rewriting
        // kept the dataset.
        let signature = dcc["log"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "valid_signature");
        let dcc_verdict = dcc["verdict"].as_str().unwrap();
        if case.forms.iter().all(|f| f.read_by_dcc()) {
            // (A validFrom still to come stops it before the signature.)
            if let Some(signature) = signature {
                assert_eq!(
                    signature["valid"], true,
                    "case {n} {case:?}: verifier-core: {dcc}"
                );
                checked_signatures += 1;
            }
            assert_eq!(
                dcc_verdict, *ours,
                "case {n} {case:?}: verifier-core: {dcc}"
            );
            agreed += 1;
        } else if dcc_verdict != *ours {
            let forms: Vec<String> = case
                .forms
                .iter()
                .filter(|f| !f.read_by_dcc())
                .map(|f| format!("{f:?}"))
                .collect();
            *departures
                .entry(format!(
                    "{} ({ours} here, {dcc_verdict} there)",
                    forms.join("+")
                ))
                .or_default() += 1;
        }
    }
    // Enough of each kind to mean something.
    assert!(
        agreed >= CASES / 5,
        "only {agreed} cases in forms verifier-core reads"
    );
    assert!(
        checked_signatures >= CASES / 10,
        "{checked_signatures} signatures checked"
    );
    assert!(desk_verdicts.contains(&"valid") && desk_verdicts.contains(&"expired"));
    println!(
        "{agreed} of {CASES} credentials in forms verifier-core reads: same verdict ({checked_signatures} signatures checked by it); where it reads the JSON and not the signed data: {departures:#?}"
    );
}
