//! A hand-built `Analysis` for the renderer tests: one high incident (a
//! burst, an overpay and a withdrawal sweep), one context finding outside
//! any incident, two reconciliation rows, three inputs (one with a warning
//! and a rejection, one whose file name is an HTML injection attempt).

use crate::analysis::{ActivityBucket, Analysis, ReconRow};
use crate::analysis::{Attribution, BalanceFacts, BalanceSeries, RowFacts, UnmatchedRow};
use crate::decimal::Dec;
use crate::detect::finding::{
    Detection, Evidence, Finding, Incident, LossEstimate, Severity, Statistic, Table, Verdict,
};
use crate::model::{Category, FileKind, InputSummary, Origin, Rejection, Warning};
use std::collections::BTreeMap;

/// 2024-06-30T22:00:00.000Z.
pub const T0: i64 = 1_719_784_800_000;
/// A file name that must never reach the HTML unescaped.
pub const XSS: &str = "<script>alert(1)</script>.csv";

pub fn d(s: &str) -> Dec {
    Dec::parse(s).expect("fixture decimal")
}

fn origin(file: &str, row: u32) -> Origin {
    Origin {
        file: file.into(),
        row,
    }
}

fn order(row: u32, dt: i64, price: &str, qty: &str, id: &str) -> Evidence {
    Evidence {
        origin: origin("spot-orders.csv", row),
        table: Table::Orders,
        time: T0 + dt,
        symbol: Some("PEPEUSDT".into()),
        side: Some("BUY".into()),
        price: Some(d(price)),
        qty: Some(d(qty)),
        asset: None,
        order_id: Some(id.into()),
        trade_id: None,
        txid: None,
        address: None,
    }
}

fn fill(row: u32, dt: i64, price: &str, qty: &str, oid: &str, tid: &str) -> Evidence {
    Evidence {
        origin: origin(XSS, row),
        table: Table::Fills,
        trade_id: Some(tid.into()),
        ..order(row, dt, price, qty, oid)
    }
}

fn withdrawal() -> Evidence {
    Evidence {
        origin: origin("withdrawals.csv", 2),
        table: Table::Transfers,
        time: T0 + 1_800_000,
        symbol: None,
        side: Some("withdrawal".into()),
        price: None,
        qty: Some(d("250.5")),
        asset: Some("USDT".into()),
        order_id: None,
        trade_id: None,
        txid: Some("0xabc123".into()),
        address: Some("=cmd".into()),
    }
}

fn finding(id: &str, detector: &str, severity: Severity, evidence: Vec<Evidence>) -> Finding {
    Finding {
        id: id.into(),
        detector: detector.into(),
        severity,
        account: "alice".into(),
        start: evidence.first().map_or(T0, |e| e.time),
        end: evidence.last().map_or(T0, |e| e.time),
        symbols: vec!["PEPEUSDT".into()],
        assets: vec![],
        addresses: vec![],
        txids: vec![],
        value: None,
        statistic: None,
        evidence,
        explanation: String::new(),
    }
}

fn findings() -> Vec<Finding> {
    let burst = Finding {
        statistic: Some(Statistic {
            name: "orders in the busiest 60 s".into(),
            value: Some(14.0),
            threshold: None,
            p_value: Some(3.2e-9),
        }),
        explanation: "14 orders in 60 s against a baseline of 0.02 per minute.".into(),
        ..finding(
            "burst-0001",
            "burst",
            Severity::Medium,
            vec![
                order(2, 60_000, "0.0000125", "8000000", "1001"),
                order(3, 90_000, "0.000013", "8000000", "1002"),
                order(4, 180_000, "0.0000141", "7000000", "1003"),
            ],
        )
    };
    // Overpayment (0.0000141 − 0.0000125) × 7000000 = 0.0000016 × 7e6 = 11.2 USDT.
    let overpay = Finding {
        value: Some(("USDT".into(), d("11.2"))),
        statistic: Some(Statistic {
            name: "sweep within order".into(),
            value: Some(0.128),
            threshold: Some(0.05),
            p_value: Some(f64::NAN),
        }),
        explanation: "Bought PEPE up to 12.8 % above the first fill of the burst.".into(),
        ..finding(
            "overpay-0001",
            "overpay",
            Severity::Medium,
            vec![
                fill(2, 60_500, "0.0000125", "8000000", "1001", "5001"),
                fill(3, 180_500, "0.0000141", "7000000", "1003", "5003"),
            ],
        )
    };
    let sweep = Finding {
        symbols: vec![],
        assets: vec!["USDT".into()],
        addresses: vec!["=cmd".into()],
        txids: vec!["0xabc123".into()],
        value: Some(("USDT".into(), d("250.5"))),
        explanation: "250.5 USDT withdrawn to an address never used before.".into(),
        ..finding(
            "withdrawal-sweep-0001",
            "withdrawal-sweep",
            Severity::High,
            vec![withdrawal()],
        )
    };
    let context = Finding {
        explanation: "No USDT deposit in the 24 h before the burst.".into(),
        ..finding(
            "funding-context-0001",
            "funding-context",
            Severity::Info,
            vec![],
        )
    };
    vec![burst, overpay, sweep, context]
}

fn input(path: &str, kind: FileKind, layout: &str, rows: u64) -> InputSummary {
    InputSummary {
        path: path.into(),
        sha256: "0123456789abcdef".repeat(4),
        kind,
        layout: layout.into(),
        account: "alice".into(),
        time_zone: "UTC (header)".into(),
        first_time: Some(T0 + 60_000),
        last_time: Some(T0 + 180_500),
        rows_read: rows,
        rows_normalized: rows,
        rows_rejected: 0,
        rows_duplicate: 0,
        rows_ignored: 0,
        rejections: vec![],
        warnings: vec![],
    }
}

fn inputs() -> Vec<InputSummary> {
    let orders = InputSummary {
        rows_read: 4,
        rows_normalized: 3,
        rows_ignored: 1,
        rejections: vec![Rejection {
            row: 5,
            column: Some("Status".into()),
            reason: "cancelled with zero fill".into(),
        }],
        warnings: vec![Warning {
            code: "fees-missing".into(),
            row: None,
            message: "order history carries no fees".into(),
        }],
        ..input("spot-orders.csv", FileKind::SpotOrders, "spot-orders/v1", 4)
    };
    let mut withdrawals = input(
        "withdrawals.csv",
        FileKind::Withdrawals,
        "withdrawals/v2",
        1,
    );
    withdrawals.first_time = Some(T0 + 1_800_000);
    withdrawals.last_time = Some(T0 + 1_800_000);
    vec![
        orders,
        input(XSS, FileKind::SpotTrades, "spot-trades/v2", 2),
        withdrawals,
    ]
}

fn recon() -> Vec<ReconRow> {
    // USDT: 500 − 300.9 − 250.5 − 1 = −52.4; expected 100 − 52.4 = 47.6;
    // residual = observed − expected = 47.5 − 47.6 = −0.1.
    let usdt = ReconRow {
        account: "alice".into(),
        wallet: "Spot".into(),
        asset: "USDT".into(),
        opening: Some(d("100")),
        net_change: d("-52.4"),
        by_category: BTreeMap::from([
            (Category::Deposit, d("500")),
            (Category::Buy, d("-300.9")),
            (Category::Withdrawal, d("-250.5")),
            (Category::WithdrawalFee, d("-1")),
            (Category::TradeFee, Dec::ZERO),
        ]),
        expected_closing: Some(d("47.6")),
        observed_closing: Some(d("47.5")),
        residual: Some(d("-0.1")),
        first_negative_at: None,
        unmatched_rows: vec![UnmatchedRow {
            origin: origin("withdrawals.csv", 2),
            table: "transfers",
            time: T0 + 120_000,
            leg: None,
            change: d("-50"),
        }],
    };
    // PEPE: 23000000 − 23000 = 22977000.
    let pepe = ReconRow {
        account: "alice".into(),
        wallet: "Spot".into(),
        asset: "PEPE".into(),
        opening: None,
        net_change: d("22977000"),
        by_category: BTreeMap::from([
            (Category::Buy, d("23000000")),
            (Category::TradeFee, d("-23000")),
        ]),
        expected_closing: Some(d("22977000")),
        observed_closing: None,
        residual: None,
        first_negative_at: Some(T0 + 60_500),
        unmatched_rows: vec![],
    };
    vec![usdt, pepe]
}

/// The sample analysis every renderer test starts from.
pub fn sample_analysis() -> Analysis {
    let findings = findings();
    let incident = Incident {
        id: "incident-0001".into(),
        account: "alice".into(),
        severity: Severity::High,
        start: T0 + 60_000,
        end: T0 + 1_800_000,
        symbols: vec!["PEPEUSDT".into()],
        findings: findings[..3].iter().map(|f| f.id.clone()).collect(),
        summary: "Burst of PEPEUSDT buys above the account's own prices, then USDT withdrawn."
            .into(),
    };
    let activity = [(-6_300_000, 1), (60_000, 14), (120_000, 9), (180_000, 5)]
        .into_iter()
        .map(|(dt, orders)| ActivityBucket {
            minute: T0 + dt,
            orders,
        })
        .collect();
    Analysis {
        tool_version: "0.1.0".into(),
        options: BTreeMap::from([
            ("fail_on".to_string(), "high".to_string()),
            ("tz".to_string(), "UTC".to_string()),
        ]),
        generated_at: T0 + 1_800_000,
        account: "alice".into(),
        first_time: Some(T0 - 6_300_000),
        last_time: Some(T0 + 1_800_000),
        inputs: inputs(),
        detection: Detection {
            verdict: Verdict::Compromised,
            findings,
            incidents: vec![incident],
            loss: LossEstimate {
                by_asset: vec![("USDT".into(), d("361.7"))],
                reference: Some(("USDT".into(), d("361.7"))),
                method: "quote spent in flagged windows minus quote recovered, plus swept \
                         withdrawals"
                    .into(),
            },
        },
        reconciliation: recon(),
        book_note: "Book of record: the order, trade and withdrawal histories (no statement)."
            .into(),
        activity,
        balances: balance_facts(),
    }
}

/// Facts matching `recon()`: USDT opening from the balances file, its
/// residual located between two snapshots; PEPE bought inside the incident.
pub fn balance_facts() -> BalanceFacts {
    BalanceFacts {
        rows: vec![
            RowFacts {
                wallet: "Spot".into(),
                asset: "PEPE".into(),
                opening_source: "zero at the first export row (2024-06-30T22:01:00.500Z)".into(),
                observed_at: None,
                residual_window: None,
                mismatches: Vec::new(),
            },
            RowFacts {
                wallet: "Spot".into(),
                asset: "USDT".into(),
                opening_source: "balances file line 2 (100 at 2024-06-30T20:00:00.000Z)".into(),
                observed_at: Some(T0 + 3_600_000),
                residual_window: Some((Some(T0), Some(T0 + 3_600_000))),
                mismatches: Vec::new(),
            },
        ],
        transfer_imbalances: vec![("PEPE".into(), d("-5"))],
        attribution: vec![Attribution {
            asset: "PEPE".into(),
            inside: vec![("incident-0001".into(), d("22977000"))],
            outside: Dec::ZERO,
            total: d("22977000"),
        }],
        charts: vec![BalanceSeries {
            asset: "PEPE".into(),
            points: vec![
                (T0 + 60_000, Dec::ZERO),
                (T0 + 60_500, d("-23000")),
                (T0 + 120_000, d("22977000")),
            ],
        }],
        notes: vec!["1 balance(s) given with --balances".into()],
    }
}
