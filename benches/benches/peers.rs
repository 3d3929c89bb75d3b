//! Tessera against what people use today, in one run: the same badge
//! verified, signed and decoded by `tessera-core`, by `coset` +
//! `ed25519-dalek` (what a Rust user would otherwise write), and as the
//! equivalent Open Badges 3.0 credential secured as a VC-JWT (EdDSA) with
//! `serde_json` + `jsonwebtoken`; plus the status list. Sizes are printed
//! once at the start.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]
// Reason: benchmark harness.

use std::hint::black_box;

use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana};
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::{Signer, SigningKey as DalekSigningKey, VerifyingKey};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use tessera_benches::{NOW, badge, issuer, trust};
use tessera_core::ndef::card_image_len;
use tessera_core::sizes::MAX_STATUS_LIST_LEN;
use tessera_core::status::{bits_len, set_revoked};
use tessera_core::{
    Backend, BadgeBuilder, BadgeClaims, CoseSign1, Profile, Salt, StatusList, StatusListBuilder,
    Subject, verify, verify_batch, verify_with,
};

/// The Open Badges 3.0 credential with the same content as the standard badge.
fn ob3(c: &BadgeClaims<'_>) -> serde_json::Value {
    serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("urn:tessera:badge:{}", c.serial),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "urn:tessera:issuer:30a93202", "type": ["Profile"], "name": c.issuer},
        "validFrom": "2026-09-01T00:00:00Z",
        "validUntil": "2029-09-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": c.subject, "identityType": "emailAddress", "hashed": true, "salt": "claim code"}],
            "achievement": {"id": format!("urn:tessera:achievement:{}", c.achievement_id), "type": ["Achievement"],
                "name": c.achievement_name, "criteria": {"narrative": "Passed the exam."}, "description": c.achievement_name},
        },
        "credentialStatus": {"id": "urn:tessera:status:30a93202#1042", "type": "1EdTechRevocationList"},
        "evidence": [{"id": c.evidence, "type": ["Evidence"]}],
    })
}

fn pkcs8(seed: &[u8; 32]) -> Vec<u8> {
    // RFC 8410 PrivateKeyInfo for Ed25519: fixed prefix then the seed.
    let mut der = hex_prefix();
    der.extend_from_slice(seed);
    der
}

fn hex_prefix() -> Vec<u8> {
    vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ]
}

fn bench_peers(c: &mut Criterion) {
    let store = trust();
    let key = issuer();
    let dalek_key = DalekSigningKey::from_bytes(&key.seed());
    let dalek_pub: VerifyingKey = dalek_key.verifying_key();
    let enc = EncodingKey::from_ed_der(&pkcs8(&key.seed()));
    let dec = DecodingKey::from_ed_der(key.public_key().as_bytes());
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;

    for profile in [Profile::Mini, Profile::Standard] {
        let bytes = badge(profile);
        let message = CoseSign1::from_slice(&bytes).unwrap();
        let claims = BadgeClaims::decode(message.payload, message.payload_offset).unwrap();
        let mut tbs = [0u8; 512];
        let n = message.to_be_signed(&mut tbs).unwrap();
        let tbs = tbs[..n].to_vec();
        let compact_pk = ed25519_compact::PublicKey::new(*key.public_key().as_bytes());
        let compact_sig = ed25519_compact::Signature::new(*message.signature.as_bytes());
        let ob3_json = serde_json::to_string(&ob3(&claims)).unwrap();
        let jwt =
            jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &ob3(&claims), &enc).unwrap();
        let qr = 5 + (bytes.len() / 2) * 3 + (bytes.len() % 2) * 2;
        eprintln!(
            "sizes, {} badge: COSE {} B, card image {} B, QR text {} chars, OB 3.0 JSON {} B, VC-JWT {} B",
            profile.name(),
            bytes.len(),
            card_image_len(bytes.len()),
            qr,
            ob3_json.len(),
            jwt.len()
        );

        let mut g = c.benchmark_group(format!("peers_verify_{}", profile.name()));
        g.bench_function("1 ed25519-compact raw verify (same signed bytes)", |b| {
            b.iter(|| compact_pk.verify(black_box(&tbs), &compact_sig).unwrap())
        });
        g.bench_function("2 tessera-core verify, compact backend", |b| {
            b.iter(|| {
                verify_with(Backend::Compact, black_box(&bytes), &store, Some(NOW), None).unwrap()
            })
        });
        g.bench_function("3 tessera-core verify, dalek backend (host default)", |b| {
            b.iter(|| verify(black_box(&bytes), &store, Some(NOW), None).unwrap())
        });
        g.bench_function("4 coset parse + ed25519-dalek verify_strict", |b| {
            b.iter(|| {
                let m = coset::CoseSign1::from_tagged_slice(black_box(&bytes)).unwrap();
                m.verify_signature(b"", |sig, data| {
                    let sig = ed25519_dalek::Signature::from_slice(sig).map_err(|_| ())?;
                    dalek_pub.verify_strict(data, &sig).map_err(|_| ())
                })
                .unwrap();
            })
        });
        if profile == Profile::Standard {
            g.bench_function("5 OB 3.0 VC-JWT: jsonwebtoken (EdDSA) + serde_json", |b| {
                b.iter(|| {
                    jsonwebtoken::decode::<serde_json::Value>(black_box(&jwt), &dec, &validation)
                        .unwrap()
                })
            });
        }
        g.finish();

        let mut g = c.benchmark_group(format!("peers_sign_{}", profile.name()));
        g.bench_function("1 tessera-core sign (into a stack buffer)", |b| {
            b.iter(|| {
                let mut out = [0u8; 512];
                tessera_core::BadgeBuilder::new(profile, black_box(claims))
                    .sign(&key, &mut out)
                    .unwrap()
            })
        });
        let payload = message.payload.to_vec();
        g.bench_function("2 coset build + ed25519-dalek sign", |b| {
            b.iter(|| {
                let protected = HeaderBuilder::new()
                    .algorithm(iana::Algorithm::EdDSA)
                    .key_id(key.kid().as_bytes().to_vec())
                    .build();
                CoseSign1Builder::new()
                    .protected(protected)
                    .payload(black_box(payload.clone()))
                    .create_signature(b"", |data| dalek_key.sign(data).to_bytes().to_vec())
                    .build()
                    .to_tagged_vec()
                    .unwrap()
            })
        });
        g.finish();

        let mut g = c.benchmark_group(format!("peers_decode_{}", profile.name()));
        g.bench_function("1 tessera-core borrowed decode (envelope + claims)", |b| {
            b.iter(|| {
                let m = CoseSign1::from_slice(black_box(&bytes)).unwrap();
                BadgeClaims::decode(m.payload, m.payload_offset)
                    .unwrap()
                    .serial
            })
        });
        g.bench_function(
            "2 tessera-core envelope only (like coset: payload left as bytes)",
            |b| b.iter(|| CoseSign1::from_slice(black_box(&bytes)).unwrap()),
        );
        g.bench_function("3 coset parse (envelope only)", |b| {
            b.iter(|| coset::CoseSign1::from_tagged_slice(black_box(&bytes)).unwrap())
        });
        if profile == Profile::Standard {
            g.bench_function("4 serde_json parse of the OB 3.0 JSON", |b| {
                b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&ob3_json)).unwrap())
            });
        }
        g.finish();
    }

    bench_throughput(c, &dalek_pub);

    // Status list of 65,536 serials, every 100th revoked.
    let mut bits = vec![0u8; bits_len(65_536)];
    for i in (0..65_536).step_by(100) {
        set_revoked(&mut bits, i).unwrap();
    }
    let mut out = vec![0u8; MAX_STATUS_LIST_LEN];
    let n = StatusListBuilder {
        compromised_since: None,
        suspended: None,
        issued_at: NOW,
        expires: None,
        first: 1,
        count: 65_536,
        bits: &bits,
    }
    .sign(&key, &mut out)
    .unwrap();
    let list_bytes = out[..n].to_vec();
    let list = StatusList::verify(&list_bytes, &store, Some(NOW)).unwrap();
    let mut g = c.benchmark_group("status_list_65536");
    g.bench_function("check one serial", |b| {
        b.iter(|| list.is_revoked(black_box(40_001)))
    });
    g.bench_function("verify the list's signature (8,333 bytes)", |b| {
        b.iter(|| {
            StatusList::verify(black_box(&list_bytes), &store, Some(NOW))
                .unwrap()
                .count()
        })
    });
    g.finish();
}

/// Many badges at once (a ledger audit, an employer's folder): distinct
/// standard badges, per-badge throughput.
fn bench_throughput(c: &mut Criterion, dalek_pub: &VerifyingKey) {
    let store = trust();
    let key = issuer();
    let sub = Subject::commit(&Salt::from([0x5a; 10]), "ada.lovelace@example.org");
    for count in [64usize, 1024] {
        let badges: Vec<Vec<u8>> = (0..count as u32)
            .map(|serial| {
                let mut claims =
                    BadgeClaims::new(sub.as_str(), serial + 1, 1_788_220_800, "RUST-101");
                claims.issuer = Some("Tessera Test Center Lyon");
                claims.achievement_name = Some("Rust Fundamentals");
                claims.expires = Some(1_883_001_600);
                let mut out = [0u8; 512];
                let n = BadgeBuilder::new(Profile::Standard, claims)
                    .sign(&key, &mut out)
                    .unwrap();
                out[..n].to_vec()
            })
            .collect();
        let inputs: Vec<&[u8]> = badges.iter().map(Vec::as_slice).collect();
        let mut g = c.benchmark_group(format!("peers_throughput_{count}_badges"));
        g.throughput(criterion::Throughput::Elements(count as u64));
        if count > 64 {
            g.sample_size(10);
        }
        g.bench_function(
            "1 coset parse + ed25519-dalek verify_strict, one by one",
            |b| {
                b.iter(|| {
                    for bytes in &inputs {
                        let m = coset::CoseSign1::from_tagged_slice(black_box(bytes)).unwrap();
                        m.verify_signature(b"", |sig, data| {
                            let sig = ed25519_dalek::Signature::from_slice(sig).map_err(|_| ())?;
                            dalek_pub.verify_strict(data, &sig).map_err(|_| ())
                        })
                        .unwrap();
                    }
                })
            },
        );
        g.bench_function("2 tessera-core verify, one by one (dalek backend)", |b| {
            b.iter(|| {
                for bytes in &inputs {
                    verify(black_box(bytes), &store, Some(NOW), None).unwrap();
                }
            })
        });
        g.bench_function("3 tessera-core verify_batch", |b| {
            b.iter(|| {
                let results = verify_batch(black_box(&inputs), &store, Some(NOW), None);
                assert!(results.iter().all(Result::is_ok));
            })
        });
        // The raw batch verifier of ed25519-dalek over the same signed bytes
        // (no COSE parsing, no claims), for reference.
        let tbs: Vec<Vec<u8>> = inputs
            .iter()
            .map(|b| {
                let m = CoseSign1::from_slice(b).unwrap();
                let mut out = vec![0u8; 512];
                let n = m.to_be_signed(&mut out).unwrap();
                out.truncate(n);
                out
            })
            .collect();
        let messages: Vec<&[u8]> = tbs.iter().map(Vec::as_slice).collect();
        let signatures: Vec<ed25519_dalek::Signature> = inputs
            .iter()
            .map(|b| {
                ed25519_dalek::Signature::from_bytes(
                    CoseSign1::from_slice(b).unwrap().signature.as_bytes(),
                )
            })
            .collect();
        let keys = vec![*dalek_pub; count];
        g.bench_function(
            "4 ed25519-dalek verify_batch, raw signed bytes (reference)",
            |b| {
                b.iter(|| {
                    ed25519_dalek::verify_batch(black_box(&messages), &signatures, &keys).unwrap()
                })
            },
        );
        g.finish();
    }
}

criterion_group!(benches, bench_peers);
criterion_main!(benches);
