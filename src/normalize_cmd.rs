//! `normalize`: write the canonical tables that `analyze` works on as
//! `DIR/<table>/account=<id>/part-0.parquet` (or `.csv`), hive-partitioned
//! by account, for DuckDB, pandas or polars. Fills are merged across trade
//! and order histories; the ledger is the book of record (statement rows,
//! plus legs derived from the other exports outside the statement's span),
//! so its per-asset sums equal the report's net changes.

use crate::assemble::assemble;
use crate::cli::{NormalizeArgs, TableFormat};
use crate::error::{exit, Error};
use crate::normalize::frames::{frames, Amounts, Rows, TABLES};
use crate::prepare::{prepare, sniff_options, Accounts, InputOptions};
use polars::prelude::DataFrame;
use polars_io::prelude::{CsvWriter, ParquetCompression, ParquetWriter, SerWriter};
use std::path::{Path, PathBuf};

pub fn run(args: &NormalizeArgs) -> Result<i32, Error> {
    let opts = InputOptions {
        paths: args.paths.clone(),
        sniff: sniff_options(args.read.tz.as_deref(), args.read.direction)?,
        account: args.account.clone(),
        skip_errors: args.read.skip_errors,
    };
    let prep = prepare(&opts, Accounts::One)?;
    let asm = assemble(&prep.account, &prep.files);
    let by_origin = |a: (i64, &crate::model::Origin), b: (i64, &crate::model::Origin)| a.cmp(&b);
    let mut ledger = asm.account.ledger.clone();
    ledger.sort_by(|a, b| by_origin((a.time, &a.origin), (b.time, &b.origin)));
    let mut conversions = asm.conversions.clone();
    conversions.sort_by(|a, b| by_origin((a.time, &a.origin), (b.time, &b.origin)));
    let rows = Rows {
        fills: &asm.account.fills,
        orders: &asm.account.orders,
        transfers: &asm.account.transfers,
        ledger: &ledger,
        conversions: &conversions,
    };
    let amounts = match args.format {
        TableFormat::Parquet => Amounts::Decimal,
        TableFormat::Csv => Amounts::Text,
    };
    let tables = frames(&prep.account, &rows, amounts)?;
    let mut counts = Vec::new();
    for (name, mut df) in TABLES.into_iter().zip(tables) {
        let path = table_path(&args.out, name, &prep.account, args.format);
        write_table(&path, &mut df, args.format)?;
        counts.push(format!("{} {name}", df.height()));
    }
    if !args.quiet {
        let rejected: u64 = prep.summaries().iter().map(|s| s.rows_rejected).sum();
        eprintln!(
            "{}: {}; {rejected} row(s) rejected; tables in {}",
            prep.account,
            counts.join(", "),
            args.out.display()
        );
    }
    Ok(exit::OK)
}

/// `DIR/<table>/account=<id>/part-0.<ext>`.
pub fn table_path(out: &Path, table: &str, account: &str, format: TableFormat) -> PathBuf {
    let ext = match format {
        TableFormat::Parquet => "parquet",
        TableFormat::Csv => "csv",
    };
    out.join(table)
        .join(format!("account={}", partition_value(account)))
        .join(format!("part-0.{ext}"))
}

/// A hive partition value: bytes other than `A-Z a-z 0-9 . _ -` as `%XX`,
/// so that no id can name another directory.
pub fn partition_value(id: &str) -> String {
    let mut s = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-') || (b == b'.' && !s.is_empty()) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    if s.is_empty() {
        s.push_str("%00");
    }
    s
}

fn write_table(path: &Path, df: &mut DataFrame, format: TableFormat) -> Result<(), Error> {
    let fail = |e: &dyn std::fmt::Display| {
        Error::Internal(format!("cannot write `{}`: {e}", path.display()))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    }
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    let mut w = std::io::BufWriter::new(file);
    match format {
        TableFormat::Parquet => {
            ParquetWriter::new(&mut w)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(df)
                .map_err(|e| fail(&e))?;
        }
        TableFormat::Csv => CsvWriter::new(&mut w)
            .include_header(true)
            .with_datetime_format(Some("%Y-%m-%dT%H:%M:%S%.3fZ".into()))
            .finish(df)
            .map_err(|e| fail(&e))?,
    }
    std::io::Write::flush(&mut w).map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_values_cannot_leave_the_table_directory() {
        assert_eq!(partition_value("12345678"), "12345678");
        assert_eq!(partition_value("my acct.v2"), "my%20acct.v2");
        assert_eq!(partition_value("../x"), "%2E.%2Fx");
        assert_eq!(partition_value("a/b=c"), "a%2Fb%3Dc");
        assert_eq!(partition_value(""), "%00");
        assert_eq!(
            table_path(Path::new("o"), "fills", "7", TableFormat::Csv),
            Path::new("o/fills/account=7/part-0.csv")
        );
    }
}
