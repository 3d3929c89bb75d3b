//! The kiosk verifier shared by both boards: a [`CardReader`] trait the
//! board implements, and [`Kiosk::check`], which turns a card into one of
//! seven verdicts with the badge summary.
#![no_std]

use tessera_core::{Error, StatusList, TrustStore, VerifiedBadge, verify_card_image_lists};

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

/// Most status lists a kiosk holds: one per issuer key and segment of
/// 65,536 serials (`tessera status-list` writes every key's lists).
pub const MAX_STATUS_LISTS: usize = 8;

/// The verified status lists of a kiosk's `status.cbor` (a CBOR sequence of
/// signed lists, as `tessera status-list` writes it), and how many lists
/// in it were rejected (a list that does not verify, or one past
/// [`MAX_STATUS_LISTS`]); each rejection is logged with its reason.
pub fn load_status_lists<'s, const N: usize>(
    mut bytes: &'s [u8],
    trust: &TrustStore<N>,
) -> (heapless::Vec<StatusList<'s>, MAX_STATUS_LISTS>, usize) {
    let mut lists = heapless::Vec::new();
    let mut rejected = 0;
    while !bytes.is_empty() {
        let (one, rest) = match tessera_core::status::split_sequence(bytes) {
            Ok(split) => split,
            Err(e) => {
                defmt::warn!("status lists: the rest of the file is unreadable: {}", e);
                return (lists, rejected + 1);
            }
        };
        bytes = rest;
        match StatusList::verify(one, trust, None) {
            Ok(list) => {
                if lists.push(list).is_err() {
                    defmt::warn!("status lists: more than {} lists", MAX_STATUS_LISTS);
                    rejected += 1;
                }
            }
            Err(e) => {
                defmt::warn!("status list rejected: {}", e);
                rejected += 1;
            }
        }
    }
    (lists, rejected)
}

/// What the display adds to a VALID badge whose issuer has no list on this
/// kiosk: its revocation was not checked (never "not revoked").
pub fn revocation_note(badge: &VerifiedBadge<'_>) -> &'static str {
    if badge.revocation_checked {
        ""
    } else {
        " (revocation not checked: this kiosk holds no status list of its issuer)"
    }
}

/// A kiosk: its trusted issuers and their newest signed status lists.
pub struct Kiosk<'s, const N: usize> {
    trust: TrustStore<N>,
    lists: &'s [StatusList<'s>],
    lists_usable: bool,
    max_list_age: Option<u64>,
}

/// What a kiosk knows of the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A real-time clock, Unix seconds (QEMU: the host's, by semihosting).
    Real(u64),
    /// A lower bound on the time, Unix seconds: the time is no earlier
    /// (a board without a real-time clock: the newest list's issue time
    /// plus the time since the lists were loaded). It can prove a badge
    /// expired, never that one is not valid yet.
    AtLeast(u64),
}

impl Clock {
    /// The time it gives (for a lower bound, the bound).
    pub const fn seconds(self) -> u64 {
        match self {
            Clock::Real(t) | Clock::AtLeast(t) => t,
        }
    }
}

/// Has `badge` expired by `now`, a time the board knows it is at least?
fn expired_by(badge: &VerifiedBadge<'_>, now: Option<u64>) -> Result<(), Error> {
    match (now, badge.claims.expires) {
        (Some(t), Some(exp)) if t >= exp => Err(Error::Expired { exp }),
        _ => Ok(()),
    }
}

impl<'s, const N: usize> Kiosk<'s, N> {
    /// A kiosk with these issuers and their verified status lists (each
    /// badge is checked against the list its verifying key signed for its
    /// serial). `lists_usable` is false when the kiosk's lists file is
    /// missing or any list in it was rejected: the kiosk then fails closed,
    /// answering [`Error::StatusListMissing`] ("cannot check revocation",
    /// never VALID) for every badge its lists do not prove revoked.
    pub fn new(trust: TrustStore<N>, lists: &'s [StatusList<'s>], lists_usable: bool) -> Self {
        Self {
            trust,
            lists,
            lists_usable,
            max_list_age: None,
        }
    }

    /// Refuse to call a badge not revoked on a list older than `seconds`
    /// (the kiosk's configured age: a little more than the desk's
    /// publishing rhythm). Such a badge reads "the revocation list is out
    /// of date" ([`Error::StatusListStale`], EXPIRED), never VALID, until
    /// staff load the issuer's newest lists; what a stale list proves
    /// revoked stays revoked.
    pub fn with_max_list_age(mut self, seconds: u64) -> Self {
        self.max_list_age = Some(seconds);
        self
    }

    /// The newest issue time among the kiosk's lists: a lower bound on
    /// the time, for a board without a real-time clock.
    pub fn newest_list(&self) -> Option<u64> {
        self.lists.iter().map(StatusList::issued_at).max()
    }

    /// The trusted issuers.
    pub fn trust(&self) -> &TrustStore<N> {
        &self.trust
    }

    /// Check a card. Expiry is checked against the status lists' issue
    /// time (the kiosk needs no real-time clock), and against `clock` when
    /// the board knows the time ([`Clock`]): a real-time clock also tells a
    /// badge that is not valid yet; a lower bound (the newest list plus the
    /// time since the lists were loaded) only that one has expired. With
    /// [`Kiosk::with_max_list_age`], a list older than that age at the
    /// board's time cannot clear a badge.
    pub fn check<'c>(
        &self,
        card: &CardRead<'c>,
        clock: Option<Clock>,
    ) -> (Verdict, Result<VerifiedBadge<'c>, Error>) {
        let real = match clock {
            Some(Clock::Real(t)) => Some(t),
            _ => None,
        };
        let now = clock.map(Clock::seconds);
        let result = verify_card_image_lists(card.memory, card.uid, &self.trust, real, self.lists);
        let result = match result {
            // Its list may be the damaged one, or the missing one: unless
            // the badge fails on its own (a copied card, expired), the
            // kiosk cannot say it is not revoked.
            Ok(_) | Err(Error::NotInStatusList { .. }) if !self.lists_usable => {
                verify_card_image_lists(card.memory, card.uid, &self.trust, real, &[])
                    .and_then(|b| expired_by(&b, now).map(|()| b))
                    .and(Err(Error::StatusListMissing))
            }
            Ok(b) => expired_by(&b, now)
                .and_then(|()| self.fresh(&b, now))
                .map(|()| b),
            // A suspension may have been lifted since a stale list (only a
            // kiosk with a list age limit asks; the others take the list
            // as it is, without a second signature check).
            Err(Error::Suspended { .. }) if self.max_list_age.is_some() => {
                let bare = verify_card_image_lists(card.memory, card.uid, &self.trust, real, &[]);
                match bare {
                    Ok(b) => self.fresh(&b, now).and(result),
                    Err(_) => result,
                }
            }
            other => other,
        };
        (Verdict::of(&result), result)
    }

    /// Is the list that cleared `badge` young enough at `now`?
    fn fresh(&self, badge: &VerifiedBadge<'_>, now: Option<u64>) -> Result<(), Error> {
        let (Some(max_age), Some(floor)) = (self.max_list_age, now.max(self.newest_list())) else {
            return Ok(());
        };
        match tessera_core::status::select(self.lists, badge.issuer_key, badge.claims.serial) {
            Some(list) if floor >= list.issued_at().saturating_add(max_age) => {
                Err(Error::StatusListStale {
                    exp: list.issued_at().saturating_add(max_age),
                })
            }
            _ => Ok(()),
        }
    }
}
