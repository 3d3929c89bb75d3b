//! The NTAG21x cards Tessera writes: their names and memory sizes. A leaf
//! of the crate (it imports nothing from it), so errors can name a card
//! without a circle; reading a card's capability container, which can
//! fail, is in [`ndef`](crate::ndef).

/// The NTAG21x cards Tessera writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CardType {
    /// NTAG213: 144 bytes of user memory.
    Ntag213,
    /// NTAG215: 504 bytes of user memory, 496 of them announced for NDEF.
    Ntag215,
    /// NTAG216: 888 bytes of user memory, 872 of them announced for NDEF.
    Ntag216,
}

impl CardType {
    /// Every type, smallest first.
    pub const ALL: [CardType; 3] = [CardType::Ntag213, CardType::Ntag215, CardType::Ntag216];

    /// The marketing name, as printed on the card.
    pub const fn name(self) -> &'static str {
        match self {
            CardType::Ntag213 => "NTAG213",
            CardType::Ntag215 => "NTAG215",
            CardType::Ntag216 => "NTAG216",
        }
    }

    /// Bytes of user memory (pages 4 to [`CardType::last_user_page`]).
    pub const fn user_bytes(self) -> usize {
        match self {
            CardType::Ntag213 => 144,
            CardType::Ntag215 => 504,
            CardType::Ntag216 => 888,
        }
    }

    /// Bytes the capability container announces for NDEF data: the most a
    /// card image may take.
    pub const fn ndef_capacity(self) -> usize {
        self.cc_size_byte() as usize * 8
    }

    pub(crate) const fn cc_size_byte(self) -> u8 {
        match self {
            CardType::Ntag213 => 0x12,
            CardType::Ntag215 => 0x3e,
            CardType::Ntag216 => 0x6d,
        }
    }

    /// The smallest card a card image of `len` bytes fits.
    pub fn smallest_for(len: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|t| len <= t.ndef_capacity())
    }
}

impl core::fmt::Display for CardType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
