//! Local times under a DST zone given with `--tz`: the repeated hour at the
//! end of summer time is read as its earlier instant and flagged.

use binance_forensics::ingest::sniff::SniffOptions;
use binance_forensics::normalize::time::parse_tz_arg;
use binance_forensics::prepare::{prepare, Accounts, InputOptions};

#[test]
fn times_in_the_repeated_dst_hour_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("statement.csv");
    std::fs::write(
        &p,
        "User ID,Time,Account,Operation,Coin,Change,Remark\n\
         9,2024-10-27 01:30:00,Spot,Deposit,USDT,5,\n\
         9,2024-10-27 02:30:00,Spot,Deposit,USDT,1,\n\
         9,2024-10-27 02:45:00,Spot,Deposit,USDT,2,\n\
         9,2024-10-27 03:30:00,Spot,Deposit,USDT,3,\n",
    )
    .unwrap();
    let prep = prepare(
        &InputOptions {
            paths: vec![p],
            sniff: SniffOptions {
                tz: Some(parse_tz_arg("Europe/Madrid").unwrap()),
                ..SniffOptions::default()
            },
            account: None,
            skip_errors: false,
        },
        Accounts::One,
    )
    .unwrap();
    let f = &prep.files[0];
    let w: Vec<_> = f
        .summary
        .warnings
        .iter()
        .filter(|w| w.code == "tz-ambiguous")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", f.summary.warnings);
    // Rows 3 and 4 (02:30, 02:45) are in the repeated hour; row 2 (01:30,
    // CEST) and row 5 (03:30, CET) are not.
    assert_eq!(w[0].row, Some(3));
    assert!(w[0].message.starts_with("2 time(s)"), "{}", w[0].message);
    // 02:30 taken as CEST (UTC+2): 00:30 UTC.
    let t: Vec<i64> = f.rows.ledger.iter().map(|r| r.time).collect();
    assert!(t.contains(&1_729_989_000_000), "{t:?}");
}

#[test]
fn rows_dated_after_the_export_time_in_the_name_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    // Exported 2025-01-02 12:00 UTC+0; the third row is three days later.
    let p = dir
        .path()
        .join("Binance-Transaction-History-202501021200(UTC+0)_ab12.csv");
    std::fs::write(
        &p,
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
         9,2025-01-02 10:00:00,Spot,Deposit,USDT,5,\n\
         9,2025-01-05 10:00:00,Spot,Deposit,USDT,1,\n",
    )
    .unwrap();
    let prep = prepare(
        &InputOptions {
            paths: vec![p],
            sniff: SniffOptions::default(),
            account: None,
            skip_errors: false,
        },
        Accounts::One,
    )
    .unwrap();
    let s = &prep.files[0].summary;
    let w: Vec<_> = s
        .warnings
        .iter()
        .filter(|w| w.code == "after-export")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", s.warnings);
    assert_eq!(w[0].row, Some(3));
    assert!(w[0].message.starts_with("1 row(s)"), "{}", w[0].message);
    // Both rows are still counted: a warning, not a rejection.
    assert_eq!(s.rows_normalized, 2);
}

#[test]
fn a_zone_in_a_folder_name_is_not_read_and_the_warning_says_where_zones_come_from() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("exports (UTC+8)");
    std::fs::create_dir(&folder).unwrap();
    // D1 withdrawals: `Date` names no zone, the file name carries none.
    std::fs::write(
        folder.join("withdraw-history.csv"),
        "Date,Coin,Amount,TransactionFee,Address,TXID,SourceAddress,PaymentID,Status\n\
         2024-01-01 10:00:00,USDT,49,1,TFAKE,tx1,,,Completed\n",
    )
    .unwrap();
    let opts = |tz: Option<&str>| InputOptions {
        paths: vec![dir.path().to_path_buf()],
        sniff: SniffOptions {
            tz: tz.map(|z| parse_tz_arg(z).unwrap()),
            ..SniffOptions::default()
        },
        account: None,
        skip_errors: false,
    };
    let prep = prepare(&opts(None), Accounts::One).unwrap();
    let s = &prep.files[0].summary;
    // Read as UTC, not UTC+8: 10:00 stays 10:00.
    assert_eq!(prep.files[0].rows.transfers[0].time, 1_704_103_200_000);
    assert_eq!(
        s.time_zone,
        "UTC (assumed: no zone in the header, file name or archive name)"
    );
    let w: Vec<&str> = s
        .warnings
        .iter()
        .filter(|w| w.code == "tz-unknown")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        w,
        [
            "the time column `date` names no time zone, and neither the file name nor an archive \
          name carries an offset such as `(UTC+8)` (a zone in a folder name is not read); times \
          were read as UTC. If the export was made in local time, pass --tz ZONE (e.g. --tz \
          +08:00 or --tz Asia/Singapore)"
        ]
    );
    // --tz sets it: 10:00 at UTC+8 is 02:00 UTC.
    let prep = prepare(&opts(Some("+08:00")), Accounts::One).unwrap();
    assert_eq!(prep.files[0].rows.transfers[0].time, 1_704_074_400_000);
    assert!(prep.files[0]
        .summary
        .warnings
        .iter()
        .all(|w| w.code != "tz-unknown"));
}
