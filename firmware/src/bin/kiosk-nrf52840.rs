//! The kiosk on a real board: nRF52840 with a PN532 NFC front end on I2C
//! (TWIM0: SDA P0.26, SCL P0.27), logs over RTT (`probe-rs run`). The trusted
//! issuer keys and the signed status list are compiled in from
//! `provision/` (replace them with your center's files and rebuild).
//! Wiring and flashing: see README.md in this folder.
#![no_std]
#![no_main]

use core::convert::Infallible;

use defmt_rtt as _;
use embassy_executor::Spawner;
use embassy_nrf::twim::{self, Twim};
use embassy_nrf::{bind_interrupts, peripherals};
use embassy_time::{Duration, Instant, Timer};
use panic_probe as _;
use pn532::i2c::I2CInterface;
use pn532::{CountDown, Pn532, Request};
use tessera_core::ndef::{CC_PAGE, CardType};
use tessera_core::{PublicKey, TrustStore};
use tessera_firmware::{CardRead, CardReader, Clock, Kiosk, MAX_CARD_MEMORY, MAX_UID_LEN};

bind_interrupts!(struct Irqs {
    TWISPI0 => twim::InterruptHandler<peripherals::TWISPI0>;
});

/// Trusted issuer keys, 32 bytes each (from `provision/trust.bin`).
static TRUSTED_KEYS: &[u8] = include_bytes!("../../provision/trust.bin");
/// The newest signed status lists (from `provision/status.cbor`, a CBOR
/// sequence as `tessera status-list` writes it).
static STATUS_LIST: &[u8] = include_bytes!("../../provision/status.cbor");

/// Oldest status list that may clear a badge: a week, for a desk that
/// republishes its lists daily (set it a little above your desk's rhythm).
/// Past it the kiosk says "the revocation list is out of date" until it is
/// provisioned with the newest lists.
const MAX_LIST_AGE: u64 = 7 * 86_400;

/// The PN532 driver's count-down timer on embassy-time.
struct Deadline(Instant);

impl CountDown for Deadline {
    type Time = Duration;

    fn start<T: Into<Duration>>(&mut self, count: T) {
        self.0 = Instant::now() + count.into();
    }

    fn wait(&mut self) -> pn532::nb::Result<(), Infallible> {
        if Instant::now() >= self.0 {
            Ok(())
        } else {
            Err(pn532::nb::Error::WouldBlock)
        }
    }
}

/// Why the PN532 could not read a card.
#[derive(defmt::Format)]
enum ReadError {
    /// The PN532 did not answer or answered wrongly.
    FrontEnd,
    /// The card answered a READ with an error (it left, or is not an NTAG).
    Card,
    /// The capability container is not an NTAG213/215/216's.
    NotNtag,
}

struct Pn532Reader {
    pn532: Pn532<I2CInterface<Twim<'static>>, Deadline, 32>,
}

impl Pn532Reader {
    /// 16 bytes (4 pages) from `page`.
    fn read(&mut self, page: u8) -> Result<[u8; 16], ReadError> {
        let resp = self
            .pn532
            .process(&Request::ntag_read(page), 17, Duration::from_millis(50))
            .map_err(|_| ReadError::FrontEnd)?;
        match resp.split_first() {
            Some((0, data)) => data.try_into().map_err(|_| ReadError::Card),
            _ => Err(ReadError::Card),
        }
    }
}

impl CardReader for Pn532Reader {
    type Error = ReadError;

    fn next_card<'b>(
        &mut self,
        uid: &'b mut [u8; MAX_UID_LEN],
        memory: &'b mut [u8; MAX_CARD_MEMORY],
    ) -> Result<Option<CardRead<'b>>, ReadError> {
        // Wait (in 1 s polls) for an ISO 14443-A card.
        let uid_len = loop {
            match self.pn532.process(
                &Request::INLIST_ONE_ISO_A_TARGET,
                17,
                Duration::from_millis(1000),
            ) {
                // [targets, tg, SENS_RES (2), SEL_RES, NFCID length, NFCID...]
                Ok(resp) if resp.first() == Some(&1) => {
                    let len =
                        usize::from(*resp.get(5).ok_or(ReadError::FrontEnd)?).min(MAX_UID_LEN);
                    let id = resp.get(6..6 + len).ok_or(ReadError::FrontEnd)?;
                    uid.get_mut(..len)
                        .ok_or(ReadError::FrontEnd)?
                        .copy_from_slice(id);
                    break len;
                }
                _ => continue,
            }
        };
        let first = self.read(CC_PAGE)?;
        let card = CardType::from_cc_page(&first).map_err(|_| ReadError::NotNtag)?;
        let user = card.user_bytes().min(MAX_CARD_MEMORY);
        let mut have = 12;
        memory
            .get_mut(..12)
            .ok_or(ReadError::Card)?
            .copy_from_slice(&first[4..]);
        // Read only as far as the NDEF TLV says, like the desk app does.
        let wanted = tessera_core::ndef::image_len_hint(memory.get(..12).unwrap_or_default())
            .unwrap_or(user)
            .min(user);
        let mut page = CC_PAGE + 4;
        while have < wanted {
            let chunk = self.read(page)?;
            let n = chunk.len().min(user - have);
            memory
                .get_mut(have..have + n)
                .ok_or(ReadError::Card)?
                .copy_from_slice(chunk.get(..n).unwrap_or_default());
            have += n;
            page += 4;
        }
        Ok(Some(CardRead {
            uid: uid.get(..uid_len).unwrap_or_default(),
            memory: memory.get(..have).unwrap_or_default(),
        }))
    }
}

#[embassy_executor::main]
async fn main(_spawner: Spawner) {
    let p = embassy_nrf::init(Default::default());
    static TX_BUF: static_cell::StaticCell<[u8; 16]> = static_cell::StaticCell::new();
    let twim = Twim::new(
        p.TWISPI0,
        Irqs,
        p.P0_26,
        p.P0_27,
        twim::Config::default(),
        TX_BUF.init([0; 16]),
    );
    let mut reader = Pn532Reader {
        pn532: Pn532::new(I2CInterface { i2c: twim }, Deadline(Instant::now())),
    };
    if reader
        .pn532
        .process(
            &Request::sam_configuration(pn532::requests::SAMMode::Normal, false),
            0,
            Duration::from_millis(50),
        )
        .is_err()
    {
        defmt::error!("no PN532 on I2C: check the wiring (README.md)");
    }

    let mut trust: TrustStore<4> = TrustStore::new();
    for key in TRUSTED_KEYS.chunks_exact(32) {
        match PublicKey::try_from(key).map(|k| trust.add(k)) {
            Ok(Ok(kid)) => defmt::info!("trusting issuer {}", kid),
            _ => defmt::error!("provisioned trust key is invalid or too many keys"),
        }
    }
    let (lists, rejected) = tessera_firmware::load_status_lists(STATUS_LIST, &trust);
    defmt::info!("{} status list(s), {} rejected", lists.len(), rejected);
    let kiosk = Kiosk::new(trust, &lists, !STATUS_LIST.is_empty() && rejected == 0)
        .with_max_list_age(MAX_LIST_AGE);
    // No real-time clock: the newest list's time, plus the time since boot
    // (the lists are compiled in, so they are at least that old), bounds
    // the time from below.
    let loaded_at = kiosk.newest_list();
    defmt::info!("kiosk ready: tap a badge card");

    let mut uid = [0u8; MAX_UID_LEN];
    let mut memory = [0u8; MAX_CARD_MEMORY];
    loop {
        match reader.next_card(&mut uid, &mut memory) {
            Ok(Some(card)) => {
                // No real-time clock: a lower bound on the time.
                let now =
                    loaded_at.map(|t| Clock::AtLeast(t.saturating_add(Instant::now().as_secs())));
                let (verdict, result) = kiosk.check(&card, now);
                match result {
                    Ok(b) => defmt::info!(
                        "{}: serial {} {}{}",
                        verdict,
                        b.claims.serial,
                        b.claims.achievement_id,
                        tessera_firmware::revocation_note(&b)
                    ),
                    Err(e) => defmt::info!("{}: {}", verdict, e),
                }
            }
            Ok(None) => {}
            Err(e) => defmt::warn!("card not read: {}", e),
        }
        // Give the holder time to take the card away before the next read.
        Timer::after(Duration::from_millis(1500)).await;
    }
}
