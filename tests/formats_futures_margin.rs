//! Futures and margin exports (FORMATS.md §5): one test per example file of
//! `../shared/formats/examples/` (copied to `tests/fixtures/formats/`), with
//! the kind, layout, row counts and the net change per asset worked out by
//! hand from the file; then the book rules (the futures transaction history
//! is the book of the futures wallet; trades add only what it does not cover).

#[path = "support/analyze.rs"]
mod support;

use support::{analyze, d, fixture, nets, write};

fn formats(name: &str) -> std::path::PathBuf {
    fixture(&format!("formats/{name}"))
}

fn assert_input(run: &support::Run, name: &str, kind: &str, layout: &str, rows: u64) {
    let i = run.input(name);
    assert_eq!(i["kind"], kind, "{name}");
    assert_eq!(i["layout"], layout, "{name}");
    assert_eq!(i["rows_read"], rows, "{name}");
    assert_eq!(i["rows_normalized"], rows, "{name}");
    assert_eq!(i["rows_rejected"], 0, "{name}");
}

#[test]
fn futures_trade_history_v1_counts_fees_and_realized_pnl_only() {
    let run = analyze(&[formats("futures-trade-history-v1.csv")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_input(
        &run,
        "futures-trade-history-v1.csv",
        "futures-trades",
        "futures-trades/v1",
        4,
    );
    // Fees 0.156 + 0.157 + 1.04 + 1.0352 = 2.3882 USDT; realized PnL 0 + 2.5 + 0 − 12 = −9.5.
    // Net −9.5 − 2.3882 = −11.8882; no BTC or ETH moves (a futures trade moves no asset).
    assert_eq!(run.net(), nets(&[("USDT", "-11.8882")]));
    let w = run.by_wallet();
    assert_eq!(w[&("USD-M Futures".into(), "USDT".into())], d("-11.8882"));
    // `Date(UTC)` says UTC: no time-zone warning.
    assert!(run.warnings("futures-trade-history-v1.csv").is_empty());
}

#[test]
fn futures_trade_history_v2_reads_spaced_fees_per_margin_asset() {
    let run = analyze(&[formats("futures-trade-history-v2.csv")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_input(
        &run,
        "futures-trade-history-v2.csv",
        "futures-trades",
        "futures-trades/v2",
        4,
    );
    // BTCUSDC: PnL 0 + 0.777, fees 0.29528919 + 0.29560000 = 0.59088919 → 0.18611081 USDC.
    // COMPUSDT: PnL −4.43848 − 1.018 = −5.45648, fees 0.00550014 + 0.00126150 = 0.00676164
    //           → −5.46324164 USDT.
    assert_eq!(
        run.net(),
        nets(&[("USDC", "0.18611081"), ("USDT", "-5.46324164")])
    );
    // `Uid` is the account's user id.
    assert_eq!(run.doc()["accounts"][0]["account"], "90000001");
}

#[test]
fn futures_transaction_history_v1_is_the_wallets_balance_changes() {
    let run = analyze(&[formats("futures-transaction-history-v1.csv")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let name = "futures-transaction-history-v1.csv";
    assert_input(
        &run,
        name,
        "futures-transactions",
        "futures-transactions/v1",
        4,
    );
    // 500 (TRANSFER) − 0.156 (COMMISSION) + 2.5 (REALIZED_PNL) − 0.0312 (FUNDING_FEE) = 502.3128.
    assert_eq!(run.net(), nets(&[("USDT", "502.3128")]));
    let row = &run.doc()["reconciliation"][0];
    assert_eq!(row["wallet"], "USD-M Futures");
    // by category: transfer 500; futures −0.156 + 2.5 − 0.0312 = 2.3128.
    assert_eq!(row["by_category"]["transfer"], "500");
    assert_eq!(row["by_category"]["futures"], "2.3128");
}

#[test]
fn futures_transaction_history_v2_time_header() {
    let run = analyze(&[formats("futures-transaction-history-v2-time.csv")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let name = "futures-transaction-history-v2-time.csv";
    assert_input(
        &run,
        name,
        "futures-transactions",
        "futures-transactions/v1",
        3,
    );
    // 1.5 − 0.08 + 0.0123 = 1.4323.
    assert_eq!(run.net(), nets(&[("USDT", "1.4323")]));
    // A bare `Time` column and no offset in the file name: zone unknown.
    assert_eq!(run.warnings(name), vec!["tz-unknown"]);
    // YY dates: first row 24-01-02 03:04:05 read as UTC.
    assert_eq!(run.input(name)["first_time"], "2024-01-02T03:04:05.000Z");
}

#[test]
fn margin_borrow_repay_history() {
    let run = analyze(&[formats("margin-borrow-repay-history-v1.csv")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let name = "margin-borrow-repay-history-v1.csv";
    assert_input(&run, name, "margin", "margin-loans/v1", 3);
    // +0.0345 (borrow) − 0.0345 (repay) + 150 (borrow) = 150 USDT, category margin;
    // the Pair column names isolated pairs.
    assert_eq!(run.net(), nets(&[("USDT", "150")]));
    let row = &run.doc()["reconciliation"][0];
    assert_eq!(row["wallet"], "Isolated Margin");
    assert_eq!(row["by_category"]["margin"], "150");
}

#[test]
fn margin_interest_history() {
    let run = analyze(&[formats("margin-interest-history-v1.csv")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let name = "margin-interest-history-v1.csv";
    assert_input(&run, name, "margin", "margin-interest/v1", 3);
    // −(0.00000125 + 0.00000125 + 0.005125) = −0.0051275 USDT.
    assert_eq!(run.net(), nets(&[("USDT", "-0.0051275")]));
}

#[test]
fn with_the_transaction_history_trade_fees_and_pnl_are_not_counted_twice() {
    let run = analyze(
        &[
            formats("futures-trade-history-v1.csv"),
            formats("futures-transaction-history-v1.csv"),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The transaction history spans 2022-03-11 22:00:00 … 2022-03-12 00:00:00 and is the book
    // there: 502.3128. Inside it, trade 1's fee (−0.156) and trade 2's PnL (+2.5) match its
    // rows; trade 2's fee (−0.157, line 3) has no COMMISSION row: listed, not counted. Trades 3
    // and 4 (01:00, 03:30 on 03-12) lie outside it and add −1.04 − 1.0352 − 12 = −14.0752.
    // 502.3128 − 14.0752 = 488.2376.
    assert_eq!(run.net(), nets(&[("USDT", "488.2376")]));
    let row = &run.doc()["reconciliation"][0];
    let unmatched = row["unmatched_rows"].as_array().unwrap();
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert!(unmatched[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("futures-trade-history-v1.csv"));
    assert_eq!(unmatched[0]["row"], 3);
}

#[test]
fn old_futures_variants_quote_asset_and_position_side() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "futures-trades.csv",
        "Time(UTC),Symbol,Side,Position Side,Order Type,Price,Quantity,Amount,Fee,Realized Profit,Quote Asset\n\
         2023-05-01 10:00:00,ETHBUSD,BUY,LONG,LIMIT,1800,2,3600,0.72,0,BUSD\n\
         2023-05-01 11:00:00,ETHBUSD,SELL,LONG,MARKET,1850,2,3700,1.48,100,BUSD\n",
    );
    let run = analyze(&[f], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_input(
        &run,
        "futures-trades.csv",
        "futures-trades",
        "futures-trades/v1",
        2,
    );
    // BUSD: −0.72 − 1.48 + 100 = 97.8.
    assert_eq!(run.net(), nets(&[("BUSD", "97.8")]));
}

#[test]
fn unconfirmed_margin_rows_are_ignored_and_cross_margin_has_no_pair() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "margin.csv",
        "Pair,Coin,Date,Amount,Type,Status\n\
         ,BTC,2021-05-25 12:00:00,0.5,Borrow,CONFIRMED\n\
         --,BTC,2021-05-26 12:00:00,0.2,Repay,CONFIRMED\n\
         ,BTC,2021-05-27 12:00:00,9,Borrow,FAILED\n",
    );
    let run = analyze(&[f], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let i = run.input("margin.csv");
    assert_eq!(
        (i["rows_read"].as_u64(), i["rows_normalized"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(i["rows_ignored"], 1);
    // 0.5 − 0.2 = 0.3 BTC in the cross margin wallet; the failed 9 BTC changes nothing.
    assert_eq!(
        run.by_wallet(),
        [(("Cross Margin".to_string(), "BTC".to_string()), d("0.3"))].into()
    );
}
