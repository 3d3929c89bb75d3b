//! The kiosk verifier shared by both boards: a [`CardReader`] trait the
//! board implements, and [`Kiosk::check`], which turns a card into one of
//! six verdicts with the badge summary.
#![no_std]

use tessera_core::{Error, StatusList, TrustStore, VerifiedBadge, verify_card_image};

/// Largest card a kiosk reads: an NTAG216's user memory.
pub const MAX_CARD_MEMORY: usize = 888;

/// Longest ISO 14443-3 UID.
pub const MAX_UID_LEN: usize = 10;

/// One card as the reader saw it.
#[derive(Debug, defmt::Format)]
pub struct CardRead<'b> {
    /// The UID the reader reported.
    pub uid: &'b [u8],
    /// User memory from page 4.
    pub memory: &'b [u8],
}

/// What a board's NFC front end provides: the next card presented.
pub trait CardReader {
    /// Why reading failed.
    type Error: defmt::Format;

    /// Read the next card into `uid` and `memory`; `Ok(None)` when there
    /// are no more cards (end of a test run).
    fn next_card<'b>(
        &mut self,
        uid: &'b mut [u8; MAX_UID_LEN],
        memory: &'b mut [u8; MAX_CARD_MEMORY],
    ) -> Result<Option<CardRead<'b>>, Self::Error>;
}

/// The verdict on the kiosk's display: the core's one classification, so
/// the kiosk and the desk can never disagree about a badge.
pub use tessera_core::Verdict;

/// A kiosk: its trusted issuers and the newest signed status list.
pub struct Kiosk<'s, const N: usize> {
    trust: TrustStore<N>,
    status: Option<StatusList<'s>>,
}

impl<'s, const N: usize> Kiosk<'s, N> {
    /// A kiosk with these issuers and (if it has one) a verified status list.
    pub fn new(trust: TrustStore<N>, status: Option<StatusList<'s>>) -> Self {
        Self { trust, status }
    }

    /// The trusted issuers.
    pub fn trust(&self) -> &TrustStore<N> {
        &self.trust
    }

    /// Check a card. The kiosk has no real-time clock: the status list's
    /// issue time is its time floor for expiry.
    pub fn check<'c>(&self, card: &CardRead<'c>) -> (Verdict, Result<VerifiedBadge<'c>, Error>) {
        let result = verify_card_image(
            card.memory,
            card.uid,
            &self.trust,
            None,
            self.status.as_ref(),
        );
        (Verdict::of(&result), result)
    }
}
