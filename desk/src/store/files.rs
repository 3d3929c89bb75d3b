//! Files the desk reads and writes: atomic writes (a temp file with a
//! random name created exclusively, fsync, rename), one bounded reader
//! for every file it takes in, private folders and files, and passphrase
//! files, each done one way for every command and screen.

use std::io::{Read, Write};
use std::path::Path;

use super::secret::Secret;

/// The largest input file the desk reads (baked images are under 100 KB).
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The largest file of any other kind the desk takes in (a results table
/// of a million rows, another center's lists, a site's page).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

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
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    // A random name, created exclusively (O_EXCL: never an existing file
    // or a link planted there), mode 0600 until it is complete.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tessera-")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(err(dir))?;
    #[cfg(unix)]
    if !private {
        use std::os::unix::fs::PermissionsExt as _;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(err(tmp.path()))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    tmp.write_all(bytes).map_err(err(path))?;
    tmp.as_file().sync_all().map_err(err(path))?;
    tmp.persist(path).map_err(|e| err(path)(e.error))?;
    Ok(())
}

/// Create a folder (and its parents).
pub fn create_dir(path: &Path) -> Result<(), FileError> {
    std::fs::create_dir_all(path).map_err(err(path))
}

/// Create a folder only its owner may enter (mode 0700 on Unix), or make
/// an existing one so: the data directory, with the ledger (recipients,
/// claim codes) and the keys in it.
pub fn create_private_dir(path: &Path) -> Result<(), FileError> {
    create_dir(path)?;
    match make_private(path, 0o700) {
        // A folder another user owns (a desk account's, set up that way)
        // keeps its mode; whether this user may write there is the
        // ledger's to say, with what to do.
        Err(e) if e.source.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        other => other,
    }
}

/// Give a file or folder to its owner alone (`mode`: 0600 for a file,
/// 0700 for a folder; nothing on systems without Unix modes).
pub fn make_private(path: &Path, mode: u32) -> Result<(), FileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(err(path))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// Read a whole file the desk takes in: a regular file of at most
/// [`MAX_FILE_BYTES`] (see [`read_at_most`]).
pub fn read(path: &Path) -> Result<Vec<u8>, FileError> {
    read_at_most(path, MAX_FILE_BYTES)
}

/// Read a regular file of at most `limit` bytes. A device, a pipe or a
/// folder is refused by name (`/dev/zero` never ends), and so is a larger
/// file, also one that grows while it is read.
pub fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let refused = |why: String| FileError {
        path: path.display().to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, why),
    };
    let f = std::fs::File::open(path).map_err(err(path))?;
    let meta = f.metadata().map_err(err(path))?;
    if !meta.is_file() {
        return Err(refused(
            "not a regular file (a folder, device or pipe); give a file".into(),
        ));
    }
    if meta.len() > limit {
        return Err(refused(format!(
            "{} bytes, more than the {limit} a file of this kind may have",
            meta.len()
        )));
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    f.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(err(path))?;
    if buf.len() as u64 > limit {
        return Err(refused(format!(
            "it grew past the {limit} bytes a file of this kind may have while it was read"
        )));
    }
    Ok(buf)
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
    Ok(Ok(read_at_most(path, MAX_INPUT_BYTES)?))
}

/// A passphrase from a file: the whole file but its final line ending
/// (`\n` or `\r\n`; spaces are part of the passphrase). The one rule for the
/// CLI and the app.
pub fn read_passphrase_file(path: &Path) -> Result<Secret, FileError> {
    let bytes = zeroize::Zeroizing::new(read_at_most(path, 64 * 1024)?);
    let text = std::str::from_utf8(&bytes).map_err(|_| FileError {
        path: path.display().to_string(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the passphrase file is not UTF-8 text",
        ),
    })?;
    Ok(Secret::from(passphrase_line(text)))
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

    #[test]
    fn reading_refuses_devices_folders_and_files_over_the_limit() {
        #![allow(clippy::unwrap_used)]
        let dir = tempfile::tempdir().unwrap();
        let err = super::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        #[cfg(unix)]
        {
            let err = super::read(std::path::Path::new("/dev/zero"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("not a regular file"), "{err}");
        }
        let file = dir.path().join("big");
        std::fs::write(&file, [0u8; 100]).unwrap();
        assert_eq!(super::read_at_most(&file, 100).unwrap().len(), 100);
        let err = super::read_at_most(&file, 99).unwrap_err().to_string();
        assert!(err.contains("more than the 99"), "{err}");
    }

    #[test]
    fn atomic_writes_leave_no_temp_file_and_keep_private_files_private() {
        #![allow(clippy::unwrap_used)]
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("index.html");
        let secret = dir.path().join("ledger-url");
        // A link planted where an old, predictable temp name would be is
        // neither followed nor overwritten.
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            "/etc/passwd-not-here",
            dir.path().join("ledger-url.partial"),
        )
        .unwrap();
        super::write_atomic(&public, b"page").unwrap();
        super::write_private(&secret, b"postgres://u:p@h/db").unwrap();
        assert_eq!(std::fs::read(&public).unwrap(), b"page");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".tessera-"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode =
                |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&secret), 0o600);
            assert_eq!(mode(&public), 0o644);
            super::create_private_dir(&dir.path().join("home")).unwrap();
            assert_eq!(mode(&dir.path().join("home")), 0o700);
        }
    }
}
