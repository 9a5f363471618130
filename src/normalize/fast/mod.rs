//! The fast reader for the large, regular exports: the transaction statement
//! and the spot trade history as CSV, the files that reach millions of rows.
//!
//! It maps the file a block at a time (no copy of its bytes; each block is
//! hashed on one thread while it is parsed on the others), cuts each block
//! at line ends into chunks parsed on every core, and builds canonical rows
//! straight from the bytes, with no cell grid in between. It takes only
//! what it can read exactly as the general path does, with the general
//! path's own parsing functions: on anything else — a quote inside a field,
//! a blank, short or long row, a time not `YYYY-MM-DD HH:MM:SS`, any cell
//! the general path would reject — it gives up, and the file is read again
//! by the general path from the start. Results never depend on which path
//! read a file: `tests.rs` compares both on every test input, and
//! `fuzz_tests.rs`, `mutation_tests.rs` and `found_tests.rs` on hand-made
//! edge cases, mutated files and the disagreements those first found.

pub mod rows;
pub mod split;

use crate::ingest::grid::Grid;
use crate::ingest::sniff::{sniff, SniffOptions};
use crate::ingest::RawFile;
use crate::model::Warning;
use crate::normalize::file::{after_export_warning, tz_ambiguous_warning, FileRows};
use crate::parallel::append_ordered;
use crate::sym::Sym;
use memchr::{memchr, memchr_iter, memrchr};
use rows::{parse_chunk, ChunkOut, Kind, Shared};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
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
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        if let Some(raw) = stream_blocks(display, None, opts, &Mapped { file, len }, true, BLOCK)? {
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
    let mut raw = stream_blocks(display, archive, opts, bytes, false, BLOCK).ok()??;
    raw.sha256 = sha.to_string();
    Some(raw)
}

fn is_csv_name(display: &str) -> bool {
    display.to_lowercase().ends_with(".csv")
}

/// The bytes of one input, read a window at a time.
trait Source {
    /// Bytes in all.
    fn size(&self) -> usize;
    /// Bytes `start..end` (`start <= end <= size`).
    fn window(&self, start: usize, end: usize) -> std::io::Result<Window<'_>>;
}

/// Bytes of a [`Source`]: borrowed, or a mapped part of a file.
enum Window<'a> {
    Borrowed(&'a [u8]),
    /// The map, and how many bytes of it come before the window.
    Mapped(memmap2::Mmap, usize),
}

impl std::ops::Deref for Window<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Window::Borrowed(b) => b,
            Window::Mapped(m, skip) => &m[*skip..],
        }
    }
}

impl Source for [u8] {
    fn size(&self) -> usize {
        self.len()
    }
    fn window(&self, start: usize, end: usize) -> std::io::Result<Window<'_>> {
        Ok(Window::Borrowed(&self[start..end]))
    }
}

/// A file mapped one window at a time: no copy of its bytes, and only the
/// window being parsed counts in the process's memory.
struct Mapped {
    file: std::fs::File,
    len: usize,
}

impl Source for Mapped {
    fn size(&self) -> usize {
        self.len
    }
    fn window(&self, start: usize, end: usize) -> std::io::Result<Window<'_>> {
        if start == end {
            return Ok(Window::Borrowed(&[]));
        }
        // Map offsets are multiples of the page size (64 KiB is one of all).
        let from = start & !0xffff;
        // SAFETY: the map is only read, and dropped with the window. Exports
        // are evidence copies nobody writes to while they are read; were one
        // cut short meanwhile, the process would stop with SIGBUS rather
        // than read wrong bytes.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(from as u64)
                .len(end - from)
                .map(&self.file)?
        };
        Ok(Window::Mapped(map, start - from))
    }
}

/// Parse `src` about `block` bytes at a time (cut at line ends); with
/// `hash`, each block is hashed on another thread while it is parsed.
fn stream_blocks<S: Source + ?Sized>(
    display: &str,
    archive: Option<&str>,
    opts: &SniffOptions,
    src: &S,
    hash: bool,
    block: usize,
) -> std::io::Result<Option<RawFile>> {
    let len = src.size();
    // The header search needs the first lines whole, the binary check the
    // first 8 KiB.
    let head = src.window(0, len.min(block.max(MAX_LINE_BYTES + 1)))?;
    let Some(mut rd) = Reader::start(display, archive, opts, &head, head.len() == len) else {
        return Ok(None);
    };
    let mut pos = rd.body_offset.min(head.len());
    let mut hasher = hash.then(Sha256::new);
    if let Some(h) = hasher.as_mut() {
        h.update(&head[..pos]);
    }
    drop(head);
    while pos < len {
        // Whole lines from `pos`: about `block` bytes of them, or more when
        // a line is longer.
        let mut want = pos.saturating_add(block).min(len);
        let mut win = src.window(pos, want)?;
        let end = loop {
            if want == len {
                break len;
            }
            if let Some(p) = memrchr(b'\n', &win) {
                break pos + p + 1;
            }
            want = pos.saturating_add(2 * (want - pos)).min(len);
            win = src.window(pos, want)?;
        };
        let bytes = &win[..end - pos];
        let side = |h: Option<&mut Sha256>| {
            if let Some(h) = h {
                h.update(bytes);
            }
        };
        let parsed = match crate::parallel::is_serial() {
            false => std::thread::scope(|s| {
                let h = hasher.as_mut();
                let other = s.spawn(move || side(h));
                let parsed = rd.feed(bytes).is_some();
                other.join().expect("hashing does not panic");
                parsed
            }),
            true => {
                side(hasher.as_mut());
                rd.feed(bytes).is_some()
            }
        };
        if !parsed {
            return Ok(None);
        }
        pos = end;
    }
    let sha = hasher
        .map(|h| h.finalize().iter().map(|b| format!("{b:02x}")).collect())
        .unwrap_or_default();
    Ok(Some(rd.finish(display.to_string(), sha)))
}

#[cfg(test)]
mod found_tests;
#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod mutation_tests;
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
    /// Trades whose total is not price × quantity: count, first row.
    mismatched: usize,
    first_mismatch: Option<u32>,
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
            || grid.cut_off.is_some()
            || grid.cr_line_ends
            || !grid.long_rows.is_empty()
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
            made: sniffed.export_time,
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
            mismatched: 0,
            first_mismatch: None,
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
        let mut outs: Vec<ChunkOut> = outs.into_iter().collect::<Option<_>>()?;
        // The line number of each chunk's first line.
        let mut bases = Vec::with_capacity(outs.len());
        let mut line = self.next_line;
        for o in &outs {
            bases.push(u32::try_from(line).ok()?);
            line += u64::from(o.lines);
        }
        let mut ledger: Vec<_> = outs
            .iter_mut()
            .map(|o| std::mem::take(&mut o.ledger))
            .collect();
        let mut fills: Vec<_> = outs
            .iter_mut()
            .map(|o| std::mem::take(&mut o.fills))
            .collect();
        let rows = &mut self.parsed.rows;
        append_ordered(&mut rows.ledger, &mut ledger, |i, r| {
            r.origin.row += bases[i]
        });
        append_ordered(&mut rows.fills, &mut fills, |i, r| r.origin.row += bases[i]);
        for (((mut out, base), ledger), fills) in outs.into_iter().zip(bases).zip(ledger).zip(fills)
        {
            (out.ledger, out.fills) = (ledger, fills); // empty, kept for their capacity
            self.merge(&mut out, base);
            self.pool.push(out);
        }
        Some(())
    }

    /// Add what a chunk counted besides its rows (moved already); `base` is
    /// the line number of its first line. `c` is left empty.
    fn merge(&mut self, c: &mut ChunkOut, base: u32) {
        let p = &mut self.parsed;
        p.rows_read += std::mem::take(&mut c.rows);
        p.warnings.extend(c.warnings.drain(..).map(|mut w| {
            w.row = w.row.map(|r| r + base);
            w
        }));
        p.user_ids.append(&mut c.user_ids);
        self.ambiguous += std::mem::take(&mut c.ambiguous);
        self.after_export += std::mem::take(&mut c.after_export);
        self.mismatched += std::mem::take(&mut c.mismatched);
        let first = c.first_after_export.take();
        if self.first_after_export.is_none() {
            self.first_after_export = first.map(|r| r + base);
        }
        let first = c.first_ambiguous.take();
        if self.first_ambiguous.is_none() {
            self.first_ambiguous = first.map(|(r, v)| (r + base, v));
        }
        let first = c.first_mismatch.take();
        if self.first_mismatch.is_none() {
            self.first_mismatch = first.map(|r| r + base);
        }
        self.next_line += u64::from(std::mem::take(&mut c.lines));
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
        if let Some(first) = self.first_mismatch {
            let w = crate::normalize::trades::mismatch_warning(self.mismatched, first);
            p.warnings.push(w);
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
