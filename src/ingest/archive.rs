//! `.zip` archives as Binance delivers them (`Binance-…-History-…(UTC+0)_hash.zip`
//! holding `part-00000-….csv` or a named CSV): members are read in memory,
//! never unpacked to disk, through a size-capped reader so that a zip bomb
//! or a header that lies about sizes cannot exhaust memory.
//!
//! A member is refused when its declared or actual uncompressed size passes
//! [`Limits::max_member`], when the archive's members together pass
//! [`Limits::max_total`], or when, beyond [`Limits::ratio_floor`] bytes, it
//! expands more than [`Limits::max_ratio`] times its compressed size.

use crate::error::Error;
use std::io::{Read, Seek};
use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

/// Bounds on what one archive may expand to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest uncompressed member, declared or actual.
    pub max_member: u64,
    /// Largest sum of the members read from one archive.
    pub max_total: u64,
    /// Size beyond which the compression ratio is checked.
    pub ratio_floor: u64,
    /// Largest accepted uncompressed : compressed ratio beyond `ratio_floor`.
    pub max_ratio: u64,
    /// Most entries an archive may list.
    pub max_entries: usize,
}

/// The limits in force: 2 GiB a member, 4 GiB an archive, 1000:1 beyond 10 MiB.
/// Real exports compress about 5–20:1; deflate cannot pass ~1032:1, which only
/// long runs of one byte (a bomb) reach.
pub const LIMITS: Limits = Limits {
    max_member: 2 << 30,
    max_total: 4 << 30,
    ratio_floor: 10 << 20,
    max_ratio: 1000,
    max_entries: 10_000,
};

/// One entry of an archive, as found.
#[derive(Debug)]
pub enum Entry {
    /// A `.csv`/`.xlsx` member: its name inside the archive and its bytes,
    /// or why it was refused (only when reading goes on past refusals).
    Member {
        name: String,
        bytes: Result<Vec<u8>, Error>,
    },
    /// An entry that is not read, with the reason.
    Skipped { name: String, reason: String },
}

/// Every entry of an archive (directories left out), in name order.
/// `display` names the archive in errors. A refused member stops the read
/// unless `keep_going`, where it is returned as such.
pub fn read_entries<R: Read + Seek>(
    display: &str,
    reader: R,
    limits: &Limits,
    keep_going: bool,
) -> Result<Vec<Entry>, Error> {
    let mut zip = ZipArchive::new(reader).map_err(|e| {
        Error::input(
            display,
            None,
            None,
            "",
            &format!("cannot open as a zip archive: {e}"),
            "is the download complete? Download the export again from Binance",
        )
    })?;
    if zip.len() > limits.max_entries {
        return Err(Error::input(
            display,
            None,
            None,
            "",
            &format!(
                "the archive lists {} entries (at most {} are read)",
                zip.len(),
                limits.max_entries
            ),
            "a Binance export archive holds a few files; extract the ones you need",
        ));
    }
    // Indices follow the central directory, as `by_index` does.
    let mut names: Vec<(String, usize)> = zip
        .file_names()
        .zip(zip.file_names_raw())
        .map(|(name, raw)| match name {
            Ok(n) => n.to_string(),
            Err(_) => String::from_utf8_lossy(raw).to_string(),
        })
        .enumerate()
        .map(|(i, n)| (n, i))
        .collect();
    names.sort();
    let mut out = Vec::new();
    let mut total = 0u64;
    for (name, i) in names {
        if name.ends_with('/') {
            continue;
        }
        if let Some(reason) = skip_reason(&name) {
            out.push(Entry::Skipped { name, reason });
            continue;
        }
        let member = format!("{display}/{name}");
        let bytes = match read_member(&mut zip, i, &member, limits, total) {
            Ok(b) => {
                total += b.len() as u64;
                Ok(b)
            }
            Err(e) if keep_going => Err(e),
            Err(e) => return Err(e),
        };
        out.push(Entry::Member { name, bytes });
    }
    Ok(out)
}

/// Why an entry is not read, or `None` for a `.csv`/`.xlsx` member.
fn skip_reason(name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    if name.starts_with("__MACOSX/") || base.starts_with("._") {
        return Some("macOS metadata, not an export".into());
    }
    let ext = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "xlsx" => None,
        "zip" => Some("an archive inside the archive (not read; extract it first)".into()),
        _ => Some(format!("not a .csv or .xlsx file (.{ext})")),
    }
}

/// Read one member through a reader that stops at the limits.
fn read_member<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    index: usize,
    member: &str,
    limits: &Limits,
    total_before: u64,
) -> Result<Vec<u8>, Error> {
    let file = zip.by_index(index).map_err(|e| open_error(member, e))?;
    if !matches!(
        file.compression(),
        CompressionMethod::Stored | CompressionMethod::Deflated
    ) {
        return Err(Error::input(
            member,
            None,
            None,
            "",
            &format!(
                "compressed with {} (only stored and deflate members are read)",
                file.compression()
            ),
            "Binance archives use plain deflate; extract the file with an archive tool and pass it directly",
        ));
    }
    let packed = file.compressed_size().max(1);
    let declared = file.size();
    check_size(member, declared, packed, total_before, limits, "declares")?;
    read_capped(file, member, declared, packed, total_before, limits)
}

/// Read to the end, checking the size after every chunk: whatever the
/// headers said, at most one chunk past a limit is ever held.
fn read_capped(
    mut reader: impl Read,
    member: &str,
    declared: u64,
    packed: u64,
    total_before: u64,
    limits: &Limits,
) -> Result<Vec<u8>, Error> {
    // Never trust the declared size for the allocation.
    let mut buf = Vec::with_capacity(declared.min(64 << 20) as usize);
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = reader.read(&mut chunk).map_err(|e| {
            Error::input(
                member,
                None,
                None,
                "",
                &format!("cannot decompress this archive member: {e}"),
                "the archive looks damaged or cut short; download it again",
            )
        })?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        check_size(
            member,
            buf.len() as u64,
            packed,
            total_before,
            limits,
            "expands to",
        )?;
    }
    Ok(buf)
}

fn open_error(member: &str, e: ZipError) -> Error {
    let (problem, hint) = match &e {
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_) => (
            format!("this archive member cannot be read: {e}"),
            "Binance archives use plain deflate; extract the file with an archive tool and pass it directly",
        ),
        _ => (
            format!("cannot read this archive member: {e}"),
            "the archive looks damaged; download it again",
        ),
    };
    Error::input(member, None, None, "", &problem, hint)
}

/// Refuse a size (declared or read so far) beyond the limits.
fn check_size(
    member: &str,
    size: u64,
    packed: u64,
    total_before: u64,
    limits: &Limits,
    verb: &str,
) -> Result<(), Error> {
    let problem = if size > limits.max_member {
        Some(format!(
            "it {verb} more than {} bytes uncompressed (limit {} bytes)",
            size, limits.max_member
        ))
    } else if total_before.saturating_add(size) > limits.max_total {
        Some(format!(
            "the archive's members together pass {} bytes uncompressed",
            limits.max_total
        ))
    } else if size > limits.ratio_floor && size / packed > limits.max_ratio {
        Some(format!(
            "it {verb} {size} bytes from {packed} compressed ({}:1, limit {}:1): a zip bomb",
            size / packed,
            limits.max_ratio
        ))
    } else {
        None
    };
    match problem {
        Some(p) => Err(Error::input(
            member,
            None,
            None,
            "",
            &format!("refused archive member: {p}"),
            "real exports are far smaller; extract the archive yourself only if you trust it",
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in files {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn reads_members_in_name_order_and_skips_the_rest() {
        let z = zip_of(&[
            ("b.csv", b"x\n"),
            ("__MACOSX/._b.csv", b"\0\0"),
            ("notes.txt", b"hi"),
            ("a/part-00000.csv", b"y\n"),
        ]);
        let got = read_entries("t.zip", Cursor::new(z), &LIMITS, false).unwrap();
        let names: Vec<String> = got
            .iter()
            .map(|e| match e {
                Entry::Member { name, bytes } => {
                    format!("{name}={}", bytes.as_ref().map(Vec::len).unwrap_or(0))
                }
                Entry::Skipped { name, .. } => format!("skip {name}"),
            })
            .collect();
        assert_eq!(
            names,
            [
                "__MACOSX/._b.csv",
                "a/part-00000.csv=2",
                "b.csv=2",
                "notes.txt"
            ]
            .map(|s| if s.contains('=') {
                s.to_string()
            } else {
                format!("skip {s}")
            })
        );
    }

    #[test]
    fn refuses_by_declared_size_and_ratio() {
        // 3000 bytes of one letter deflate to a few dozen bytes.
        let z = zip_of(&[("big.csv", &[b'a'; 3000])]);
        let small = Limits {
            max_member: 2000,
            ..LIMITS
        };
        let e = read_entries("t.zip", Cursor::new(z.clone()), &small, false).unwrap_err();
        assert!(e.to_string().starts_with("t.zip/big.csv: refused"), "{e}");
        assert!(e.to_string().contains("declares more than 3000"), "{e}");
        // Ratio beyond the floor: 3000 / (a few dozen) > 10.
        let ratio = Limits {
            ratio_floor: 1000,
            max_ratio: 10,
            ..LIMITS
        };
        let e = read_entries("t.zip", Cursor::new(z.clone()), &ratio, false).unwrap_err();
        assert!(e.to_string().contains("zip bomb"), "{e}");
        // Under the floor the same ratio is fine.
        let floor = Limits {
            ratio_floor: 5000,
            max_ratio: 10,
            ..LIMITS
        };
        let got = read_entries("t.zip", Cursor::new(z.clone()), &floor, false).unwrap();
        assert!(matches!(&got[0], Entry::Member { bytes: Ok(b), .. } if b.len() == 3000));
        // Going on past refusals, the refusal is returned with the member.
        let got = read_entries("t.zip", Cursor::new(z), &small, true).unwrap();
        assert!(matches!(&got[0], Entry::Member { bytes: Err(_), .. }));
    }

    #[test]
    fn the_capped_reader_stops_a_stream_that_never_ends() {
        // An endless stream of zeros claimed to come from 1000 compressed
        // bytes: past the 10 MiB floor the ratio passes 1000:1 at once.
        let e = read_capped(std::io::repeat(0), "m.csv", 1000, 1000, 0, &LIMITS).unwrap_err();
        assert!(
            e.to_string()
                .contains("m.csv: refused archive member: it expands to"),
            "{e}"
        );
        assert!(e.to_string().contains("zip bomb"), "{e}");
        // With a plausible ratio, the member cap stops it past 2048 bytes.
        let small = Limits {
            max_member: 2048,
            ..LIMITS
        };
        let e = read_capped(std::io::repeat(b'a'), "m.csv", 10, 1 << 40, 0, &small).unwrap_err();
        assert!(e.to_string().contains("expands to more than"), "{e}");
        // And the archive's total: 1000 already read + 600 > 1500; + 400 is not.
        let total = Limits {
            max_total: 1500,
            ..LIMITS
        };
        let r = std::io::Read::take(std::io::repeat(b'a'), 600);
        let e = read_capped(r, "m.csv", 600, 600, 1000, &total).unwrap_err();
        assert!(e.to_string().contains("together pass 1500 bytes"), "{e}");
        let r = std::io::Read::take(std::io::repeat(b'a'), 400);
        assert_eq!(
            read_capped(r, "m.csv", 400, 400, 1000, &total)
                .unwrap()
                .len(),
            400
        );
    }

    #[test]
    fn refuses_compression_methods_other_than_deflate() {
        let mut z = zip_of(&[("s.csv", b"a,b\n")]);
        // Method 12 (bzip2) in the local header (offset 8) and the central
        // directory entry (offset 10).
        z[8..10].copy_from_slice(&12u16.to_le_bytes());
        let cd = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        z[cd + 10..cd + 12].copy_from_slice(&12u16.to_le_bytes());
        let e = read_entries("t.zip", Cursor::new(z), &LIMITS, false).unwrap_err();
        assert!(
            e.to_string().starts_with("t.zip/s.csv: compressed with"),
            "{e}"
        );
        assert!(e.to_string().contains("only stored and deflate"), "{e}");
    }

    #[test]
    fn refuses_what_is_not_a_zip() {
        let e =
            read_entries("t.zip", Cursor::new(b"not a zip".to_vec()), &LIMITS, false).unwrap_err();
        assert!(
            e.to_string().starts_with("t.zip: cannot open as a zip"),
            "{e}"
        );
        assert_eq!(e.exit_code(), 2);
    }
}
