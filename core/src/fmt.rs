//! Logging macros: forward to `defmt` with the `defmt` feature, compile to
//! nothing without it (the approach embassy uses).
#![allow(unused_macros)]
// Used through `#[macro_use]` on the module: a `use` of `warn` would clash
// with the built-in attribute of that name.

#[cfg(feature = "defmt")]
macro_rules! trace {
    ($($arg:tt)*) => { ::defmt::trace!($($arg)*) };
}
#[cfg(not(feature = "defmt"))]
macro_rules! trace {
    ($($arg:tt)*) => {{}};
}

#[cfg(feature = "defmt")]
macro_rules! debug {
    ($($arg:tt)*) => { ::defmt::debug!($($arg)*) };
}
#[cfg(not(feature = "defmt"))]
macro_rules! debug {
    ($($arg:tt)*) => {{}};
}

#[cfg(feature = "defmt")]
macro_rules! warn {
    ($($arg:tt)*) => { ::defmt::warn!($($arg)*) };
}
#[cfg(not(feature = "defmt"))]
macro_rules! warn {
    ($($arg:tt)*) => {{}};
}
