//! `tessera-vcard`: put a virtual NTAG21x on the vpcd virtual reader, for
//! trying the app without a physical card.
//!
//! ```text
//! tessera-vcard [ntag213|ntag215|ntag216] [UID-HEX] [--memory FILE]
//! ```
//! With `--memory FILE` the card's page memory is loaded from FILE (if it
//! exists) and saved back to it when the card is taken off with Ctrl-D or
//! when standard input closes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
// Reason: a small test-support tool; failures stop it with a message.

use std::io::Read;

use tessera_core::CardType;
use tessera_tests::vcard::{Config, VirtualCard};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = Config::new(
        CardType::Ntag215,
        [0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6],
    );
    let mut memory_file = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "ntag213" => config.card = CardType::Ntag213,
            "ntag215" => config.card = CardType::Ntag215,
            "ntag216" => config.card = CardType::Ntag216,
            "--memory" => memory_file = it.next().cloned(),
            "-h" | "--help" => {
                println!(
                    "usage: tessera-vcard [ntag213|ntag215|ntag216] [UID-HEX] [--memory FILE]"
                );
                return;
            }
            hex_uid => {
                let uid = hex::decode(hex_uid)
                    .ok()
                    .and_then(|v| <[u8; 7]>::try_from(v).ok());
                let Some(uid) = uid else {
                    eprintln!("error: {hex_uid:?} is neither a card type nor a 7-byte UID in hex");
                    std::process::exit(2);
                };
                config.uid = uid;
            }
        }
    }
    if let Some(path) = &memory_file {
        config.memory = std::fs::read(path).ok();
    }
    let card = match VirtualCard::insert(config.clone()) {
        Ok(card) => card,
        Err(e) => {
            eprintln!(
                "error: cannot reach vpcd at {}: {e}; is pcscd running with vsmartcard-vpcd?",
                config.addr
            );
            std::process::exit(1);
        }
    };
    eprintln!(
        "virtual {} with UID {} is on the reader; press Ctrl-D to take it off",
        config.card,
        hex::encode_upper(config.uid)
    );
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    let memory = card.remove();
    if let Some(path) = memory_file {
        std::fs::write(&path, memory).expect("save card memory");
        eprintln!("card memory saved to {path}");
    }
}
