//! A virtual NTAG213/215/216 for the real PC/SC stack: it connects to
//! `vpcd` (vsmartcard's virtual reader driver for `pcscd`) as a card, keeps
//! the tag's full page memory, and answers the PC/SC storage-card
//! pseudo-APDUs the way an ACR122U-class reader with an NTAG21x does.
//!
//! vpcd protocol: every frame is a 2-byte big-endian length and the data.
//! One-byte frames are control (0 power off, 1 power on, 2 reset, 4 "send
//! the ATR"); every other frame is a command APDU, answered with a framed
//! response APDU.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use tessera_core::CardType;

/// The ATR of a PC/SC storage card (NXP Mifare Ultralight / NTAG family).
pub const ATR: [u8; 20] = [
    0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x03, 0x00,
    0x00, 0x00, 0x00, 0x68,
];

/// Where vpcd listens by default (`/etc/reader.conf.d/vpcd`: port 0x8C7B).
pub const VPCD_ADDR: &str = "127.0.0.1:35963";

const SW_OK: [u8; 2] = [0x90, 0x00];
const SW_WRONG_LENGTH: [u8; 2] = [0x67, 0x00];
const SW_NOT_ALLOWED: [u8; 2] = [0x69, 0x82];
const SW_BAD_ADDRESS: [u8; 2] = [0x6a, 0x82];
const SW_BAD_P1P2: [u8; 2] = [0x6a, 0x86];
const SW_INS_NOT_SUPPORTED: [u8; 2] = [0x6d, 0x00];
const SW_CLA_NOT_SUPPORTED: [u8; 2] = [0x6e, 0x00];

/// Total pages of each tag, user memory plus the configuration pages.
pub fn total_pages(card: CardType) -> usize {
    match card {
        CardType::Ntag213 => 45,
        CardType::Ntag215 => 135,
        CardType::Ntag216 => 231,
    }
}

/// A factory-fresh tag's memory: UID and check bytes in pages 0 to 2, the
/// capability container in page 3, an empty NDEF message in page 4.
pub fn factory_memory(card: CardType, uid: &[u8; 7]) -> Vec<u8> {
    let mut mem = vec![0u8; total_pages(card) * 4];
    let bcc0 = 0x88 ^ uid[0] ^ uid[1] ^ uid[2];
    let bcc1 = uid[3] ^ uid[4] ^ uid[5] ^ uid[6];
    mem[..12].copy_from_slice(&[
        uid[0], uid[1], uid[2], bcc0, uid[3], uid[4], uid[5], uid[6], bcc1, 0x48, 0x00, 0x00,
    ]);
    mem[12..16].copy_from_slice(&card.capability_container());
    mem[16..20].copy_from_slice(&[0x03, 0x00, 0xfe, 0x00]);
    mem
}

/// How the virtual card behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// NTAG213, 215 or 216.
    pub card: CardType,
    /// The 7-byte UID.
    pub uid: [u8; 7],
    /// The whole page memory to start from (a factory-fresh tag if `None`).
    pub memory: Option<Vec<u8>>,
    /// Leave the reader when the write after this many writes arrives,
    /// without answering it: a card pulled away mid-write.
    pub vanish_after_writes: Option<usize>,
    /// vpcd's address.
    pub addr: String,
}

impl Config {
    /// A fresh card of `card` type with `uid`, on the default vpcd.
    pub fn new(card: CardType, uid: [u8; 7]) -> Self {
        Self {
            card,
            uid,
            memory: None,
            vanish_after_writes: None,
            addr: VPCD_ADDR.to_string(),
        }
    }
}

/// A virtual card on the virtual reader, answering from a thread.
pub struct VirtualCard {
    memory: Arc<Mutex<Vec<u8>>>,
    writes: Arc<AtomicUsize>,
    vanished: Arc<AtomicBool>,
    stream: TcpStream,
    thread: Option<JoinHandle<()>>,
}

fn lock(m: &Mutex<Vec<u8>>) -> MutexGuard<'_, Vec<u8>> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl VirtualCard {
    /// Put the card on the reader: connect to vpcd and start answering.
    pub fn insert(config: Config) -> io::Result<Self> {
        let stream = TcpStream::connect(&config.addr)?;
        // Without it every APDU round trip waits for Nagle's delayed ACK.
        stream.set_nodelay(true)?;
        let mut memory = config
            .memory
            .clone()
            .unwrap_or_else(|| factory_memory(config.card, &config.uid));
        memory.resize(total_pages(config.card) * 4, 0);
        let memory = Arc::new(Mutex::new(memory));
        let writes = Arc::new(AtomicUsize::new(0));
        let vanished = Arc::new(AtomicBool::new(false));
        let thread = {
            let (memory, writes, vanished) = (memory.clone(), writes.clone(), vanished.clone());
            let mut stream = stream.try_clone()?;
            std::thread::spawn(move || {
                let _ = serve(&mut stream, &config, &memory, &writes, &vanished);
                let _ = stream.shutdown(Shutdown::Both);
            })
        };
        Ok(Self {
            memory,
            writes,
            vanished,
            stream,
            thread: Some(thread),
        })
    }

    /// The whole page memory now.
    pub fn memory(&self) -> Vec<u8> {
        lock(&self.memory).clone()
    }

    /// User memory (from page 4) now.
    pub fn user_memory(&self, card: CardType) -> Vec<u8> {
        lock(&self.memory)[16..16 + card.user_bytes()].to_vec()
    }

    /// Change one byte of user memory directly, as someone editing the card
    /// with another tool would.
    pub fn poke_user_byte(&self, offset: usize, value: u8) {
        lock(&self.memory)[16 + offset] = value;
    }

    /// Pages written so far.
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    /// Did the card leave the reader by itself (`vanish_after_writes`)?
    pub fn vanished(&self) -> bool {
        self.vanished.load(Ordering::SeqCst)
    }

    /// Take the card off the reader; returns its memory.
    pub fn remove(mut self) -> Vec<u8> {
        self.stop();
        self.memory()
    }

    fn stop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(
    stream: &mut TcpStream,
    config: &Config,
    memory: &Mutex<Vec<u8>>,
    writes: &AtomicUsize,
    vanished: &AtomicBool,
) -> io::Result<()> {
    let sock = socket2::SockRef::from(&*stream);
    let mut stream: &TcpStream = stream;
    loop {
        // vpcd sends a frame's length and its data in two writes, and its
        // socket uses Nagle: the data waits for our ACK of the length. Linux
        // delays that ACK by up to 40 ms unless asked not to, every time.
        sock.set_tcp_quickack(true)?;
        let mut len = [0u8; 2];
        stream.read_exact(&mut len)?;
        sock.set_tcp_quickack(true)?;
        let mut frame = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut frame)?;
        let reply: Vec<u8> = match frame.as_slice() {
            [0] | [1] | [2] => continue, // power off / on / reset: nothing to answer
            [4] => ATR.to_vec(),
            [_] => continue,
            apdu => {
                if is_write(apdu)
                    && config
                        .vanish_after_writes
                        .is_some_and(|n| writes.load(Ordering::SeqCst) >= n)
                {
                    vanished.store(true, Ordering::SeqCst);
                    return Ok(());
                }
                answer(apdu, config, &mut lock(memory), writes)
            }
        };
        let mut out = Vec::with_capacity(reply.len() + 2);
        out.extend_from_slice(&(reply.len() as u16).to_be_bytes());
        out.extend_from_slice(&reply);
        stream.write_all(&out)?;
    }
}

fn is_write(apdu: &[u8]) -> bool {
    matches!(apdu, [0xff, 0xd6, ..])
}

/// Answer one APDU from the card's memory.
pub fn answer(apdu: &[u8], config: &Config, memory: &mut [u8], writes: &AtomicUsize) -> Vec<u8> {
    let pages = total_pages(config.card);
    let last_user = usize::from(config.card.last_user_page());
    match apdu {
        // GET DATA: UID
        [0xff, 0xca, 0x00, 0x00, 0x00] => [&config.uid[..], &SW_OK].concat(),
        [0xff, 0xca, ..] => SW_BAD_P1P2.to_vec(),
        // READ BINARY: 16 bytes (4 pages) from a page, rolling over like NTAG READ.
        [0xff, 0xb0, 0x00, page, 0x10] => {
            let page = usize::from(*page);
            if page >= pages {
                return SW_BAD_ADDRESS.to_vec();
            }
            let mut out: Vec<u8> = (0..16)
                .map(|i| memory[(page * 4 + i) % (pages * 4)])
                .collect();
            out.extend_from_slice(&SW_OK);
            out
        }
        [0xff, 0xb0, 0x00, _, _] => SW_WRONG_LENGTH.to_vec(),
        // UPDATE BINARY: one page.
        [0xff, 0xd6, 0x00, page, 0x04, data @ ..] if data.len() == 4 => {
            let page = usize::from(*page);
            if !(4..=last_user).contains(&page) {
                return if page < 4 {
                    SW_NOT_ALLOWED.to_vec()
                } else {
                    SW_BAD_ADDRESS.to_vec()
                };
            }
            memory[page * 4..page * 4 + 4].copy_from_slice(data);
            writes.fetch_add(1, Ordering::SeqCst);
            SW_OK.to_vec()
        }
        [0xff, 0xd6, ..] => SW_WRONG_LENGTH.to_vec(),
        [0xff, ..] => SW_INS_NOT_SUPPORTED.to_vec(),
        _ => SW_CLA_NOT_SUPPORTED.to_vec(),
    }
}
