//! Fixtures shared by the benchmarks: the same badges the tests use, built
//! through the public API.

use tessera_core::{BadgeBuilder, BadgeClaims, Profile, Salt, SigningKey, Subject, TrustStore};

/// The benchmark issuer.
pub fn issuer() -> SigningKey {
    match SigningKey::from_seed([1; 32]) {
        Ok(k) => k,
        Err(e) => unreachable_key(e),
    }
}

fn unreachable_key(e: tessera_core::Error) -> SigningKey {
    // The seeds here are constants that are valid keys.
    eprintln!("benchmark key: {e}");
    std::process::exit(1)
}

/// A trust store with the benchmark issuer and seven other issuers, so the
/// lookup is not trivially the first entry.
pub fn trust() -> TrustStore {
    let mut t = TrustStore::new();
    for seed in 2..9u8 {
        // Seven distinct keys fill the store; ignore nothing: a full store is a bug here.
        let key = SigningKey::from_seed([seed; 32]).unwrap_or_else(unreachable_key);
        if t.add(key.public_key()).is_err() {
            return t;
        }
    }
    if t.add(issuer().public_key()).is_err() {
        return t;
    }
    t
}

/// 2026-11-25T00:00:00Z.
pub const NOW: u64 = 1_795_564_800;

/// Sign a mini or standard badge like the test fixtures; returns its bytes.
pub fn badge(profile: Profile) -> Vec<u8> {
    let sub = Subject::commit(&Salt::from([0x5a; 10]), "ada.lovelace@example.org");
    let mut claims = BadgeClaims::new(sub.as_str(), 1042, 1_788_220_800, "RS-101");
    claims.level = Some(2);
    if profile == Profile::Standard {
        claims.achievement_id = "RUST-101";
        claims.issuer = Some("Tessera Test Center Lyon");
        claims.achievement_name = Some("Rust Fundamentals");
        claims.expires = Some(1_883_001_600);
        claims.evidence = Some("https://tc.example.org/e/1042");
        claims.display_name = Some("Ada Lovelace");
    }
    let mut buf = [0u8; 512];
    match BadgeBuilder::new(profile, claims).sign(&issuer(), &mut buf) {
        Ok(len) => buf.get(..len).map(<[u8]>::to_vec).unwrap_or_default(),
        Err(e) => {
            eprintln!("fixture failed to sign: {e}");
            Vec::new()
        }
    }
}
