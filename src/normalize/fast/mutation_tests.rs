//! A small deterministic fuzzer for the fast reader: it mutates valid
//! statements and trade histories and reads each mutant with both paths at
//! several block sizes (`fuzz_tests::check`). Whatever the fast reader takes
//! must be exactly what the general path makes of the file; whatever the
//! general path refuses, the fast reader must leave to it.

use super::fuzz_tests::{check, named, opts_tz, S_HEAD, T1_HEAD, T2_HEAD};
use crate::ingest::sniff::SniffOptions;
use crate::normalize::time::TzSpec;

/// xorshift64*: deterministic, no crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const TOKENS: &[&str] = &[
    "\"", "\"\"", ",", ",,", "\r", "\n", "\r\n", "\n\n", " ", "\t", "\u{a0}", "\u{feff}", "\u{0}",
    "\"x\"", "-", "+", ".", "E", "e", "0", "9", "BTC", "USDT", "ß", "é", "\u{3000}", ":", "/",
];

const CELLS: &[&str] = &[
    // times
    "2024-01-01 00:00:00",
    "2024-02-29 12:00:00",
    "2023-02-29 12:00:00",
    "2024-01-01 24:00:00",
    "2017-06-30 23:59:59",
    "2017-07-01 00:00:00",
    "2017-07-01 07:59:59",
    "2024-03-31 02:30:00",
    "2024-10-27 02:30:00",
    "2024-03-10 02:30:00",
    "2024-11-03 01:30:00",
    "2030-01-01 00:00:00",
    "2024-01-01T00:00:00",
    "2024-01-01 00:00",
    "2024-06-30 23:59:60",
    " 2024-01-01 00:00:00 ",
    // amounts
    "1",
    "-1",
    "+1",
    "-0",
    ".5",
    "5.",
    "1e3",
    "-7E-08",
    "\"1,000.5\"",
    "\"1,00.5\"",
    "$5",
    "€1",
    "1.0000000000000000001",
    "10000000000000001",
    "1.2.3",
    "0.5BTC",
    "0.5 BTC",
    "5.11INCH",
    "2.1USDT",
    "0.001BNB",
    "0.001ETH",
    "-1BTC",
    "BTC",
    "\"1,000.5USDT\"",
    // names
    "btc",
    "1INCH",
    "ETH/BTC",
    "btc_usdt",
    "BTCUSDT",
    "BUY",
    "sell",
    "Kauf",
    "HOLD",
    "Deposit",
    "deposit",
    "Transaction Buy",
    "Zzz New",
    "Fee",
    "SPOT",
    "usdt-futures",
    "Ünï",
    "ß",
    "",
    " ",
    "\"\"",
    "\"a,b\"",
    "\"a\"\"b\"",
    "71234567",
    "99",
];

fn fuzz_bases() -> Vec<(&'static str, String)> {
    let mut s = String::from(S_HEAD);
    let ops = [
        "Deposit",
        "Transaction Buy",
        "Fee",
        "Zzz New Operation",
        "Transaction Spend",
    ];
    let coins = ["BTC", "usdt", "1INCH", "BNB"];
    for i in 0..12 {
        let change = match i % 4 {
            0 => "0.5".to_string(),
            1 => "-0.00000001".to_string(),
            2 => "-7E-08".to_string(),
            _ => "\"1,234.5\"".to_string(),
        };
        let user = if i == 9 { "99" } else { "71234567" };
        s += &format!(
            "{user},2024-01-{:02} 0{}:00:{:02},Spot,{},{},{change},{}\n",
            1 + i,
            i % 10,
            i * 3,
            ops[i % 5],
            coins[i % 4],
            if i % 3 == 0 { "" } else { "a remark" }
        );
    }
    let mut t2 = String::from(T2_HEAD);
    let mut t1 = String::from(T1_HEAD);
    for i in 0..10 {
        let (pair, b, q) = match i % 3 {
            0 => ("BTCUSDT", "BTC", "USDT"),
            1 => ("1INCHUSDT", "1INCH", "USDT"),
            _ => ("ETH/BTC", "ETH", "BTC"),
        };
        let side = if i % 2 == 0 { "BUY" } else { "sell" };
        t2 += &format!(
            "2024-01-01 00:{:02}:00,{pair},{side},0.5,{}.5{b},2.1{q},0.001BNB\n",
            i,
            i % 7 + 1
        );
        t1 += &format!(
            "2024-01-01 00:{:02}:00,{pair},{side},0.5,{}.5,2.1,0.01,{}\n",
            i,
            i % 7 + 1,
            if i % 4 == 0 { "bnb" } else { b }
        );
    }
    let es = String::from("ID de usuario,Tiempo,Cuenta,Operación,Moneda,Cambio,Observación\n")
        + "7,2024-10-27 01:30:00,Spot,Deposit,BTC,0.1,\n"
        + "7,2024-10-27 02:30:00,Spot,Deposit,BTC,0.2,\n"
        + "7,2024-10-27 02:45:10,Spot,Withdraw,BTC,-0.3,\n";
    vec![
        ("Binance-Transaction-History-202401050000(UTC+0)_ab.csv", s),
        ("Binance-Spot-Trade-History-202401010005(UTC+8)_ab.csv", t2),
        ("trades-v1(UTC-5).csv", t1),
        ("statement.csv", es),
    ]
}

fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut b: Vec<u8> = text.as_bytes().to_vec();
    let n = 1 + rng.below(3);
    for _ in 0..n {
        match rng.below(12) {
            // a token at the start of a line
            10 => {
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(
                        b.iter()
                            .enumerate()
                            .filter(|(_, c)| **c == b'\n')
                            .map(|(i, _)| i + 1),
                    )
                    .collect();
                let at = *rng.pick(&starts);
                let t = *rng.pick(TOKENS);
                b.splice(at..at, t.bytes());
            }
            // one more column: a header name, and a value on every row
            11 => {
                let s = String::from_utf8_lossy(&b).to_string();
                let extra = *rng.pick(&["Extra", "", "Total", "Remark", "Fee Coin", "Date(UTC)"]);
                let value = *rng.pick(CELLS);
                let lines: Vec<String> = s
                    .split('\n')
                    .enumerate()
                    .map(|(i, l)| match (i, l.is_empty()) {
                        (0, _) => format!("{l},{extra}"),
                        (_, true) => String::new(),
                        _ => format!("{l},{value}"),
                    })
                    .collect();
                b = lines.join("\n").into_bytes();
            }
            // insert a token
            0 | 1 => {
                let at = rng.below(b.len() + 1);
                let t = rng.pick(TOKENS).as_bytes();
                b.splice(at..at, t.iter().copied());
            }
            // overwrite one byte with a token
            2 => {
                if !b.is_empty() {
                    let at = rng.below(b.len());
                    let t = rng.pick(TOKENS).as_bytes();
                    b.splice(at..at + 1, t.iter().copied());
                }
            }
            // delete a short range
            3 => {
                if !b.is_empty() {
                    let at = rng.below(b.len());
                    let len = 1 + rng.below(4);
                    b.drain(at..(at + len).min(b.len()));
                }
            }
            // replace one cell of one line (naive comma split)
            4..=6 => {
                let s = String::from_utf8_lossy(&b).to_string();
                let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
                let li = 1 + rng.below(lines.len().saturating_sub(1).max(1));
                if li < lines.len() && !lines[li].is_empty() {
                    let mut cells: Vec<String> = lines[li].split(',').map(str::to_string).collect();
                    let ci = rng.below(cells.len());
                    cells[ci] = rng.pick(CELLS).to_string();
                    lines[li] = cells.join(",");
                }
                b = lines.join("\n").into_bytes();
            }
            // a line end changed / an odd line added
            7 => {
                let ends: Vec<usize> = b
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c == b'\n')
                    .map(|(i, _)| i)
                    .collect();
                if !ends.is_empty() {
                    let at = *rng.pick(&ends);
                    let with: &[u8] = match rng.below(7) {
                        0 => b"\r\n",
                        1 => b"\r",
                        2 => b"\n\n",
                        3 => b"\n   \n",
                        4 => b"\n,,,,,,\n",
                        5 => b",\n",
                        _ => b"\n\r\n",
                    };
                    b.splice(at..at + 1, with.iter().copied());
                }
            }
            // duplicate or drop a line
            8 => {
                let s = String::from_utf8_lossy(&b).to_string();
                let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
                let li = rng.below(lines.len());
                if rng.below(2) == 0 {
                    let l = lines[li].clone();
                    lines.insert(li, l);
                } else if lines.len() > 1 {
                    lines.remove(li);
                }
                b = lines.join("\n").into_bytes();
            }
            // truncate, or a BOM / preamble in front
            _ => match rng.below(3) {
                0 => {
                    let at = rng.below(b.len() + 1);
                    b.truncate(at);
                }
                1 => b.splice(0..0, "\u{feff}".bytes()).for_each(drop),
                _ => b.splice(0..0, "Binance export\n".bytes()).for_each(drop),
            },
        }
    }
    b.truncate(b.len().min(1 << 16));
    b
}

/// Mutants as bytes (not necessarily UTF-8).
fn mutate_bytes(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut b = mutate(rng, text);
    // Now and then a byte that breaks UTF-8.
    if rng.below(40) == 0 && !b.is_empty() {
        let at = rng.below(b.len());
        b[at] = 0xff;
    }
    b
}

fn fuzz(seed: u64, rounds: usize) {
    let bases = fuzz_bases();
    let opt_sets = [
        SniffOptions::default(),
        opts_tz(named("Europe/Madrid")),
        opts_tz(named("America/New_York")),
        opts_tz(Some(TzSpec::Fixed(3600))),
    ];
    let mut rng = Rng(seed);
    let mut failures: Vec<String> = Vec::new();
    let (mut taken, mut total) = (0usize, 0usize);
    // Quiet the panics caught in `check`.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for round in 0..rounds {
        let (name, base) = &bases[round % bases.len()];
        let opts = &opt_sets[rng.below(opt_sets.len())];
        let bytes = mutate_bytes(&mut rng, base);
        total += 1;
        let blocks = [1, 2, 7, 33, 4096];
        let res = crate::parallel::serial(|| check(name, &bytes, opts, &blocks));
        match res {
            Ok(t) => taken += usize::from(t),
            Err(e) => {
                let shown = String::from_utf8_lossy(&bytes);
                failures.push(format!(
                    "seed {seed} round {round} {name} tz {:?}\n input {shown:?}\n {e}",
                    opts.tz
                ));
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!("fuzz seed {seed}: {taken} of {total} mutants taken by the fast reader");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(
        taken * 10 > total,
        "too few mutants taken: {taken} of {total}"
    );
}

#[test]
fn fuzz_mutants_seed_1() {
    fuzz(0x9e37_79b9_7f4a_7c15, 3000);
}

#[test]
fn fuzz_mutants_seed_2() {
    fuzz(0xdead_beef_cafe_f00d, 3000);
}

#[test]
fn fuzz_mutants_seed_3() {
    fuzz(0x0123_4567_89ab_cdef, 3000);
}
