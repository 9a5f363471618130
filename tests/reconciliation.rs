//! Reconciliation through the command line (issue 4): `--balances`, the
//! three-way match, located residuals, and the faults named in the issue.
//! Every expected value is worked out by hand from the files written here
//! (comments show the arithmetic) or, for the generated statement,
//! independently in integer satoshis.

#[path = "support/statement_gen.rs"]
mod statement_gen;
#[path = "support/analyze.rs"]
mod support;

use serde_json::{json, Value};
use support::{analyze, d, nets, write};

const HEAD: &str = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n";

fn row<'a>(doc: &'a Value, wallet: &str, asset: &str) -> &'a Value {
    doc["reconciliation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["wallet"] == wallet && r["asset"] == asset)
        .unwrap_or_else(|| panic!("no row {wallet} {asset}"))
}

#[test]
fn generated_statement_with_daily_balances_locates_the_missing_row_to_its_day() {
    use statement_gen::*;
    let dir = tempfile::tempdir().unwrap();
    let days = 20;
    let full = rows(20_000, days, 9);
    // Lose the first row of day 13 (0-based).
    let k = full
        .iter()
        .position(|g| g.time >= T0 + 13 * DAY_MS)
        .unwrap();
    let lost = full[k].clone();
    let mut cut = full.clone();
    cut.remove(k);
    let st = write(dir.path(), "statement.csv", &statement_csv(&cut));
    let bal = write(
        dir.path(),
        "balances.csv",
        &balances_csv(&daily_snapshots(&full, days, 0)),
    );
    let run = analyze(&[st], &["--balances", bal.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.doc();
    let rows = doc["reconciliation"].as_array().unwrap();
    assert_eq!(rows.len(), 8);
    for r in rows {
        let (w, a) = (r["wallet"].as_str().unwrap(), r["asset"].as_str().unwrap());
        let sum: i128 = cut
            .iter()
            .filter(|g| g.wallet == w && g.coin == a)
            .map(|g| i128::from(g.sats))
            .sum();
        assert_eq!(d(r["net_change"].as_str().unwrap()), d(&fmt8(sum)));
        assert_eq!(r["opening"], "0", "{w} {a}");
        assert!(r["opening_source"]
            .as_str()
            .unwrap()
            .starts_with("balances file line"));
        if w == lost.wallet && a == lost.coin {
            assert_eq!(
                d(r["residual"].as_str().unwrap()),
                d(&fmt8(i128::from(lost.sats)))
            );
            // End of day 12 (2024-01-13) and end of day 13 (2024-01-14).
            assert_eq!(
                r["residual_located"],
                json!({"after": "2024-01-13T23:59:59.999Z", "by": "2024-01-14T23:59:59.999Z"})
            );
        } else {
            assert_eq!(r["residual"], "0", "{w} {a}");
            assert_eq!(r.get("residual_located"), None);
        }
    }
}

#[test]
fn missing_withdrawal_row_is_listed_and_shows_as_the_residual() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{HEAD}1,2024-03-01 10:00:00,Spot,Deposit,USDT,500.00000000,\n\
             1,2024-03-01 12:30:00,Spot,Withdraw,USDT,-101.00000000,\n\
             1,2024-03-02 09:00:00,Spot,Deposit,USDT,1.00000000,\n"
        ),
    );
    // The second withdrawal (49 + fee 1) is missing from the statement.
    let wd = write(
        dir.path(),
        "Binance-Withdraw-History-Report-2024-03-02.csv",
        "Date(UTC+0),Coin,Network,Amount,Fee,Address,TXID,Status\n\
         24-03-01 12:10:00,USDT,TRX,100.00000000,1.00000000,TADDR1,tx1,Completed\n\
         24-03-01 20:00:00,USDT,TRX,49.00000000,1.00000000,TADDR2,tx2,Completed\n",
    );
    // Balances the user remembers: 0 before, 399 after the first withdrawal,
    // 349 at the end of the day (the real 50 left at 20:00), 350 the next day.
    let bal = write(
        dir.path(),
        "balances.csv",
        "asset,balance,time\n\
         USDT,0,2024-03-01 09:00\n\
         USDT,399,2024-03-01 15:00\n\
         USDT,349,2024-03-01T23:59:59Z\n\
         USDT,350,2024-03-02\n",
    );
    let run = analyze(&[st, wd], &["--balances", bal.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = row(run.doc(), "Spot", "USDT");
    // Counted: 500 − 100 − 1 + 1 = 400; by category deposit 501, withdrawal −100, fee −1.
    assert_eq!(r["net_change"], "400");
    assert_eq!(
        r["by_category"],
        json!({"deposit": "501", "withdrawal": "-100", "withdrawal_fee": "-1"})
    );
    let unmatched = r["unmatched_rows"].as_array().unwrap();
    assert_eq!(unmatched.len(), 1);
    assert!(unmatched[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("Binance-Withdraw-History-Report-2024-03-02.csv"));
    assert_eq!(unmatched[0]["row"], 3);
    // Opening 0; expected 400; observed 350: residual −50 = −(49 + 1).
    assert_eq!(r["opening"], "0");
    assert_eq!(r["expected_closing"], "400");
    assert_eq!(r["observed_closing"], "350");
    assert_eq!(r["residual"], "-50");
    assert_eq!(
        r["residual_located"],
        json!({"after": "2024-03-01T15:00:00.000Z", "by": "2024-03-01T23:59:59.000Z"})
    );
}

#[test]
fn duplicated_export_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEAD}1,2024-04-01 10:00:00,Spot,Deposit,SOL,2.5,\n\
         1,2024-04-01 11:00:00,Spot,Withdraw,SOL,-0.5,\n\
         1,2024-04-01 12:00:00,Spot,Deposit,USDT,30,\n"
    );
    let a = write(dir.path(), "statement-a.csv", &text);
    let b = write(dir.path(), "statement-copy.csv", &text);
    let run = analyze(&[a, b], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Once: SOL 2.5 − 0.5 = 2; USDT 30.
    assert_eq!(run.net(), nets(&[("SOL", "2"), ("USDT", "30")]));
    let dup: u64 = ["statement-a.csv", "statement-copy.csv"]
        .iter()
        .map(|n| run.input(n)["rows_duplicate"].as_u64().unwrap())
        .sum();
    assert_eq!(dup, 3);
}

#[test]
fn fee_in_bnb_matches_the_statement_legs_and_lists_a_fill_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{HEAD}1,2021-05-09 19:00:00,Spot,Deposit,USDT,100,\n\
             1,2021-05-09 19:00:00,Spot,Deposit,BNB,0.1,\n\
             1,2021-05-09 19:20:01,Spot,Transaction Buy,VET,50.00000000,\n\
             1,2021-05-09 19:20:01,Spot,Transaction Spend,USDT,-10.00000000,\n\
             1,2021-05-09 19:20:02,Spot,Transaction Fee,BNB,-0.00001200,\n\
             1,2021-05-09 20:00:00,Spot,Deposit,USDT,1,\n"
        ),
    );
    let tr = write(
        dir.path(),
        "Binance-Spot-Trade-History.csv",
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n\
         2021-05-09 19:20:01,VETUSDT,BUY,0.2000000000,50.0000000000VET,10.00000000USDT,0.0000120000BNB\n\
         2021-05-09 19:40:00,VETUSDT,BUY,0.2000000000,10.0000000000VET,2.00000000USDT,0.0000024000BNB\n",
    );
    let run = analyze(&[st, tr], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Statement only: VET 50; USDT 100 − 10 + 1 = 91; BNB 0.1 − 0.000012 = 0.099988.
    assert_eq!(
        run.net(),
        nets(&[("BNB", "0.099988"), ("USDT", "91"), ("VET", "50")])
    );
    let doc = run.doc();
    assert_eq!(
        row(doc, "Spot", "BNB")["by_category"]["trade_fee"],
        "-0.000012"
    );
    // The 19:40 fill has no statement legs: each of its three legs is listed (row 3).
    for asset in ["VET", "USDT", "BNB"] {
        let u = row(doc, "Spot", asset)["unmatched_rows"]
            .as_array()
            .unwrap();
        assert_eq!(u.len(), 1, "{asset}");
        assert_eq!(u[0]["row"], 3, "{asset}");
    }
}

#[test]
fn dust_conversion_of_two_assets_into_bnb() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{HEAD}1,2024-05-01 10:00:00,Spot,Deposit,ADA,0.5,\n\
             1,2024-05-01 10:00:00,Spot,Deposit,XRP,0.3,\n\
             1,2024-05-02 10:00:00,Spot,Small Assets Exchange BNB,ADA,-0.50000000,\n\
             1,2024-05-02 10:00:00,Spot,Small Assets Exchange BNB,BNB,0.00041000,\n\
             1,2024-05-02 10:00:00,Spot,Small Assets Exchange BNB,XRP,-0.30000000,\n\
             1,2024-05-02 10:00:00,Spot,Small Assets Exchange BNB,BNB,0.00022000,\n"
        ),
    );
    let bal = write(
        dir.path(),
        "balances.csv",
        "asset,balance\nADA,0\nXRP,0\nBNB,0.00063\n",
    );
    let run = analyze(&[st], &["--balances", bal.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.doc();
    // BNB 0.00041 + 0.00022 = 0.00063, all dust; ADA and XRP back to 0.
    assert_eq!(
        row(doc, "Spot", "BNB")["by_category"],
        json!({"dust": "0.00063"})
    );
    assert_eq!(
        row(doc, "Spot", "ADA")["by_category"],
        json!({"deposit": "0.5", "dust": "-0.5"})
    );
    for a in ["ADA", "XRP", "BNB"] {
        assert_eq!(row(doc, "Spot", a)["residual"], "0", "{a}");
        // Untimed balances are the end of the exports.
        assert_eq!(row(doc, "Spot", a)["observed_at"], Value::Null, "{a}");
    }
}

#[test]
fn earn_subscription_and_a_larger_redemption() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{HEAD}1,2024-06-01 00:00:00,Spot,Deposit,USDT,1000,\n\
             1,2024-06-01 01:00:00,Spot,Simple Earn Flexible Subscription,USDT,-600,\n\
             1,2024-06-02 00:00:00,Spot,Simple Earn Flexible Interest,USDT,0.05,\n\
             1,2024-06-03 00:00:00,Spot,Simple Earn Flexible Redemption,USDT,600.5,\n"
        ),
    );
    let bal = write(
        dir.path(),
        "balances.csv",
        "asset,balance,wallet,time\n\
         USDT,400,Spot,2024-06-01T02:00:00Z\n\
         USDT,1000.55,Spot,2024-06-04T00:00:00Z\n",
    );
    let run = analyze(&[st], &["--balances", bal.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = row(run.doc(), "Spot", "USDT");
    // Earn: −600 + 0.05 + 600.5 = 0.55; net 1000.55. No snapshot before the
    // first row: opening zero at the first export row.
    assert_eq!(r["by_category"], json!({"deposit": "1000", "earn": "0.55"}));
    assert_eq!(r["opening"], Value::Null);
    assert!(r["opening_source"]
        .as_str()
        .unwrap()
        .starts_with("zero at the first export row (2024-06-01T00:00:00.000Z)"));
    assert_eq!(r["expected_closing"], "1000.55");
    assert_eq!(r["residual"], "0");
    assert_eq!(r["observed_at"], "2024-06-04T00:00:00.000Z");
}

#[test]
fn internal_transfers_net_to_zero_unless_a_side_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{HEAD}1,2024-07-01 00:00:00,Spot,Deposit,PEPE,1000,\n\
             1,2024-07-01 00:00:00,Spot,Deposit,BTC,1,\n\
             1,2024-07-01 01:00:00,Spot,Transfer Between Spot and Funding,PEPE,-400,\n\
             1,2024-07-01 01:00:00,Funding,Transfer Between Spot and Funding,PEPE,400,\n\
             1,2024-07-01 02:00:00,Spot,Transfer Between Spot and Funding,BTC,-0.1,\n"
        ),
    );
    let run = analyze(&[st], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let w = run.by_wallet();
    assert_eq!(w[&("Spot".into(), "PEPE".into())], d("600"));
    assert_eq!(w[&("Funding".into(), "PEPE".into())], d("400"));
    // BTC left Spot for Funding, but no Funding row received it.
    assert_eq!(run.doc()["transfer_imbalances"], json!({"BTC": "-0.1"}));
}

#[test]
fn withdrawal_fee_inside_the_statement_change_is_split_out() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{HEAD}1,2024-02-01 09:00:00,Spot,Deposit,USDT,100,\n\
             1,2024-02-01 10:26:00,Spot,Withdraw,USDT,-50.00000000,Withdraw fee is included\n"
        ),
    );
    let wd = write(
        dir.path(),
        "Binance-Withdraw-History.csv",
        "Date(UTC+0),Coin,Network,Amount,Fee,Address,TXID,Status\n\
         24-02-01 10:00:00,USDT,TRX,49.00000000,1.00000000,TADDR,txid1,Completed\n",
    );
    let run = analyze(&[st, wd], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = row(run.doc(), "Spot", "USDT");
    // Gross −50 (26 min after the history row) = 49 net + 1 fee; counted once.
    assert_eq!(
        r["by_category"],
        json!({"deposit": "100", "withdrawal": "-49", "withdrawal_fee": "-1"})
    );
    assert_eq!(r["net_change"], "50");
    assert_eq!(r["unmatched_rows"], json!([]));
}

#[test]
fn futures_funding_fees_match_the_transaction_history() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{HEAD}1,2024-03-01 00:00:00,USDT-Futures,Funding Fee,USDT,-0.03120000,\n\
             1,2024-03-01 08:00:00,USDT-Futures,Funding Fee,USDT,0.01500000,\n\
             1,2024-03-01 16:00:00,USDT-Futures,Funding Fee,USDT,-0.00710000,\n"
        ),
    );
    let fx = write(
        dir.path(),
        "futures-transaction-history.csv",
        "Date(UTC),type,Amount,Asset,Symbol,Transaction ID\n\
         2024-03-01 00:00:00,FUNDING_FEE,-0.0312,USDT,BTCUSDT,1\n\
         2024-03-01 08:00:00,FUNDING_FEE,0.015,USDT,BTCUSDT,2\n\
         2024-03-01 12:00:00,FUNDING_FEE,-0.002,USDT,BTCUSDT,3\n\
         2024-03-01 16:00:00,FUNDING_FEE,-0.0071,USDT,BTCUSDT,4\n",
    );
    let run = analyze(&[st, fx], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = row(run.doc(), "USD-M Futures", "USDT");
    // −0.0312 + 0.015 − 0.0071 = −0.0233, all futures; the 12:00 fee is not in
    // the statement: listed (row 4), not counted.
    assert_eq!(r["by_category"], json!({"futures": "-0.0233"}));
    let u = r["unmatched_rows"].as_array().unwrap();
    assert_eq!(u.len(), 1);
    assert_eq!(u[0]["row"], 4);
}

#[test]
fn bad_balances_file_is_refused_with_line_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!("{HEAD}1,2024-03-01 00:00:00,Spot,Deposit,USDT,1,\n"),
    );
    let bal = write(
        dir.path(),
        "balances.csv",
        "asset,balance\nUSDT,\"12,5\"\nBTC,1e\n",
    );
    let run = analyze(&[st], &["--balances", bal.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    for part in ["balances.csv", "line 2", "`balance`", "12,5"] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
    assert!(run.doc.is_none());
}
