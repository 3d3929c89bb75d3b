//! # tessera-web
//!
//! The Tessera verifier for the static web page: `tessera-core` and
//! `tessera-formats` compiled to `wasm32-unknown-unknown`, behind a small
//! [wasm-bindgen](https://rustwasm.github.io/wasm-bindgen/) API. The page
//! only reads inputs and draws the report; every rule (which format, which
//! verdict, whose badge) is the same code the desk runs.
//!
//! wasm-bindgen rather than a raw ABI: the page passes byte arrays and
//! strings and gets JSON back, which the generated glue copies safely in
//! and out of the module's memory; a raw ABI would need `unsafe` exports
//! and hand-managed buffers in this crate.
//!
//! ```
//! let site = r#"{"format":"tessera-site-2","issuer":"Demo","url":null,
//!   "built_at":"2026-12-01T00:00:00Z","trust":[],"compact_lists":[],"revocations":[]}"#;
//! let v = tessera_web::verifier::Verifier::new(site).unwrap();
//! let report = v.check(b"TSR1:not base45!", 1_800_000_000);
//! assert_eq!(report.verdict.code(), "unreadable");
//! ```

pub mod verifier;

use wasm_bindgen::prelude::*;

/// The page's verifier (the JS class `Verifier`).
#[wasm_bindgen(js_name = Verifier)]
pub struct WebVerifier(verifier::Verifier);

#[wasm_bindgen(js_class = Verifier)]
impl WebVerifier {
    /// Read the site data (`JSON.stringify(window.TESSERA_SITE)`); throws
    /// with a sentence saying what is wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(site_json: &str) -> Result<WebVerifier, JsError> {
        verifier::Verifier::new(site_json)
            .map(WebVerifier)
            .map_err(|e| JsError::new(&e))
    }

    /// Check `input` at `now` (Unix seconds): the report as JSON.
    pub fn check(&self, input: &[u8], now: f64) -> String {
        to_json(&self.0.check(input, unix(now)))
    }

    /// Check `input` as read from the NFC card whose serial number (UID)
    /// is `uid`: a badge bound to another card reads FORGED.
    pub fn check_card(&self, input: &[u8], uid: &[u8], now: f64) -> String {
        to_json(&self.0.check_card(input, uid, unix(now)))
    }

    /// Check `input` and whether it belongs to `identity` with `claim_code`;
    /// throws for a malformed claim code.
    pub fn check_holder(
        &self,
        input: &[u8],
        now: f64,
        identity: &str,
        claim_code: &str,
    ) -> Result<String, JsError> {
        self.0
            .check_holder(input, unix(now), identity, claim_code)
            .map(|r| to_json(&r))
            .map_err(|e| JsError::new(&e))
    }

    /// The status lists the page checks against, as JSON.
    pub fn lists(&self) -> String {
        self.0.lists().to_string()
    }
}

/// Make every string in `value` inert ([`tessera_formats::text::inert`]).
fn inert_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => {
            if let std::borrow::Cow::Owned(safe) = tessera_formats::text::inert(s) {
                *s = safe;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(inert_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(inert_strings),
        _ => {}
    }
}

/// JavaScript's `Date.now() / 1000` as Unix seconds (clamped at 0).
fn unix(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        // Truncation to whole seconds is what a badge's times use.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let secs = now as u64;
        secs
    } else {
        0
    }
}

fn to_json(report: &verifier::Report) -> String {
    // Every text in it may come from the badge or file checked: each goes
    // to the page inert (escaped, shown as the words it is), so a
    // bidirectional override cannot reorder the verdict's line.
    let mut value = serde_json::to_value(report).unwrap_or_default();
    inert_strings(&mut value);
    // A report is strings, numbers and booleans: it always serializes.
    serde_json::to_string(&value).unwrap_or_else(|e| {
        format!(r#"{{"verdict":"unreadable","headline":"NOT A BADGE","error":null,"reason":"internal error: {e}","demo":false}}"#)
    })
}
