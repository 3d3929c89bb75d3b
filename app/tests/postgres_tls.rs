//! The shared ledger over TLS, against a real PostgreSQL server that takes
//! TLS connections only, with a certificate from a test CA made here
//! (openssl): a desk verifies the server's certificate (its CA and its
//! name) and refuses any other, and never sends the ledger in the clear to
//! another machine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Reason: tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;
use tessera_desk::store::ledger::Ledger;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl makes the test CA");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA (`NAME.pem`, `NAME.key`) in `dir`.
fn ca(dir: &Path, name: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
    );
}

/// A PostgreSQL server on 127.0.0.1 taking TLS only, with a certificate
/// for the name `localhost` signed by `ca`; stopped when dropped.
struct TlsServer {
    port: u16,
    dir: PathBuf,
}

impl TlsServer {
    fn start(certs: &Path) -> Self {
        openssl(
            certs,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        );
        std::fs::write(
            certs.join("server.ext"),
            "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(
            certs,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ],
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("tessera-pg-tls-{port}"));
        let out = Command::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/postgres.sh"))
            .arg("start")
            .env("TESSERA_PG_PORT", port.to_string())
            .env("TESSERA_PG_DIR", &dir)
            .env("TESSERA_PG_SSL_DIR", certs)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "PostgreSQL with TLS did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self { port, dir }
    }

    fn url(&self, host: &str, options: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres{options}", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/postgres.sh"))
            .arg("stop")
            .env("TESSERA_PG_PORT", self.port.to_string())
            .env("TESSERA_PG_DIR", &self.dir)
            .status();
    }
}

#[test]
fn the_shared_ledger_goes_over_verified_tls_and_refuses_any_other_server() {
    let certs = TempDir::new().unwrap();
    let certs = certs.path();
    ca(certs, "ca");
    ca(certs, "other-ca");
    let server = TlsServer::start(certs);
    let ca_file = certs.join("ca.pem");

    // Verified TLS with the center's CA: the ledger opens, and works.
    let with_ca = |ca: &Path| format!("?sslmode=verify-full&sslrootcert={}", ca.display());
    let url = server.url("localhost", &with_ca(&ca_file));
    let ledger = Ledger::connect(&url).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ledger.count().unwrap(), 0);
    ledger.set_meta("tls-test", "ok").unwrap();
    assert_eq!(ledger.meta("tls-test").unwrap().as_deref(), Some("ok"));

    // A server whose certificate another CA signed: refused, and said so.
    let wrong = server.url("localhost", &with_ca(&certs.join("other-ca.pem")));
    let err = Ledger::connect(&wrong).err().unwrap().to_string();
    assert!(err.contains("certificate"), "{err}");
    assert!(err.contains("cannot be reached"), "{err}");

    // The right CA, the wrong name: the same server reached as 127.0.0.1,
    // which its certificate (for localhost) does not name.
    let err = Ledger::connect(&server.url("127.0.0.1", &with_ca(&ca_file)))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("certificate"), "{err}");

    // Plain to this machine is allowed by the desk, and this server (TLS
    // only) turns it away.
    let err = Ledger::connect(&server.url("127.0.0.1", "?sslmode=disable"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("cannot be reached"), "{err}");

    // Plain to another machine: refused before anything is sent.
    let err = Ledger::connect("postgres://postgres@db.example.org/postgres?sslmode=disable")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("only to this machine"), "{err}");
}
