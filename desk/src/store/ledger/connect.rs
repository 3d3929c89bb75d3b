//! How a desk reaches a PostgreSQL ledger: over TLS with the server's
//! certificate verified (its chain to a trusted root and its name, as
//! libpq's `sslmode=verify-full`), or in the clear only to this machine (a
//! Unix socket or loopback), where nothing crosses a network.
//!
//! The URL is libpq's (`postgres://user@host:port/db?…`) with two options
//! read here:
//!
//! - `sslmode`: `verify-full` (the default for any other host), or
//!   `disable` (plain; refused for a host that is not this machine).
//!   `require`, `verify-ca` and `prefer` are taken as `verify-full`: a
//!   certificate is always verified.
//! - `sslrootcert=FILE`: the PEM certificates of the CA that signed the
//!   server's (a center's own CA); without it, the system's roots.

use std::sync::Arc;

use postgres::{Client, NoTls};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::LedgerError;

/// A ledger URL made ready to connect.
pub(super) struct Target {
    /// The URL the `postgres` crate reads (this module's options taken
    /// out; `sslmode=require` when TLS is used).
    pub url: String,
    /// The TLS setup, or `None` for a plain connection to this machine.
    tls: Option<MakeRustlsConnect>,
}

impl Target {
    /// Read `url`; refuses a plain connection to another machine, an
    /// unknown `sslmode` and an unreadable CA file, with what to do.
    pub fn parse(url: &str) -> Result<Self, LedgerError> {
        let bad = |why: String| LedgerError::Config(why);
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let (mut mode, mut ca) = (None, None);
        let mut kept: Vec<&str> = Vec::new();
        for kv in query.split('&').filter(|kv| !kv.is_empty()) {
            match kv.split_once('=') {
                Some(("sslmode", v)) => mode = Some(v.to_ascii_lowercase()),
                Some(("sslrootcert", v)) => ca = Some(v.to_string()),
                _ => kept.push(kv),
            }
        }
        let join = |extra: Option<&str>| {
            let mut q: Vec<&str> = kept.clone();
            q.extend(extra);
            if q.is_empty() {
                base.to_string()
            } else {
                format!("{base}?{}", q.join("&"))
            }
        };
        let config: postgres::Config = join(None).parse().map_err(|e| {
            bad(format!(
                "the ledger address is not a PostgreSQL URL ({e}); write postgres://USER@HOST:PORT/DATABASE"
            ))
        })?;
        let local = config.get_hosts().iter().all(|h| match h {
            postgres::config::Host::Tcp(host) => is_this_machine(host),
            #[cfg(unix)]
            postgres::config::Host::Unix(_) => true,
        });
        let tls = match mode.as_deref() {
            Some("disable") if !local => {
                return Err(bad(
                    "sslmode=disable sends the ledger (recipients, claim codes) across the network in the clear; plain connections go only to this machine (a Unix socket or localhost). Use sslmode=verify-full (the default), with sslrootcert=FILE for your own CA".into(),
                ));
            }
            Some("disable") => false,
            None => !local,
            Some("verify-full" | "verify-ca" | "require" | "prefer") => true,
            Some(other) => {
                return Err(bad(format!(
                    "sslmode={other} is not one this desk knows: use verify-full (the default), or disable for a server on this machine"
                )));
            }
        };
        if !tls {
            return Ok(Self {
                url: join(None),
                tls: None,
            });
        }
        let mut roots = rustls::RootCertStore::empty();
        match &ca {
            Some(file) => {
                let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(file)
                    .and_then(Iterator::collect)
                    .map_err(|e| {
                        bad(format!(
                            "sslrootcert={file}: its CA certificates cannot be read ({e}); give the PEM file of the CA that signed the server's certificate"
                        ))
                    })?;
                if certs.is_empty() {
                    return Err(bad(format!("sslrootcert={file} holds no PEM certificate")));
                }
                for c in certs {
                    roots.add(c).map_err(|e| {
                        bad(format!(
                            "sslrootcert={file}: a certificate is not usable ({e})"
                        ))
                    })?;
                }
            }
            None => {
                let found = rustls_native_certs::load_native_certs();
                for c in found.certs {
                    // A system root rustls cannot use is skipped, as libpq would.
                    let _ = roots.add(c);
                }
                if roots.is_empty() {
                    return Err(bad(
                        "this system has no trusted CA certificates to verify the ledger server with: give sslrootcert=FILE (the CA that signed its certificate)".into(),
                    ));
                }
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(format!("TLS cannot be set up: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            url: join(Some("sslmode=require")),
            tls: Some(MakeRustlsConnect::new(config)),
        })
    }

    /// Open a connection.
    pub fn connect(&self) -> Result<Client, postgres::Error> {
        match &self.tls {
            Some(tls) => Client::connect(&self.url, tls.clone()),
            None => Client::connect(&self.url, NoTls),
        }
    }

    /// Whether the connection is encrypted and the server verified.
    #[cfg(test)]
    fn verified_tls(&self) -> bool {
        self.tls.is_some()
    }
}

/// `url` without the options this module reads (for naming the ledger).
pub(super) fn without_tls_options(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| {
            !kv.is_empty() && !kv.starts_with("sslmode=") && !kv.starts_with("sslrootcert=")
        })
        .collect();
    if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// Is `host` this machine (loopback)?
fn is_this_machine(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    // Reason: tests.
    use super::Target;

    #[test]
    fn plain_only_to_this_machine_and_tls_verified_elsewhere() {
        let local = Target::parse("postgres://u@127.0.0.1:5432/db").unwrap();
        assert!(!local.verified_tls());
        assert_eq!(local.url, "postgres://u@127.0.0.1:5432/db");
        let socket = Target::parse("postgres://u@%2Frun%2Fpostgresql/db").unwrap();
        assert!(!socket.verified_tls());
        let remote = Target::parse("postgres://u@db.example.org/db?connect_timeout=5").unwrap();
        assert!(remote.verified_tls());
        assert_eq!(
            remote.url,
            "postgres://u@db.example.org/db?connect_timeout=5&sslmode=require"
        );
        let err = Target::parse("postgres://u@db.example.org/db?sslmode=disable")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("only to this machine"), "{err}");
        let err = Target::parse("postgres://u@db.example.org/db?sslmode=allow")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("verify-full"), "{err}");
        let err = Target::parse("postgres://u@db.example.org/db?sslrootcert=/nonexistent/ca.pem")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("cannot be read"), "{err}");
        // Asked for, TLS is used to this machine too.
        assert!(
            Target::parse("postgres://u@localhost/db?sslmode=verify-full")
                .unwrap()
                .verified_tls()
        );
    }
}
