//! `tessera`: the desk app. With no command it opens the terminal UI on the
//! data directory (creating a labelled demo issuer on first run); with a
//! command it runs it and exits.

use clap::Parser;
use tessera::cli::{Cli, run};

fn main() {
    let mut cli = Cli::parse();
    let code = match cli.command.take() {
        Some(command) => match run(cli, command) {
            Ok(code) => code,
            Err(e) => {
                eprintln!(
                    "error: {}",
                    tessera_formats::text::inert_lines(&e.to_string())
                );
                1
            }
        },
        None => {
            match tessera::ui::run_terminal(
                cli.home.clone(),
                cli.ledger.clone(),
                cli.passphrase_file.clone(),
            ) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!(
                        "error: {}",
                        tessera_formats::text::inert_lines(&e.to_string())
                    );
                    1
                }
            }
        }
    };
    std::process::exit(code);
}
