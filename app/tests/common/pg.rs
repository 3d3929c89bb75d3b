//! A fresh PostgreSQL database per test, on the server `.ci/test` starts
//! (`TESSERA_TEST_POSTGRES`, an admin URL); dropped when the test ends.

use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The admin URL of the test server.
pub fn admin_url() -> String {
    std::env::var("TESSERA_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "TESSERA_TEST_POSTGRES is not set: run the tests with `bash .ci/test`, which starts a \
             PostgreSQL server (or start one with `bash .ci/postgres.sh start` and export the URL it prints)"
        )
    })
}

/// One empty database.
pub struct TestDb {
    /// Its URL.
    pub url: String,
    name: String,
}

impl TestDb {
    /// Create it.
    pub fn new() -> Self {
        let admin = admin_url();
        let name = format!(
            "tessera_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        Self {
            url: format!("{base}/{name}"),
            name,
        }
    }

    /// A connection to it.
    #[allow(dead_code)]
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&admin_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
