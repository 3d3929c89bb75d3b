//! Files the desk reads and writes: atomic writes (temp file, fsync,
//! rename), inputs with a size cap, and passphrase files, each done one way
//! for every command and screen.

use std::io::{Read, Write};
use std::path::Path;

use super::secret::Secret;

/// The largest input file the desk reads (baked images are under 100 KB).
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// A file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("cannot use {path}: {source}")]
pub struct FileError {
    /// The path (or "standard input").
    pub path: String,
    /// The cause.
    #[source]
    pub source: std::io::Error,
}

fn err(path: &Path) -> impl FnOnce(std::io::Error) -> FileError + '_ {
    move |source| FileError {
        path: path.display().to_string(),
        source,
    }
}

/// Write a file atomically: a temp file next to it, fsync, rename. A crash
/// leaves the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_new(path, bytes, false)
}

/// [`write_atomic`] for a file only its owner may read (mode 0600 on
/// Unix): a database URL with its password, say.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_new(path, bytes, true)
}

fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<(), FileError> {
    let tmp = path.with_extension("partial");
    if private {
        // A leftover temp file would keep its own (wider) mode.
        let _ = std::fs::remove_file(&tmp);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = options.open(&tmp).map_err(err(&tmp))?;
    f.write_all(bytes).map_err(err(&tmp))?;
    f.sync_all().map_err(err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(err(path))?;
    Ok(())
}

/// Create a folder (and its parents).
pub fn create_dir(path: &Path) -> Result<(), FileError> {
    std::fs::create_dir_all(path).map_err(err(path))
}

/// Read a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>, FileError> {
    std::fs::read(path).map_err(err(path))
}

/// Read an input file (or standard input for `-`), refusing anything over
/// [`MAX_INPUT_BYTES`] before reading it. `Ok(Err(size))` is a file too
/// large to be a badge.
pub fn read_input(input: &str) -> Result<Result<Vec<u8>, u64>, FileError> {
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(MAX_INPUT_BYTES)
            .read_to_end(&mut buf)
            .map_err(|source| FileError {
                path: "standard input".into(),
                source,
            })?;
        return Ok(Ok(buf));
    }
    let path = Path::new(input);
    let size = std::fs::metadata(path).map_err(err(path))?.len();
    if size > MAX_INPUT_BYTES {
        return Ok(Err(size));
    }
    Ok(Ok(read(path)?))
}

/// A passphrase from a file: the whole file but its final line ending
/// (`\n` or `\r\n`; spaces are part of the passphrase). The one rule for the
/// CLI and the app.
pub fn read_passphrase_file(path: &Path) -> Result<Secret, FileError> {
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(err(path))?);
    Ok(Secret::from(passphrase_line(&text)))
}

/// The passphrase in a file's text (see [`read_passphrase_file`]).
pub fn passphrase_line(text: &str) -> &str {
    let t = text.strip_suffix('\n').unwrap_or(text);
    t.strip_suffix('\r').unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::passphrase_line;

    #[test]
    fn a_passphrase_file_loses_only_its_line_ending() {
        assert_eq!(passphrase_line("secret\n"), "secret");
        assert_eq!(passphrase_line("secret\r\n"), "secret");
        assert_eq!(passphrase_line("secret"), "secret");
        assert_eq!(passphrase_line(" two words \n"), " two words ");
        assert_eq!(passphrase_line("a\n\n"), "a\n");
    }
}
