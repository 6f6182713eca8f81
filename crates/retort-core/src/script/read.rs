//! Reading revision files from disk, with as few system calls as possible:
//! on 10,000 small files, opening and reading them is most of the time a
//! read-only command takes.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use super::file::{
    RevisionFileError, header_cut, parse_header_prefix, parse_revision, parse_revision_header,
};
use crate::revision::Revision;

/// How much of a revision file to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Depth {
    /// Only the keys the graph needs ([`super::parse_revision_header`]):
    /// the operations are left as [`crate::Operations::None`].
    Header,
    /// The whole file, operations included ([`parse_revision`]).
    Full,
}

/// Reads and parses the whole revision file at `path`.
pub fn read_revision_file(path: &Path) -> Result<Revision, RevisionFileError> {
    read_revision_file_to(path, Depth::Full)
}

/// Reads the revision file at `path` and parses it to `depth`.
///
/// For [`Depth::Header`] only the start of the file is read when it already
/// holds the whole header (the text before the first `[table]` line), which
/// saves a read per file; otherwise the whole file is read and parsed.
pub fn read_revision_file_to(path: &Path, depth: Depth) -> Result<Revision, RevisionFileError> {
    let failed = |source| RevisionFileError::Read {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(failed)?;
    let mut bytes = Vec::with_capacity(8192);
    let mut at_end = read_chunk(&mut file, &mut bytes).map_err(failed)?;
    if depth == Depth::Header && !at_end {
        let valid = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            // The chunk may end inside a multi-byte character.
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
        };
        if let Some(parsed) =
            header_cut(valid).and_then(|cut| parse_header_prefix(path, &valid[..cut]))
        {
            return parsed;
        }
    }
    while !at_end {
        at_end = read_chunk(&mut file, &mut bytes).map_err(failed)?;
    }
    let sum = checksum(&bytes);
    let text = into_text(bytes).map_err(failed)?;
    match depth {
        Depth::Header => parse_revision_header(path, &text),
        Depth::Full => parse_revision(path, &text).map(|mut rev| {
            rev.checksum = Some(sum);
            rev
        }),
    }
}

/// A stable checksum of a revision file's bytes: 64-bit FNV-1a, in hex,
/// prefixed with its name. It tells a file edited after it was applied from
/// the one that ran.
pub fn checksum(bytes: &[u8]) -> String {
    format!("fnv1a64:{:016x}", fnv1a64(bytes))
}

/// FNV-1a: a stable 64-bit hash, the same in every build and run.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Appends what one `read` gives to `bytes`; true at end of file.
fn read_chunk(file: &mut File, bytes: &mut Vec<u8>) -> std::io::Result<bool> {
    if bytes.len() == bytes.capacity() {
        bytes.reserve(bytes.capacity().max(4096));
    }
    let len = bytes.len();
    bytes.resize(bytes.capacity(), 0);
    loop {
        match file.read(&mut bytes[len..]) {
            Ok(n) => {
                bytes.truncate(len + n);
                return Ok(n == 0);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                bytes.truncate(len);
                return Err(e);
            }
        }
    }
}

fn into_text(bytes: Vec<u8>) -> std::io::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            ErrorKind::InvalidData,
            format!(
                "the file is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_is_stable() {
        assert_eq!(checksum(b""), "fnv1a64:cbf29ce484222325");
        assert_eq!(checksum(b"a"), "fnv1a64:af63dc4c8601ec8c");
    }

    #[test]
    fn header_and_full_reads_agree_on_large_and_small_files() {
        let tmp = tempfile::tempdir().unwrap();
        let long_message = "é".repeat(10_000);
        let cases = [
            (
                "small",
                "revision = \"a\"\n[[upgrade]]\nop = \"execute\"\nsql = \"x\"\n".to_owned(),
            ),
            (
                "no_ops",
                "revision = \"a\"\ndown_revision = \"b\"\n".to_owned(),
            ),
            (
                "long_header",
                format!(
                    "revision = \"a\"\nmessage = \"{long_message}\"\n[[upgrade]]\nop = \"execute\"\nsql = \"x\"\n"
                ),
            ),
            (
                "long_ops",
                format!(
                    "revision = \"a\"\n[[upgrade]]\nop = \"execute\"\nsql = \"{long_message}\"\n"
                ),
            ),
        ];
        for (name, text) in cases {
            let path = tmp.path().join(format!("{name}.toml"));
            std::fs::write(&path, &text).unwrap();
            let header = read_revision_file_to(&path, Depth::Header).unwrap();
            let full = read_revision_file(&path).unwrap();
            assert_eq!(header.id, full.id, "{name}");
            assert_eq!(header.message, full.message, "{name}");
            assert_eq!(header.down_revisions, full.down_revisions, "{name}");
        }
        let path = tmp.path().join("bad.toml");
        std::fs::write(&path, [b'r', 0xff, b'\n']).unwrap();
        let err = read_revision_file_to(&path, Depth::Header)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not UTF-8"), "{err}");
    }
}
