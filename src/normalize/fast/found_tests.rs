//! The five disagreements the adversarial tests (`fuzz_tests.rs`,
//! `mutation_tests.rs`) first found — a line over the length limit inside
//! one block, a byte-order mark opening the rows, a `User_ID` column in a
//! trade history, a cache key two cells could share, a NUL byte in the
//! first 8 KiB past the first buffer — each with its exact input, kept fixed.

use super::fuzz_tests::*;
use super::*;
use crate::ingest::read_general;
use crate::normalize::normalize_file;

/// A statement with 70 ordinary rows, then one row whose Remark is 1.1 MB
/// (a line longer than the general reader's 1 MiB limit), then one more row.
fn long_line_statement() -> String {
    let mut text = String::from(S_HEAD);
    for _ in 0..70 {
        text += S_ROW;
    }
    text += "71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,";
    text += &"x".repeat(1_100_000);
    text += "\n";
    text += S_ROW;
    text
}

// Input: "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
//        + 70 × "71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\n"
//        + "71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5," + "x" × 1_100_000 + "\n"
//        + "71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\n"
// block 16 MiB (the production BLOCK), default options, name `s.csv`.
// General: refused ("s.csv line 72: line longer than 1048576 bytes").
// The fast reader used to take it (the limit was only checked on the carry
// between blocks); it now checks every line and gives up.
#[test]
fn line_longer_than_the_limit_inside_one_block() {
    let text = long_line_statement();
    let general = read_general("s.csv", None, text.as_bytes(), &SniffOptions::default())
        .and_then(|raw| normalize_file(raw, "acct", false));
    let Err(e) = general else {
        panic!("the general path refuses the long line")
    };
    assert!(
        e.to_string()
            .starts_with("s.csv line 72: line longer than 1048576 bytes"),
        "{e}"
    );
    let fast = compare("s.csv", text.as_bytes(), &SniffOptions::default(), 16 << 20);
    assert!(fast.is_none(), "left to the general path");
}

// Input (name `t.csv`, default options, any block size):
//   "Date(UTC),Pair,Side,Price,Executed,Amount,Fee,User_ID\n"
//   "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.001BTC,42USDT,0.042USDT,12345\n"
// The header resolves to spot-trades/v2 with the extra column as user_id.
// General: `file_user_ids` = {"12345"}; the fast reader used to collect
// user ids for statements only (giving {}); it now reads the column in
// every kind.
#[test]
fn user_id_column_in_a_trade_history() {
    let text = "Date(UTC),Pair,Side,Price,Executed,Amount,Fee,User_ID\n\
                2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.001BTC,42USDT,0.042USDT,12345\n";
    compare("t.csv", text.as_bytes(), &SniffOptions::default(), 64).expect("taken");
    let v1 = "Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin,User_ID\n\
              2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.001,42,0.042,USDT,12345\n";
    compare("t.csv", v1.as_bytes(), &SniffOptions::default(), 64).expect("taken");
}

/// A T1 trade history padded past 8 KiB (where the binary check stops),
/// then pairs of rows whose (Market, Fee Coin) join to the same cache key
/// with the NUL separator the fast reader uses.
fn nul_key_collision() -> String {
    let mut text = String::from(T1_HEAD);
    while text.len() < 9000 {
        text += "2024-01-01 00:00:00,BTCUSDT,BUY,1,1,1,0.01,BNB\n";
    }
    for _ in 0..8 {
        text += "2024-01-01 00:00:00,BTCUSDT,BUY,1,1,1,0.01,BNB\u{0}X\n";
        text += "2024-01-01 00:00:00,BTCUSDT\u{0}BNB,BUY,1,1,1,0.01,X\n";
    }
    text
}

// Input: T1 header "Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n",
// ~190 rows "2024-01-01 00:00:00,BTCUSDT,BUY,1,1,1,0.01,BNB\n" (past 8 KiB),
// then the two rows
//   "2024-01-01 00:00:00,BTCUSDT,BUY,1,1,1,0.01,BNB\0X\n"
//   "2024-01-01 00:00:00,BTCUSDT\0BNB,BUY,1,1,1,0.01,X\n"
// (repeated). Block 1 MiB, default options, name `t.csv`.
// With a NUL-separated cache key both rows gave "BTCUSDT\0BNB\0X" and the
// second row got the first's symbol "BTCUSDT" / "BTC" / "USDT" where the
// general path reads "BTCUSDT\0BNB" / "BTCUSDT\0" / "BNB"; the key is now
// length-prefixed.
#[test]
fn nul_in_market_collides_in_the_market_cache() {
    let text = nul_key_collision();
    compare("t.csv", text.as_bytes(), &SniffOptions::default(), 1 << 20).expect("taken");
}

// Input: a statement whose 64 first lines fit in the first block, then a
// NUL byte before byte 8192: header + 70 × S_ROW, with the Remark of row 68
// = "\0" (at about byte 3700). Block 64 bytes (a test block size: the
// production block is 16 MiB, so the first buffer is only under 8 KiB when
// the whole file is). General: refused ("not a text CSV file (binary data
// or not UTF-8)": a NUL in the first 8 KiB). The fast reader used to check
// only its first buffer (here ending after the 64th line); it now reads at
// least 8 KiB before checking.
#[test]
fn nul_in_the_first_8k_after_the_first_buffer() {
    let mut text = String::from(S_HEAD);
    for i in 0..70 {
        if i == 67 {
            text += "71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\u{0}\n";
        } else {
            text += S_ROW;
        }
    }
    assert!(text.len() < 8192);
    assert!(read_general("s.csv", None, text.as_bytes(), &SniffOptions::default()).is_err());
    assert!(compare("s.csv", text.as_bytes(), &SniffOptions::default(), 64).is_none());
}

// Input (name `s.csv`, default options, any block size):
//   "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
//   "\u{feff}71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\n"
// (bytes EF BB BF at the start of the first line after the header).
// The general path hands the body, from the first row on, to the csv
// crate, which strips a BOM at the start of its input: user id "71234567".
// The fast reader used to keep it (user id "\u{feff}71234567"; before a
// Coin column, coin "\u{feff}BTC" against "BTC"); it now leaves such a
// file to the general path.
#[test]
fn bom_opening_the_first_row() {
    let d = SniffOptions::default();
    let text = format!("{S_HEAD}\u{feff}71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\n");
    assert!(compare("s.csv", text.as_bytes(), &d, 64).is_none());
    let text =
        "Coin,UTC_Time,Account,Operation,Change\n\u{feff}btc,2024-01-01 00:00:00,Spot,Deposit,1\n";
    assert!(compare("s.csv", text.as_bytes(), &d, 64).is_none());
    // After an empty line the mark is a character of the cell on both paths.
    let text = format!("{S_HEAD}\n\u{feff}71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\n");
    compare("s.csv", text.as_bytes(), &d, 64);
}
