//! The kiosk in QEMU (`mps2-an386`, Cortex-M4). Semihosting stands in for
//! the board: the trusted issuer keys (`trust.bin`, 32 bytes each), the
//! newest status list (`status.cbor`) and the cards (`cards.txt` lists card
//! dump files: one byte UID length, the UID, then user memory from page 4)
//! are host files, with `max-list-age.txt` (seconds), when present, the
//! kiosk's configured list age against the host's clock; logs are defmt frames on semihosting stdout (decode with
//! `defmt-print`); verdicts go to `results.txt`. Each card's verify runs
//! between the `bench_start` and `bench_end` marker functions so the
//! instruction-counting QEMU plugin can measure it, and the stack is
//! painted before and scanned after, for the high-water mark.
#![no_std]
#![no_main]

use core::ffi::CStr;
use core::fmt::Write as _;

use cortex_m_rt::entry;
use defmt_semihosting as _;
use semihosting::fs;
use semihosting::io::Read;
use static_cell::StaticCell;
use tessera_core::sizes::MAX_STATUS_LIST_LEN;
use tessera_core::{PublicKey, StatusList, TrustStore};
use tessera_firmware::{
    CardRead, CardReader, Clock, Kiosk, MAX_CARD_MEMORY, MAX_STATUS_LISTS, MAX_UID_LEN, Verdict,
    load_status_lists,
};

/// Trusted issuers a kiosk holds.
const TRUST: usize = 4;

/// `status.cbor`: every issuer key's lists, one after another.
static STATUS: StaticCell<[u8; MAX_STATUS_LIST_LEN * MAX_STATUS_LISTS]> = StaticCell::new();

mod measure {
    //! The two places that need `unsafe`: symbols the QEMU plugin finds by
    //! name, and reading/writing the stack below the stack pointer.
    #![allow(unsafe_code)]

    /// Painted by cortex-m-rt's `paint-stack` feature, and by [`repaint`].
    pub const PAINT: u32 = 0xCCCC_CCCC;

    unsafe extern "C" {
        static _stack_end: u32;
        static _stack_start: u32;
    }

    /// Marker before a measured verify (the plugin counts from here).
    #[inline(never)]
    #[unsafe(no_mangle)]
    pub extern "C" fn bench_start() {
        cortex_m::asm::nop();
    }

    /// Marker after a measured verify. A different body than
    /// `bench_start`, so LTO cannot merge the two.
    #[inline(never)]
    #[unsafe(no_mangle)]
    pub extern "C" fn bench_end() {
        cortex_m::asm::nop();
        cortex_m::asm::nop();
    }

    fn bounds() -> (usize, usize) {
        // Only the addresses of the linker symbols are taken (no read).
        (
            &raw const _stack_end as usize,
            &raw const _stack_start as usize,
        )
    }

    /// Paint the unused stack (below the current stack pointer, less a
    /// margin for this function's own frame) so the next scan measures only
    /// what runs after it.
    #[inline(never)]
    pub fn repaint() {
        let (end, _) = bounds();
        let sp = cortex_m::register::msp::read() as usize - 64;
        let mut p = end;
        while p < sp {
            // SAFETY: [end, sp) is the unused part of the stack, owned by
            // nobody while this function runs; aligned by the linker script.
            unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
            p += 4;
        }
    }

    /// Marker before the `salty` comparison verify.
    #[cfg(feature = "salty")]
    #[inline(never)]
    #[unsafe(no_mangle)]
    pub extern "C" fn salty_start() {
        cortex_m::asm::nop();
        cortex_m::asm::nop();
        cortex_m::asm::nop();
    }

    /// Marker after the `salty` comparison verify.
    #[cfg(feature = "salty")]
    #[inline(never)]
    #[unsafe(no_mangle)]
    pub extern "C" fn salty_end() {
        cortex_m::asm::nop();
        cortex_m::asm::nop();
        cortex_m::asm::nop();
        cortex_m::asm::nop();
    }

    /// Bytes of stack in use now (from the top to the stack pointer).
    pub fn depth_now() -> usize {
        let (_, start) = bounds();
        start - cortex_m::register::msp::read() as usize
    }

    /// The deepest stack use since the last paint, in bytes from the top.
    pub fn high_water() -> usize {
        let (end, start) = bounds();
        let mut p = end;
        // SAFETY: reads inside the stack region, 4-byte aligned.
        while p < start && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
            p += 4;
        }
        start - p
    }
}

/// Read a whole host file into `buf`; returns the length.
fn read_file(path: &CStr, buf: &mut [u8]) -> Result<usize, semihosting::io::Error> {
    let mut f = fs::File::open(path)?;
    let mut len = 0;
    while let Some(rest) = buf.get_mut(len..) {
        if rest.is_empty() {
            break;
        }
        let n = f.read(rest)?;
        if n == 0 {
            break;
        }
        len += n;
    }
    Ok(len)
}

/// Card dumps named in `cards.txt`, read from host files.
struct HostCards<'m> {
    manifest: core::str::Lines<'m>,
    name: heapless::String<64>,
}

#[derive(defmt::Format)]
enum HostError {
    /// A card file could not be read.
    Io,
    /// A card file name is longer than 63 bytes.
    NameTooLong,
}

impl CardReader for HostCards<'_> {
    type Error = HostError;

    fn next_card<'b>(
        &mut self,
        uid: &'b mut [u8; MAX_UID_LEN],
        memory: &'b mut [u8; MAX_CARD_MEMORY],
    ) -> Result<Option<CardRead<'b>>, HostError> {
        let Some(name) = self
            .manifest
            .by_ref()
            .map(str::trim)
            .find(|l| !l.is_empty())
        else {
            return Ok(None);
        };
        self.name.clear();
        self.name
            .push_str(name)
            .map_err(|_| HostError::NameTooLong)?;
        let mut path = [0u8; 65];
        for (d, s) in path.iter_mut().zip(name.bytes()) {
            *d = s;
        }
        let path = CStr::from_bytes_until_nul(&path).map_err(|_| HostError::NameTooLong)?;
        // One byte UID length, the UID, then memory.
        let mut dump = [0u8; 1 + MAX_UID_LEN + MAX_CARD_MEMORY];
        let len = read_file(path, &mut dump).map_err(|_| HostError::Io)?;
        let dump = dump.get(..len).unwrap_or_default();
        let (uid_len, rest) = dump
            .split_first()
            .map_or((0, dump), |(l, r)| (usize::from(*l).min(MAX_UID_LEN), r));
        let (uid_src, mem_src) = rest.split_at(uid_len.min(rest.len()));
        let uid_n = uid_src.len();
        uid.get_mut(..uid_n)
            .unwrap_or_default()
            .copy_from_slice(uid_src);
        let mem_n = mem_src.len().min(MAX_CARD_MEMORY);
        memory
            .get_mut(..mem_n)
            .unwrap_or_default()
            .copy_from_slice(mem_src.get(..mem_n).unwrap_or_default());
        Ok(Some(CardRead {
            uid: uid.get(..uid_n).unwrap_or_default(),
            memory: memory.get(..mem_n).unwrap_or_default(),
        }))
    }
}

/// Verify the same badge's signed bytes with `salty`, between the salty
/// markers, and record its verdict and stack use.
#[cfg(feature = "salty")]
fn salty_compare(
    memory: &[u8],
    badge: &tessera_core::VerifiedBadge<'_>,
    results: &mut heapless::String<4096>,
) {
    let Ok(bytes) = tessera_core::ndef::parse_card_image(memory) else {
        return;
    };
    let Ok(message) = tessera_core::CoseSign1::from_slice(bytes) else {
        return;
    };
    let mut tbs = [0u8; 512];
    let Ok(n) = message.to_be_signed(&mut tbs) else {
        return;
    };
    let tbs = tbs.get(..n).unwrap_or_default();
    measure::repaint();
    let base = measure::depth_now();
    measure::salty_start();
    let ok = salty::PublicKey::try_from(badge.issuer_key.as_bytes())
        .and_then(|pk| pk.verify(tbs, &salty::Signature::from(message.signature.as_bytes())))
        .is_ok();
    measure::salty_end();
    let stack = measure::high_water().saturating_sub(base);
    defmt::info!(
        "salty verify of the same {} signed bytes: {}, stack {} bytes",
        n,
        ok,
        stack
    );
    let _ = writeln!(
        results,
        "salty-{} {} {} {}",
        badge.claims.serial,
        if ok { "valid" } else { "forged" },
        n,
        stack
    );
}

/// Verify the status list between the first pair of measurement markers.
fn verify_status<'s>(
    bytes: &'s [u8],
    trust: &TrustStore<TRUST>,
    results: &mut heapless::String<4096>,
) -> Result<StatusList<'s>, tessera_core::Error> {
    measure::repaint();
    let base = measure::depth_now();
    measure::bench_start();
    let list = StatusList::verify(bytes, trust, None);
    measure::bench_end();
    let stack = measure::high_water().saturating_sub(base);
    let verdict = if list.is_ok() { "valid" } else { "rejected" };
    let _ = writeln!(results, "status-list {verdict} {} {stack}", bytes.len());
    list
}

fn run() -> Result<(), &'static str> {
    defmt::info!("tessera kiosk on Cortex-M4 (QEMU mps2-an386)");

    let mut keys = [0u8; 32 * TRUST];
    let n = read_file(c"trust.bin", &mut keys).map_err(|_| "cannot read trust.bin")?;
    let mut trust: TrustStore<TRUST> = TrustStore::new();
    for key in keys.get(..n).unwrap_or_default().chunks_exact(32) {
        let key = PublicKey::try_from(key).map_err(|_| "trust.bin holds an invalid key")?;
        trust.add(key).map_err(|_| "too many keys in trust.bin")?;
    }
    defmt::info!("{} trusted issuer(s)", trust.len());

    let mut results: heapless::String<4096> = heapless::String::new();
    let status_buf = STATUS.init([0; MAX_STATUS_LIST_LEN * MAX_STATUS_LISTS]);
    let status = read_file(c"status.cbor", status_buf)
        .map(|n| status_buf.get(..n).unwrap_or_default())
        .unwrap_or_default();
    if status.is_empty() {
        defmt::warn!("no status list: failing closed (cannot check revocation)");
    }
    // The first list's verify is measured; then every list is loaded.
    if let Ok((first, _)) = tessera_core::status::split_sequence(status) {
        let _ = verify_status(first, &trust, &mut results);
    }
    let (lists, rejected) = load_status_lists(status, &trust);
    for list in &lists {
        defmt::info!(
            "status list of {}: {} serials from {}, {} revoked, time floor {}",
            list.kid(),
            list.count(),
            list.first(),
            list.revoked_count(),
            list.issued_at()
        );
    }
    if rejected > 0 {
        defmt::warn!(
            "{} status list(s) rejected: failing closed (cannot check revocation)",
            rejected
        );
    }
    let mut kiosk = Kiosk::new(trust, &lists, !status.is_empty() && rejected == 0);
    // The configured list age, if any (`max-list-age.txt`: seconds), and
    // the host's clock (semihosting SYS_TIME) as this board's clock.
    let mut age = [0u8; 24];
    if let Ok(n) = read_file(c"max-list-age.txt", &mut age) {
        let max_age = core::str::from_utf8(age.get(..n).unwrap_or_default())
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .ok_or("max-list-age.txt is not a number of seconds")?;
        defmt::info!("status lists older than {} s cannot clear a badge", max_age);
        kiosk = kiosk.with_max_list_age(max_age);
    }
    let now = semihosting::sys::arm_compat::sys_time()
        .ok()
        .and_then(|t| u64::try_from(t).ok())
        .map(Clock::Real);

    let mut manifest = [0u8; 2048];
    let n = read_file(c"cards.txt", &mut manifest).map_err(|_| "cannot read cards.txt")?;
    let manifest = core::str::from_utf8(manifest.get(..n).unwrap_or_default())
        .map_err(|_| "cards.txt is not text")?;
    let mut reader = HostCards {
        manifest: manifest.lines(),
        name: heapless::String::new(),
    };
    let mut uid = [0u8; MAX_UID_LEN];
    let mut memory = [0u8; MAX_CARD_MEMORY];
    loop {
        memory.fill(0);
        let card = match reader.next_card(&mut uid, &mut memory) {
            Ok(Some(card)) => card,
            Ok(None) => break,
            Err(e) => {
                defmt::error!("card {}: unreadable ({})", reader.name.as_str(), e);
                let _ = writeln!(
                    results,
                    "{} {} - 0",
                    reader.name,
                    Verdict::Unreadable.code()
                );
                continue;
            }
        };
        measure::repaint();
        let base = measure::depth_now();
        measure::bench_start();
        let (verdict, result) = kiosk.check(&card, now);
        measure::bench_end();
        // Stack the verify itself used, below its caller's frame.
        let stack = measure::high_water().saturating_sub(base);
        match &result {
            Ok(b) => defmt::info!(
                "{}: {} — serial {}, {}{}, stack {} bytes",
                reader.name.as_str(),
                verdict,
                b.claims.serial,
                b.claims.achievement_id,
                tessera_firmware::revocation_note(b),
                stack
            ),
            Err(e) => defmt::info!(
                "{}: {} ({}), stack {} bytes",
                reader.name.as_str(),
                verdict,
                e,
                stack
            ),
        }
        #[cfg(feature = "salty")]
        if let Ok(b) = &result {
            salty_compare(card.memory, b, &mut results);
        }
        let serial = result.as_ref().map_or(0, |b| b.claims.serial);
        writeln!(
            results,
            "{} {} {} {}",
            reader.name,
            verdict.code(),
            serial,
            stack
        )
        .map_err(|_| "too many cards")?;
    }
    fs::write(c"results.txt", results.as_bytes()).map_err(|_| "cannot write results.txt")?;
    Ok(())
}

#[entry]
fn main() -> ! {
    match run() {
        Ok(()) => semihosting::process::exit(0),
        Err(e) => {
            defmt::error!("kiosk stopped: {}", e);
            semihosting::process::exit(1)
        }
    }
}
