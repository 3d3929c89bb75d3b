//! Strict CBOR reading on top of `minicbor::Decoder`: definite lengths only,
//! bounded nesting and entry counts, duplicate-key detection, and errors that
//! carry the byte offset in the whole message.

use minicbor::Decoder;
use minicbor::data::Type;

use crate::error::{Error, Field};
use crate::sizes::{MAX_DEPTH, MAX_MAP_ENTRIES};

/// A map key as read from the input, for duplicate detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key<'a> {
    /// An integer key (CWT and COSE labels).
    Int(i128),
    /// A text key (CWT allows text claim names).
    Text(&'a str),
    /// Any other key type, compared by its encoded bytes.
    Other(&'a [u8]),
}

impl Key<'_> {
    /// The key as an `i64` label, if it is one.
    pub(crate) fn label(&self) -> Option<i64> {
        match *self {
            Key::Int(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }
}

/// A decoder over one buffer that reports offsets relative to the start of
/// the enclosing message (`base` is where this buffer starts in it).
pub(crate) struct Reader<'a> {
    dec: Decoder<'a>,
    base: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> Self {
        Self {
            dec: Decoder::new(bytes),
            base,
        }
    }

    /// The next byte, if any.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.dec.input().get(self.dec.position()).copied()
    }

    /// Step over `n` bytes the caller has already recognised.
    pub(crate) fn advance(&mut self, n: usize) {
        let to = self
            .dec
            .position()
            .saturating_add(n)
            .min(self.dec.input().len());
        self.dec.set_position(to);
    }

    /// Offset of the next item in the enclosing message.
    pub(crate) fn offset(&self) -> usize {
        self.base.saturating_add(self.dec.position())
    }

    /// True once every byte was read.
    pub(crate) fn at_end(&self) -> bool {
        self.dec.position() >= self.dec.input().len()
    }

    /// Fail with [`Error::TrailingBytes`] unless every byte was read.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.at_end() {
            Ok(())
        } else {
            Err(Error::TrailingBytes {
                offset: self.offset(),
            })
        }
    }

    pub(crate) fn malformed(&self) -> Error {
        Error::MalformedCbor {
            offset: self.offset(),
        }
    }

    fn malformed_at(offset: usize) -> Error {
        Error::MalformedCbor { offset }
    }

    /// The type of the next item.
    pub(crate) fn datatype(&self) -> Result<Type, Error> {
        self.dec.datatype().map_err(|_| self.malformed())
    }

    /// Read a definite-length map header with at most [`MAX_MAP_ENTRIES`]
    /// entries. `wrong` is the error for a non-map item.
    pub(crate) fn map(&mut self, wrong: Error) -> Result<usize, Error> {
        let offset = self.offset();
        match self.datatype()? {
            Type::Map => {}
            Type::MapIndef => return Err(Error::IndefiniteLength { offset }),
            _ => return Err(wrong),
        }
        match self.dec.map().map_err(|_| Self::malformed_at(offset))? {
            Some(n) if n <= MAX_MAP_ENTRIES as u64 => Ok(n as usize),
            Some(_) => Err(Error::TooManyEntries { offset }),
            None => Err(Error::IndefiniteLength { offset }),
        }
    }

    /// Read a definite-length array header of any length.
    pub(crate) fn array(&mut self, wrong: Error) -> Result<u64, Error> {
        let offset = self.offset();
        match self.datatype()? {
            Type::Array => {}
            Type::ArrayIndef => return Err(Error::IndefiniteLength { offset }),
            _ => return Err(wrong),
        }
        self.dec
            .array()
            .map_err(|_| Self::malformed_at(offset))?
            .ok_or(Error::IndefiniteLength { offset })
    }

    /// Read a definite-length byte string.
    pub(crate) fn bytes(&mut self, wrong: Error) -> Result<&'a [u8], Error> {
        let offset = self.offset();
        match self.datatype()? {
            Type::Bytes => self.dec.bytes().map_err(|_| Self::malformed_at(offset)),
            Type::BytesIndef => Err(Error::IndefiniteLength { offset }),
            _ => Err(wrong),
        }
    }

    /// Read a definite-length text string.
    pub(crate) fn str(&mut self, wrong: Error) -> Result<&'a str, Error> {
        let offset = self.offset();
        match self.datatype()? {
            Type::String => self.dec.str().map_err(|_| Self::malformed_at(offset)),
            Type::StringIndef => Err(Error::IndefiniteLength { offset }),
            _ => Err(wrong),
        }
    }

    /// Read an unsigned integer.
    pub(crate) fn u64(&mut self, wrong: Error) -> Result<u64, Error> {
        let offset = self.offset();
        match self.datatype()? {
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
                self.dec.u64().map_err(|_| Self::malformed_at(offset))
            }
            _ => Err(wrong),
        }
    }

    /// Read a signed integer that fits an `i64`.
    pub(crate) fn i64(&mut self, wrong: Error) -> Result<i64, Error> {
        let offset = self.offset();
        match self.datatype()? {
            t if is_int(t) => {
                let v = self.dec.int().map_err(|_| Self::malformed_at(offset))?;
                i64::try_from(v).map_err(|_| wrong)
            }
            _ => Err(wrong),
        }
    }

    /// Read a map key (integer, text, or anything else by its bytes).
    pub(crate) fn key(&mut self) -> Result<Key<'a>, Error> {
        let offset = self.offset();
        match self.datatype()? {
            t if is_int(t) => {
                let v = self.dec.int().map_err(|_| Self::malformed_at(offset))?;
                Ok(Key::Int(i128::from(v)))
            }
            Type::String => Ok(Key::Text(self.str(Self::malformed_at(offset))?)),
            _ => {
                let start = self.dec.position();
                self.skip(MAX_DEPTH)?;
                let end = self.dec.position();
                let raw = self
                    .dec
                    .input()
                    .get(start..end)
                    .ok_or(Self::malformed_at(offset))?;
                Ok(Key::Other(raw))
            }
        }
    }

    /// Skip one item of any type, rejecting indefinite lengths and nesting
    /// below `depth` levels of [`MAX_DEPTH`].
    pub(crate) fn skip(&mut self, depth: usize) -> Result<(), Error> {
        let offset = self.offset();
        if depth > MAX_DEPTH {
            return Err(Error::TooDeep { offset });
        }
        match self.datatype()? {
            Type::ArrayIndef | Type::MapIndef | Type::BytesIndef | Type::StringIndef => {
                Err(Error::IndefiniteLength { offset })
            }
            Type::Array => {
                let n = self.array(Self::malformed_at(offset))?;
                for _ in 0..n {
                    self.skip(depth + 1)?;
                }
                Ok(())
            }
            Type::Map => {
                let n = self
                    .dec
                    .map()
                    .map_err(|_| Self::malformed_at(offset))?
                    .ok_or(Error::IndefiniteLength { offset })?;
                for _ in 0..n {
                    self.skip(depth + 1)?;
                    self.skip(depth + 1)?;
                }
                Ok(())
            }
            Type::Tag => {
                self.dec.tag().map_err(|_| Self::malformed_at(offset))?;
                self.skip(depth + 1)
            }
            Type::Break | Type::Unknown(_) => Err(Self::malformed_at(offset)),
            _ => self.dec.skip().map_err(|_| Self::malformed_at(offset)),
        }
    }

    /// Read a CBOR tag number.
    pub(crate) fn tag(&mut self, wrong: Error) -> Result<u64, Error> {
        let offset = self.offset();
        match self.datatype()? {
            Type::Tag => Ok(self
                .dec
                .tag()
                .map_err(|_| Self::malformed_at(offset))?
                .as_u64()),
            _ => Err(wrong),
        }
    }
}

/// Is `t` an integer (major type 0 or 1, any width)?
fn is_int(t: Type) -> bool {
    matches!(
        t,
        Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::I8
            | Type::I16
            | Type::I32
            | Type::I64
            | Type::Int
    )
}

/// Remembers the keys of one map to reject duplicates, without allocating.
pub(crate) struct SeenKeys<'a> {
    keys: heapless::Vec<Key<'a>, MAX_MAP_ENTRIES>,
}

impl<'a> SeenKeys<'a> {
    pub(crate) const fn new() -> Self {
        Self {
            keys: heapless::Vec::new(),
        }
    }

    /// Record `key`, read at `offset`; fail if it was seen before.
    pub(crate) fn insert(&mut self, key: Key<'a>, offset: usize) -> Result<(), Error> {
        if self.keys.contains(&key) {
            return Err(Error::DuplicateKey { offset });
        }
        // The map header was already limited to MAX_MAP_ENTRIES entries.
        self.keys
            .push(key)
            .map_err(|_| Error::TooManyEntries { offset })
    }
}

/// Convenience: the error for a wrong-typed field.
pub(crate) const fn invalid(field: Field) -> Error {
    Error::InvalidField(field)
}
