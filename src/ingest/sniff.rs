//! Kind, layout, direction and time zone of a file, from its header and name
//! (or, when the header is not recognized, from the shape of its values).

use super::grid::Grid;
use super::layouts::{field, split_header, DirRule, Layout};
use super::resolve::resolve_header;
use super::shape;
use crate::error::Error;
use crate::model::{FileKind, Warning};
use crate::normalize::time::TzSpec;

/// What sniffing found out about one file.
#[derive(Debug, Clone)]
pub struct Sniffed {
    pub layout: &'static Layout,
    pub kind: FileKind,
    /// Field key of each header column (`None` = unknown column, ignored).
    pub fields: Vec<Option<&'static str>>,
    pub tz: TzSpec,
    /// How the zone was decided, for `inputs[].time_zone`.
    pub tz_note: String,
    /// When the export was made (UTC ms), from the file's Binance name or,
    /// for an archive member whose name has none, the archive's
    /// ([`export_time`]).
    pub export_time: Option<i64>,
    pub warnings: Vec<Warning>,
}

/// Options that decide what a file cannot say itself.
#[derive(Debug, Clone, Default)]
pub struct SniffOptions {
    /// `--tz`: zone for files whose times carry no explicit offset.
    pub tz: Option<TzSpec>,
    /// `--direction`: for deposit/withdrawal files whose name does not say.
    pub direction: Option<crate::model::Direction>,
}

/// Sniff one file. `archive` names the `.zip` the file was read from: its
/// name's offset, direction and export time apply when the file's own name
/// says nothing.
pub fn sniff(
    display: &str,
    archive: Option<&str>,
    grid: &Grid,
    opts: &SniffOptions,
) -> Result<Sniffed, Error> {
    let mut warnings = Vec::new();
    let (layout, fields) = match resolve_header(&grid.header) {
        Some(r) => (r.layout, r.fields),
        None => match shape::guess(grid) {
            Some(g) => {
                warnings.push(Warning {
                    code: "layout-guessed".into(),
                    row: Some(grid.header_row),
                    message: shape::describe(grid, &g),
                });
                (g.layout, g.fields)
            }
            None => {
                return Err(Error::input(
                    display,
                    Some(grid.header_row),
                    None,
                    &grid.header.join(","),
                    "no known Binance export header, and the values of the first rows match no known layout either",
                    "see the README's list of supported exports; use --skip-errors to continue without it",
                ))
            }
        },
    };
    let (time_header, header_tz) = fields
        .iter()
        .position(|f| *f == Some(field::TIME))
        .and_then(|i| grid.header.get(i))
        .map(|c| split_header(c))
        .unwrap_or_default();
    let layout = super::layouts_fiat::variant_by_time_header(layout, &time_header);
    let kind = direction_kind(display, archive, layout, opts)?;
    let (tz, tz_note) = decide_tz(
        display,
        archive,
        header_tz.as_deref(),
        &time_header,
        opts,
        &mut warnings,
    );
    Ok(Sniffed {
        layout,
        kind,
        fields,
        tz,
        tz_note,
        export_time: export_time(display, archive),
        warnings,
    })
}

fn direction_kind(
    display: &str,
    archive: Option<&str>,
    layout: &Layout,
    opts: &SniffOptions,
) -> Result<FileKind, Error> {
    use crate::model::Direction;
    let direction = match layout.direction {
        DirRule::None => return Ok(layout.kind),
        DirRule::Deposit => Direction::Deposit,
        DirRule::Withdrawal => Direction::Withdrawal,
        DirRule::FromFileName => direction_from_name(display)
            .or_else(|| archive.and_then(direction_from_name))
            .or(opts.direction)
            .ok_or_else(|| {
                Error::input(
                    display,
                    None,
                    None,
                    "",
                    "deposit and withdrawal histories of this layout share one header and the file name says neither",
                    "rename the file to contain `deposit` or `withdraw`, or pass --direction deposit|withdrawal",
                )
            })?,
    };
    let fiat = matches!(
        layout.kind,
        FileKind::FiatDeposits | FileKind::FiatWithdrawals
    );
    Ok(match (fiat, direction) {
        (false, Direction::Deposit) => FileKind::Deposits,
        (false, Direction::Withdrawal) => FileKind::Withdrawals,
        (true, Direction::Deposit) => FileKind::FiatDeposits,
        (true, Direction::Withdrawal) => FileKind::FiatWithdrawals,
    })
}

/// Direction words in a file name (English and localized), if exactly one
/// direction is named.
pub fn direction_from_name(display: &str) -> Option<crate::model::Direction> {
    use crate::model::Direction;
    let name = std::path::Path::new(display)
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    const DEP: &[&str] = &[
        "deposit", // en, also id (Deposit)
        "depósito",
        "deposito", // es, pt, it
        "vklad",    // cs
        "einzahlung",
        "dépôt",
        "yatırma", // tr
        "пополнение",
        "депозит", // ru
        "nạp",     // vi
        "setoran", // id
    ];
    const WD: &[&str] = &[
        "withdraw",
        "retiro",
        "retirada",
        "výběr",
        "vyber",
        "auszahlung",
        "saque",
        "retrait",
        "prelievo",  // it
        "çekme",     // tr
        "вывод",     // ru
        "rút",       // vi
        "penarikan", // id
    ];
    let dep = DEP.iter().any(|w| name.contains(w));
    let wd = WD.iter().any(|w| name.contains(w));
    match (dep, wd) {
        (true, false) => Some(Direction::Deposit),
        (false, true) => Some(Direction::Withdrawal),
        _ => None,
    }
}

/// Offset written in a file name: `(UTC+7)`, `(UTC-5)`, `(UTC--6)` = UTC−6.
pub fn offset_from_name(display: &str) -> Option<i32> {
    let name = std::path::Path::new(display)
        .file_name()?
        .to_string_lossy()
        .to_string();
    let upper = name.to_uppercase();
    let start = upper.find("(UTC")? + 4;
    let rest = &upper[start..];
    let end = rest.find(')')?;
    parse_offset(&rest[..end])
}

/// When the export was made, from a Binance file name, UTC ms:
/// `…-202503141616(UTC+1)_ab.csv` (local minute, in the name's offset) or
/// `…-Report-2025-03-14.xlsx` (the end of that day, UTC+14 to be safe).
pub fn export_time_from_name(display: &str) -> Option<i64> {
    use chrono::NaiveDate;
    let name = std::path::Path::new(display)
        .file_name()?
        .to_string_lossy()
        .to_string();
    let upper = name.to_uppercase();
    if let Some(at) = upper.find("(UTC") {
        let digits = upper[..at].rsplit('-').next()?;
        if digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let n = |r: std::ops::Range<usize>| digits[r].parse::<u32>().ok();
            let t = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)?.and_hms_opt(
                n(8..10)?,
                n(10..12)?,
                59,
            )?;
            let off = offset_from_name(display).unwrap_or(0);
            return Some(t.and_utc().timestamp_millis() - off as i64 * 1000);
        }
    }
    let stem = std::path::Path::new(&name)
        .file_stem()?
        .to_string_lossy()
        .to_string();
    let tail = stem.get(stem.len().checked_sub(10)?..)?;
    let day = NaiveDate::parse_from_str(tail, "%Y-%m-%d").ok()?;
    // 23:59:59 at UTC−12 is the latest instant that is still that day anywhere.
    Some(day.and_hms_opt(23, 59, 59)?.and_utc().timestamp_millis() + 12 * 3_600_000)
}

/// When the export was made, UTC ms: from the file's own Binance name, else
/// (an archive member such as `part-00000-….csv`) from the name of the
/// archive it was read from ([`export_time_from_name`] of each).
pub fn export_time(display: &str, archive: Option<&str>) -> Option<i64> {
    export_time_from_name(display).or_else(|| archive.and_then(export_time_from_name))
}

/// `+1`, `-5`, `--6` (= −6), `+5:30`, `0` → seconds east of UTC.
pub fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    let (neg, body) = if let Some(b) = s.strip_prefix("--") {
        (true, b)
    } else if let Some(b) = s.strip_prefix('-') {
        (true, b)
    } else if let Some(b) = s.strip_prefix('+') {
        (false, b)
    } else {
        (false, s)
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        // `+0200` / `0530`: hours and minutes without a colon
        None if body.len() == 4 && body.bytes().all(|b| b.is_ascii_digit()) => (
            body[..2].parse::<i32>().ok()?,
            body[2..].parse::<i32>().ok()?,
        ),
        None => (body.parse::<i32>().ok()?, 0),
    };
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    let secs = h * 3600 + m * 60;
    Some(if neg { -secs } else { secs })
}

fn decide_tz(
    display: &str,
    archive: Option<&str>,
    header_tz: Option<&str>,
    time_header: &str,
    opts: &SniffOptions,
    warnings: &mut Vec<Warning>,
) -> (TzSpec, String) {
    if let Some(label) = header_tz {
        let rest = &label[3..];
        if !rest.eq_ignore_ascii_case("null") && !rest.is_empty() {
            if let Some(secs) = parse_offset(rest) {
                let named =
                    offset_from_name(display).or_else(|| archive.and_then(offset_from_name));
                if let Some(other) = named.filter(|o| *o != secs) {
                    warnings.push(Warning {
                        code: "tz-conflict".into(),
                        row: None,
                        message: format!(
                            "the time column `{time_header}` says {} but the file name says {}; the \
                             header's offset was applied. Check one row against the Binance site",
                            TzSpec::Fixed(secs),
                            TzSpec::Fixed(other)
                        ),
                    });
                }
                return (
                    TzSpec::Fixed(secs),
                    format!("{} (from the header)", TzSpec::Fixed(secs)),
                );
            }
        }
    }
    if let Some(secs) = offset_from_name(display) {
        let header_says_utc =
            header_tz.is_some_and(|l| l.len() == 3) || time_header.starts_with("utc");
        if header_says_utc && secs != 0 {
            warnings.push(Warning {
                code: "tz-conflict".into(),
                row: None,
                message: format!(
                    "the time column `{time_header}` says UTC but the file name says {}; the file name's offset \
                     was applied (Binance writes the export's zone there). Check one row against the Binance site",
                    TzSpec::Fixed(secs)
                ),
            });
        }
        return (
            TzSpec::Fixed(secs),
            format!("{} (from the file name)", TzSpec::Fixed(secs)),
        );
    }
    if let Some(secs) = archive.and_then(offset_from_name) {
        let header_says_utc =
            header_tz.is_some_and(|l| l.len() == 3) || time_header.starts_with("utc");
        if header_says_utc && secs != 0 {
            warnings.push(Warning {
                code: "tz-conflict".into(),
                row: None,
                message: format!(
                    "the time column `{time_header}` says UTC but the archive name says {}; the \
                     archive name's offset was applied (Binance writes the export's zone there). \
                     Check one row against the Binance site",
                    TzSpec::Fixed(secs)
                ),
            });
        }
        return (
            TzSpec::Fixed(secs),
            format!("{} (from the archive name)", TzSpec::Fixed(secs)),
        );
    }
    if let Some(tz) = &opts.tz {
        return (tz.clone(), format!("{tz} (from --tz)"));
    }
    let labeled = header_tz.is_some() || time_header.starts_with("utc");
    if labeled {
        (TzSpec::Fixed(0), "UTC (the header says UTC)".to_string())
    } else {
        warnings.push(Warning {
            code: "tz-unknown".into(),
            row: None,
            message: format!(
                "the time column `{time_header}` names no time zone, and neither the file name \
                 nor an archive name carries an offset such as `(UTC+8)` (a zone in a folder \
                 name is not read); times were read as UTC. If the export was made in local \
                 time, pass --tz ZONE (e.g. --tz +08:00 or --tz Asia/Singapore)"
            ),
        });
        (
            TzSpec::Fixed(0),
            "UTC (assumed: no zone in the header, file name or archive name)".to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_from_file_names() {
        assert_eq!(
            offset_from_name("x/Binance-Spot-Trade-History-202601011200(UTC--6)_ab.csv"),
            Some(-6 * 3600)
        );
        assert_eq!(
            offset_from_name("Binance-Transaction-History(UTC+9).csv"),
            Some(9 * 3600)
        );
        assert_eq!(
            offset_from_name("Binance-x(UTC+5:30).csv"),
            Some(5 * 3600 + 1800)
        );
        assert_eq!(offset_from_name("plain.csv"), None);
        assert_eq!(parse_offset("+15"), None);
    }

    #[test]
    fn export_times_from_file_names() {
        let ms = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_millis()
        };
        assert_eq!(
            export_time_from_name("a/Binance-Spot-Trade-History-202503141616(UTC+1)_4e.csv"),
            Some(ms("2025-03-14T15:16:59Z"))
        );
        assert_eq!(
            export_time_from_name("Binance-Deposit-History-Report-2025-03-14.xlsx"),
            Some(ms("2025-03-15T11:59:59Z"))
        );
        assert_eq!(export_time_from_name("statement.csv"), None);
        assert_eq!(export_time_from_name("x-20250314(UTC+0).csv"), None);
    }

    #[test]
    fn an_archive_member_takes_the_export_time_of_the_archive_name() {
        let ms = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_millis()
        };
        // 2024-12-31 08:00 at UTC+8, to the end of that minute: 00:00:59 UTC.
        let archive = "in/Binance-Transaction-History-202412310800(UTC+8)_ab.zip";
        let member = format!("{archive}/part-00000-1.csv");
        assert_eq!(export_time_from_name(&member), None);
        assert_eq!(
            export_time(&member, Some(archive)),
            Some(ms("2024-12-31T00:00:59Z"))
        );
        // The member's own name wins; a plain file has none.
        let own = format!("{archive}/Binance-Deposit-History-Report-2024-12-30.csv");
        assert_eq!(
            export_time(&own, Some(archive)),
            Some(ms("2024-12-31T11:59:59Z"))
        );
        assert_eq!(export_time("statement.csv", None), None);
        // And sniffing records it.
        let grid = Grid {
            header: "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark"
                .split(',')
                .map(String::from)
                .collect(),
            header_row: 1,
            ..Grid::default()
        };
        let s = sniff(&member, Some(archive), &grid, &SniffOptions::default()).unwrap();
        assert_eq!(s.export_time, Some(ms("2024-12-31T00:00:59Z")));
    }

    #[test]
    fn archive_name_gives_offset_and_direction_the_member_name_lacks() {
        let grid = Grid {
            header: "Date,Coin,Amount,TransactionFee,Address,TXID,SourceAddress,PaymentID,Status"
                .split(',')
                .map(String::from)
                .collect(),
            header_row: 1,
            ..Grid::default()
        };
        let opts = SniffOptions::default();
        let archive = "Binance-Withdraw-History-202601011200(UTC--6)_ab.zip";
        let member = format!("{archive}/part-00000-1.csv");
        let s = sniff(&member, Some(archive), &grid, &opts).unwrap();
        assert_eq!(s.kind, FileKind::Withdrawals);
        assert_eq!(s.tz, TzSpec::Fixed(-6 * 3600));
        assert!(
            s.tz_note.ends_with("(from the archive name)"),
            "{}",
            s.tz_note
        );
        // The member's own name wins over the archive's.
        let own = format!("{archive}/Deposit(UTC+2).csv");
        let s = sniff(&own, Some(archive), &grid, &opts).unwrap();
        assert_eq!(s.kind, FileKind::Deposits);
        assert_eq!(s.tz, TzSpec::Fixed(2 * 3600));
        // Without the archive the member's name says neither: refused.
        assert!(sniff(&member, None, &grid, &opts).is_err());
    }

    #[test]
    fn header_offset_wins_and_a_different_file_name_offset_is_flagged() {
        let grid = |h: &str| Grid {
            header: h.split(',').map(String::from).collect(),
            header_row: 1,
            ..Grid::default()
        };
        let opts = SniffOptions::default();
        let g = grid("Date(UTC+1),Pair,Side,Price,Executed,Amount,Fee");
        let s = sniff(
            "Binance-Spot-Trade-History-202601011200(UTC+7).csv",
            None,
            &g,
            &opts,
        )
        .unwrap();
        assert_eq!(s.tz, TzSpec::Fixed(3600));
        let codes: Vec<&str> = s.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, ["tz-conflict"]);
        assert!(s.warnings[0]
            .message
            .contains("says UTC+01:00 but the file name says UTC+07:00"));
        // A member saying UTC inside an archive named (UTC+8): flagged too.
        let g8 = grid("Date(UTC),Pair,Side,Price,Executed,Amount,Fee");
        let archive = "Binance-Spot-Trade-History-202601011200(UTC+8)_ab.zip";
        let s = sniff(&format!("{archive}/part-0.csv"), Some(archive), &g8, &opts).unwrap();
        assert_eq!(s.tz, TzSpec::Fixed(8 * 3600));
        assert!(
            s.warnings.iter().any(|w| w.code == "tz-conflict"),
            "{:?}",
            s.warnings
        );
        // The same offset in both places: no warning.
        let s = sniff("Binance-Spot-Trade-History(UTC+1).csv", None, &g, &opts).unwrap();
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn a_zone_in_a_folder_name_is_not_read_and_the_warning_says_so() {
        let grid = Grid {
            header: "Date,Coin,Amount,TransactionFee,Address,TXID,SourceAddress,PaymentID,Status"
                .split(',')
                .map(String::from)
                .collect(),
            header_row: 1,
            ..Grid::default()
        };
        let display = "exports (UTC+8)/withdraw-history.csv";
        let s = sniff(display, None, &grid, &SniffOptions::default()).unwrap();
        assert_eq!(s.tz, TzSpec::Fixed(0));
        assert_eq!(
            s.tz_note,
            "UTC (assumed: no zone in the header, file name or archive name)"
        );
        let w: Vec<&Warning> = s
            .warnings
            .iter()
            .filter(|w| w.code == "tz-unknown")
            .collect();
        assert_eq!(w.len(), 1, "{:?}", s.warnings);
        assert_eq!(
            w[0].message,
            "the time column `date` names no time zone, and neither the file name nor an archive \
             name carries an offset such as `(UTC+8)` (a zone in a folder name is not read); \
             times were read as UTC. If the export was made in local time, pass --tz ZONE \
             (e.g. --tz +08:00 or --tz Asia/Singapore)"
        );
        // --tz sets it, with no warning.
        let opts = SniffOptions {
            tz: Some(TzSpec::Fixed(8 * 3600)),
            ..SniffOptions::default()
        };
        let s = sniff(display, None, &grid, &opts).unwrap();
        assert_eq!(s.tz, TzSpec::Fixed(8 * 3600));
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn direction_from_names() {
        use crate::model::Direction;
        assert_eq!(
            direction_from_name("a/Binance-Deposit-History.csv"),
            Some(Direction::Deposit)
        );
        assert_eq!(
            direction_from_name("withdrawal_history (2).xlsx"),
            Some(Direction::Withdrawal)
        );
        assert_eq!(direction_from_name("history.csv"), None);
        assert_eq!(
            direction_from_name("Storico-Prelievo.csv"),
            Some(Direction::Withdrawal)
        );
        assert_eq!(
            direction_from_name("Yatırma-Geçmişi.xlsx"),
            Some(Direction::Deposit)
        );
        assert_eq!(
            direction_from_name("Riwayat-Penarikan.csv"),
            Some(Direction::Withdrawal)
        );
        assert_eq!(direction_from_name("deposit-and-withdraw.csv"), None);
    }
}
