//! The fast reader for the large, regular exports: the transaction statement
//! and the spot trade history as CSV, the files that reach millions of rows.
//!
//! It streams the file in blocks (hashing as it reads), cuts each block at
//! line ends into chunks parsed on every core, and builds canonical rows
//! straight from the bytes, with no cell grid in between. It takes only
//! what it can read exactly as the general path does, with the general
//! path's own parsing functions: on anything else — a quote inside a field,
//! a blank, short or long row, a time not `YYYY-MM-DD HH:MM:SS`, any cell
//! the general path would reject — it gives up, and the file is read again
//! by the general path from the start. Results never depend on which path
//! read a file (`tests/fast_reader.rs` compares both on every test input).

pub mod rows;
pub mod split;

use crate::ingest::grid::Grid;
use crate::ingest::sniff::{sniff, SniffOptions};
use crate::ingest::RawFile;
use crate::model::{FileKind, Warning};
use crate::normalize::file::{after_export_warning, tz_ambiguous_warning, FileRows};
use crate::sym::Sym;
use memchr::{memchr, memchr_iter, memrchr};
use rows::{parse_chunk, ChunkOut, Kind, Shared};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

/// Rows the fast reader made of a whole file; `normalize_file` turns them
/// into the file's summary as it does the general path's.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub rows: FileRows,
    /// Non-empty lines after the header (all normalized).
    pub rows_read: u64,
    /// Row warnings (`unclassified-operation`, `amount-mismatch`,
    /// `after-export`, `tz-ambiguous`), besides the sniffer's.
    pub warnings: Vec<Warning>,
    /// Values of the `User_ID` column.
    pub user_ids: BTreeSet<String>,
}

/// Bytes read (and parsed) at a time.
const BLOCK: usize = 16 << 20;
/// Lines given to the general CSV reader to find the header and sniff.
const HEAD_LINES: usize = 64;
/// Longest line the general reader accepts.
const MAX_LINE_BYTES: usize = 1 << 20;
/// The general reader refuses a file with a NUL byte in its first 8 KiB.
const BINARY_CHECK_BYTES: usize = 8192;

/// What became of a file read from disk.
pub enum Outcome {
    /// Read by the fast reader.
    Done(Box<RawFile>),
    /// For the general path: the whole file and its sha256.
    Slow(Vec<u8>, String),
}

/// Read a file from disk: the fast reader where it applies, else the whole
/// file's bytes for the general path.
pub fn read_path(path: &Path, display: &str, opts: &SniffOptions) -> std::io::Result<Outcome> {
    if is_csv_name(display) {
        let file = std::fs::File::open(path)?;
        if let Some(raw) = stream(display, None, opts, file, true)? {
            return Ok(Outcome::Done(Box::new(raw)));
        }
    }
    let bytes = std::fs::read(path)?;
    let sha = crate::ingest::sha256_hex(&bytes);
    Ok(Outcome::Slow(bytes, sha))
}

/// The fast reader on bytes already in memory (an archive member, hashed
/// by the caller); `None` when the general path must read them.
pub fn read_bytes(
    display: &str,
    archive: Option<&str>,
    bytes: &[u8],
    sha: &str,
    opts: &SniffOptions,
) -> Option<RawFile> {
    if !is_csv_name(display) {
        return None;
    }
    let mut raw = stream(display, archive, opts, bytes, false).ok()??;
    raw.sha256 = sha.to_string();
    Some(raw)
}

fn is_csv_name(display: &str) -> bool {
    display.to_lowercase().ends_with(".csv")
}

/// Append up to `block` bytes to `buf`; true at the end of the input.
fn fill(src: &mut impl Read, buf: &mut Vec<u8>, block: usize) -> std::io::Result<bool> {
    let n = src.by_ref().take(block as u64).read_to_end(buf)?;
    Ok(n < block)
}

fn stream(
    display: &str,
    archive: Option<&str>,
    opts: &SniffOptions,
    src: impl Read,
    hash: bool,
) -> std::io::Result<Option<RawFile>> {
    stream_blocks(display, archive, opts, src, hash, BLOCK)
}

/// `stream`, reading `block` bytes at a time. Each block read is hashed
/// while the lines before it are parsed.
fn stream_blocks(
    display: &str,
    archive: Option<&str>,
    opts: &SniffOptions,
    mut src: impl Read,
    hash: bool,
    block: usize,
) -> std::io::Result<Option<RawFile>> {
    let mut hasher = hash.then(Sha256::new);
    let mut buf: Vec<u8> = Vec::new();
    let mut eof = fill(&mut src, &mut buf, block)?;
    // The header search needs the first lines whole, the binary check the
    // first 8 KiB.
    while !eof
        && (memchr_iter(b'\n', &buf).count() < HEAD_LINES || buf.len() < BINARY_CHECK_BYTES)
        && buf.len() <= MAX_LINE_BYTES
    {
        eof = fill(&mut src, &mut buf, block)?;
    }
    let Some(mut rd) = Reader::start(display, archive, opts, &buf, eof) else {
        return Ok(None);
    };
    let (mut pos, mut unhashed) = (rd.body_offset, 0);
    loop {
        let end = match eof {
            true => buf.len(),
            false => memrchr(b'\n', &buf[pos..]).map_or(pos, |p| pos + p + 1),
        };
        let fresh = &buf[unhashed..];
        let parsed = match hasher.as_mut() {
            Some(h) if !crate::parallel::is_serial() => std::thread::scope(|s| {
                let hashing = s.spawn(|| h.update(fresh));
                let parsed = end <= pos || rd.feed(&buf[pos..end]).is_some();
                hashing.join().expect("hashing does not panic");
                parsed
            }),
            h => {
                if let Some(h) = h {
                    h.update(fresh);
                }
                end <= pos || rd.feed(&buf[pos..end]).is_some()
            }
        };
        if !parsed {
            return Ok(None);
        }
        if eof {
            break;
        }
        buf.drain(..end);
        if buf.len() > MAX_LINE_BYTES {
            return Ok(None);
        }
        pos = 0;
        unhashed = buf.len();
        eof = fill(&mut src, &mut buf, block)?;
    }
    let sha = hasher
        .map(|h| h.finalize().iter().map(|b| format!("{b:02x}")).collect())
        .unwrap_or_default();
    Ok(Some(rd.finish(display.to_string(), sha)))
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;

/// The state of one file being read.
struct Reader {
    grid: Grid,
    sniffed: crate::ingest::sniff::Sniffed,
    shared: Shared,
    body_offset: usize,
    /// Line number of the next line to parse.
    next_line: u64,
    parsed: Parsed,
    ambiguous: usize,
    first_ambiguous: Option<(u32, String)>,
    after_export: usize,
    first_after_export: Option<u32>,
    /// Emptied chunk buffers, reused for their capacity.
    pool: Vec<ChunkOut>,
}

impl Reader {
    /// Header, sniffing and eligibility from the first block.
    fn start(
        display: &str,
        archive: Option<&str>,
        opts: &SniffOptions,
        first: &[u8],
        eof: bool,
    ) -> Option<Reader> {
        let binary_check = &first[..first.len().min(BINARY_CHECK_BYTES)];
        if first.starts_with(b"PK\x03\x04") || memchr(0, binary_check).is_some() {
            return None;
        }
        let head_end = match memchr_iter(b'\n', first).nth(HEAD_LINES - 1) {
            Some(p) => p + 1,
            None if eof => first.len(),
            None => memrchr(b'\n', first)? + 1,
        };
        let mut grid = crate::ingest::csv::read_csv(display, &first[..head_end]).ok()?;
        let sniffed = sniff(display, archive, &grid, opts).ok()?;
        if grid.delimiter != b','
            || grid.unwrapped_rows > 0
            || !grid.blank_rows.is_empty()
            || sniffed.warnings.iter().any(|w| w.code == "layout-guessed")
        {
            return None;
        }
        let kind = Kind::of(&sniffed)?;
        let body_offset = match memchr_iter(b'\n', first).nth(grid.header_row as usize - 1) {
            Some(p) => p + 1,
            None => first.len(),
        };
        // The CSV reader drops a byte-order mark that opens the rows.
        if first[body_offset..].starts_with("\u{feff}".as_bytes()) {
            return None;
        }
        let user_id = sniffed
            .fields
            .iter()
            .position(|x| *x == Some(crate::ingest::layouts::field::USER_ID));
        grid.rows.clear();
        grid.row_nos.clear();
        let shared = Shared {
            file: Sym::new(display),
            tz: sniffed.tz.clone(),
            header_len: grid.header.len(),
            delimiter: grid.delimiter,
            kind,
            user_id,
            made: crate::ingest::sniff::export_time_from_name(display),
        };
        Some(Reader {
            next_line: u64::from(grid.header_row) + 1,
            grid,
            sniffed,
            shared,
            body_offset,
            parsed: Parsed::default(),
            ambiguous: 0,
            first_ambiguous: None,
            after_export: 0,
            first_after_export: None,
            pool: Vec::new(),
        })
    }

    /// Parse whole lines; `None` to give up.
    fn feed(&mut self, data: &[u8]) -> Option<()> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let pieces = split::chunks(data, cores * 2);
        let pool = std::sync::Mutex::new(std::mem::take(&mut self.pool));
        let take = || {
            pool.lock()
                .ok()
                .and_then(|mut p| p.pop())
                .unwrap_or_default()
        };
        let outs = crate::parallel::map_ordered(&pieces, |c| parse_chunk(&self.shared, c, take()));
        self.pool = pool.into_inner().unwrap_or_default();
        for out in outs {
            let mut out = out?;
            self.merge(&mut out)?;
            self.pool.push(out);
        }
        Some(())
    }

    /// Move a chunk's rows into the file's, numbered; `c` is left empty.
    fn merge(&mut self, c: &mut ChunkOut) -> Option<()> {
        let base = u32::try_from(self.next_line).ok()?;
        let p = &mut self.parsed;
        p.rows_read += c.rows;
        let shift = |mut o: crate::model::Origin| {
            o.row += base;
            o
        };
        p.rows.ledger.extend(c.ledger.drain(..).map(|mut r| {
            r.origin = shift(r.origin);
            r
        }));
        p.rows.fills.extend(c.fills.drain(..).map(|mut r| {
            r.origin = shift(r.origin);
            r
        }));
        p.warnings.extend(c.warnings.drain(..).map(|mut w| {
            w.row = w.row.map(|r| r + base);
            w
        }));
        p.user_ids.append(&mut c.user_ids);
        self.ambiguous += std::mem::take(&mut c.ambiguous);
        self.after_export += std::mem::take(&mut c.after_export);
        let first = c.first_after_export.take();
        if self.first_after_export.is_none() {
            self.first_after_export = first.map(|r| r + base);
        }
        let first = c.first_ambiguous.take();
        if self.first_ambiguous.is_none() {
            self.first_ambiguous = first.map(|(r, v)| (r + base, v));
        }
        self.next_line += u64::from(std::mem::take(&mut c.lines));
        c.rows = 0;
        Some(())
    }

    fn finish(mut self, display: String, sha256: String) -> RawFile {
        let p = &mut self.parsed;
        if let Some(first) = self.first_after_export {
            p.warnings
                .push(after_export_warning(self.after_export, first));
        }
        if let Some((row, value)) = &self.first_ambiguous {
            let w = tz_ambiguous_warning(&self.sniffed.tz, self.ambiguous, *row, value);
            p.warnings.push(w);
        }
        if self.sniffed.kind == FileKind::SpotTrades {
            if let Some(w) = crate::normalize::trades::amount_mismatch_warning(&p.rows.fills) {
                p.warnings.push(w);
            }
        }
        RawFile {
            display,
            sha256,
            grid: self.grid,
            sniffed: self.sniffed,
            pre: Some(Box::new(self.parsed)),
        }
    }
}
