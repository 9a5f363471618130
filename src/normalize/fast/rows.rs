//! One chunk of lines → canonical rows, for the kinds the fast reader takes:
//! the transaction statement (as `statement::row`) and the spot trade
//! history (as `trades::row_v1` / `row_v2`). Every rule is the general
//! path's own function (`parse_number`, `classify`, `wallet`, the symbol
//! splitters, …); what differs is that repeated texts are interned through
//! a chunk-local cache, and that any cell the general path would reject, or
//! warn about row by row beyond what is built here, gives up (`None`).

use super::split;
use crate::decimal::Dec;
use crate::ingest::layouts::field as f;
use crate::ingest::sniff::Sniffed;
use crate::model::{Category, Fill, LedgerRow, Origin, Side, TimeMs, Warning};
use crate::normalize::amount::{parse_number, quick_trim, split_suffixed_ref, NumStyle};
use crate::normalize::operations::{classify, wallet};
use crate::normalize::symbols::{is_split_index, split_by_quotes, split_index};
use crate::normalize::time::{fast_ymd_hms, is_ambiguous, to_utc_ms, TzSpec};
use crate::normalize::trades::{amount_agrees, plain_symbol, side_word};
use crate::sym::{Cache, Sym};
use std::collections::BTreeSet;

/// Which canonical rows a file's lines become, with the column of each field.
#[derive(Debug, Clone)]
pub enum Kind {
    Statement {
        time: usize,
        coin: usize,
        change: usize,
        operation: usize,
        account: Option<usize>,
        remark: Option<usize>,
    },
    /// T2/T3: `Pair,Side,Price,Executed|Quantity,Amount,Fee` (asset suffixes).
    TradesSuffixed {
        time: usize,
        pair: usize,
        side: usize,
        price: usize,
        qty: usize,
        amount: usize,
        fee: usize,
    },
    /// T1: `Market,Type,Price,Amount,Total,Fee,Fee Coin`.
    TradesPlain {
        time: usize,
        market: usize,
        side: usize,
        price: usize,
        qty: usize,
        total: usize,
        fee: usize,
        fee_coin: usize,
    },
}

impl Kind {
    /// The kind for a sniffed file, `None` when the fast reader does not take it.
    pub fn of(s: &Sniffed) -> Option<Kind> {
        use crate::model::FileKind;
        let col = |name: &str| s.fields.iter().position(|x| *x == Some(name));
        match s.kind {
            FileKind::Statement => Some(Kind::Statement {
                time: col(f::TIME)?,
                coin: col(f::COIN)?,
                change: col(f::CHANGE)?,
                operation: col(f::OPERATION)?,
                account: col(f::ACCOUNT),
                remark: col(f::REMARK),
            }),
            FileKind::SpotTrades if s.layout.id == "spot-trades/v1" => Some(Kind::TradesPlain {
                time: col(f::TIME)?,
                market: col(f::MARKET)?,
                side: col(f::TYPE)?,
                price: col(f::PRICE)?,
                qty: col(f::AMOUNT)?,
                total: col(f::TOTAL)?,
                fee: col(f::FEE)?,
                fee_coin: col(f::FEE_COIN)?,
            }),
            FileKind::SpotTrades => Some(Kind::TradesSuffixed {
                time: col(f::TIME)?,
                pair: col(f::PAIR)?,
                side: col(f::SIDE)?,
                price: col(f::PRICE)?,
                qty: col(f::EXECUTED).or_else(|| col(f::QUANTITY))?,
                amount: col(f::AMOUNT)?,
                fee: col(f::FEE)?,
            }),
            _ => None,
        }
    }
}

/// What every chunk of one file shares.
pub struct Shared {
    pub file: Sym,
    pub tz: TzSpec,
    pub header_len: usize,
    pub delimiter: u8,
    pub kind: Kind,
    /// The `User_ID` column, whatever the kind.
    pub user_id: Option<usize>,
    /// When the export was made, from the file name (`after-export`).
    pub made: Option<TimeMs>,
}

/// Rows of one chunk. Row numbers are 0-based line offsets in the chunk
/// until [`super`] adds the chunk's first line number.
#[derive(Debug, Default)]
pub struct ChunkOut {
    pub ledger: Vec<LedgerRow>,
    pub fills: Vec<Fill>,
    pub warnings: Vec<Warning>,
    pub user_ids: BTreeSet<String>,
    /// Non-empty lines (rows read).
    pub rows: u64,
    /// Line ends in the chunk.
    pub lines: u32,
    /// Times in the hour a DST change repeats: count, first (row, text).
    pub ambiguous: usize,
    pub first_ambiguous: Option<(u32, String)>,
    /// Rows dated after the export time in the file name: count, first row.
    pub after_export: usize,
    pub first_after_export: Option<u32>,
    /// Trades whose total is not price × quantity (`amount-mismatch`):
    /// count, first row.
    pub mismatched: usize,
    pub first_mismatch: Option<u32>,
    /// The date text of the last time read, and that date.
    last_date: Option<([u8; 10], chrono::NaiveDate)>,
}

#[derive(Default)]
struct Caches {
    coin: Cache<Sym>,
    wallet: Cache<Sym>,
    op: Cache<(Sym, Option<Category>, Option<Category>)>,
    pair: Cache<Sym>,
    asset: Cache<Sym>,
    market: Cache<(Sym, Sym, Sym)>,
    /// The last (symbol, where base ends, base, quote) of a suffixed pair.
    last_split: Option<(Sym, usize, Sym, Sym)>,
}

/// Parse one chunk into `out` (emptied buffers, reused for their
/// capacity); `None` when some line needs the general path.
pub fn parse_chunk(sh: &Shared, chunk: &[u8], mut out: ChunkOut) -> Option<ChunkOut> {
    // A guess (rows are longer than 40 bytes); reused buffers keep theirs.
    let lines = chunk.len() / 40;
    match sh.kind {
        Kind::Statement { .. } => out.ledger.reserve(lines),
        _ => out.fills.reserve(lines),
    }
    let mut caches = Caches::default();
    let mut cells: Vec<&str> = Vec::with_capacity(sh.header_len + 1);
    let mut strs: Vec<&str> = Vec::with_capacity(sh.header_len + 1);
    let text = std::str::from_utf8(chunk).ok()?;
    let mut last_user = "";
    for (k, line) in text.split('\n').enumerate() {
        let k = k as u32;
        if k > 0 {
            out.lines += 1;
        }
        if line.is_empty() || line == "\r" {
            continue; // an empty line is no record (as the CSV reader skips it)
        }
        if line.len() > super::MAX_LINE_BYTES {
            return None; // refused by the general reader
        }
        if !split::fields(line, sh.delimiter, &mut cells) {
            return None;
        }
        // Rows of any other width (short, long, or ending in a delimiter)
        // are the general path's (`row_shape`).
        if cells.len() != sh.header_len {
            return None;
        }
        strs.clear();
        strs.extend(cells.iter().map(|c| quick_trim(c)));
        if strs.iter().all(|s| s.is_empty()) {
            return None; // a blank row: ignored, counted, by the general path
        }
        out.rows += 1;
        let user = sh
            .user_id
            .map(|i| strs[i].trim_start_matches('\u{feff}').trim());
        if let Some(u) = user.filter(|u| !u.is_empty()) {
            if u != last_user && !out.user_ids.contains(u) {
                out.user_ids.insert(u.to_string());
            }
            last_user = u;
        }
        let origin = Origin {
            file: sh.file,
            row: k,
        };
        match &sh.kind {
            Kind::Statement {
                time,
                coin,
                change,
                operation,
                account,
                remark,
            } => {
                let t = time_of(sh, &mut out, k, strs[*time])?;
                let coin_v = nonempty(strs[*coin])?;
                let coin_s = caches
                    .coin
                    .get_or(coin_v.as_bytes(), || Sym::new(&coin_v.to_uppercase()));
                let change_v = number(strs[*change])?;
                let op_v = nonempty(strs[*operation])?;
                let (op, neg, pos) = caches.op.get_or(op_v.as_bytes(), || {
                    (Sym::new(op_v), classify(op_v, true), classify(op_v, false))
                });
                let category = match change_v.is_negative() {
                    true => neg,
                    false => pos,
                }
                .unwrap_or(Category::Unclassified);
                let acc = account.map_or("", |i| strs[i]);
                let wallet_s = caches
                    .wallet
                    .get_or(acc.as_bytes(), || Sym::new(&wallet(acc)));
                let row = LedgerRow {
                    origin,
                    time: t,
                    wallet: wallet_s,
                    operation: op,
                    category,
                    coin: coin_s,
                    change: change_v,
                    remark: remark.map_or("", |i| strs[i]).to_string(),
                };
                if category == Category::Unclassified {
                    let w = crate::normalize::statement::unclassified_warning(&row, k);
                    out.warnings.push(w);
                }
                out.ledger.push(row);
            }
            Kind::TradesSuffixed {
                time,
                pair,
                side,
                price,
                qty,
                amount,
                fee,
            } => {
                let t = time_of(sh, &mut out, k, strs[*time])?;
                let pair_v = nonempty(strs[*pair])?;
                let symbol = caches
                    .pair
                    .get_or(pair_v.as_bytes(), || Sym::new(&plain_symbol(pair_v)));
                let (qty_v, amount_v) = (strs[*qty], strs[*amount]);
                // `plain_symbol` left no separators: split as `split_by_suffixes`.
                // The cut of the row before, when it is this row's too.
                let cut = match caches.last_split {
                    Some((s, c, ..))
                        if std::ptr::eq(s.as_str(), symbol.as_str())
                            && is_split_index(&symbol, qty_v, amount_v, c) =>
                    {
                        c
                    }
                    _ => split_index(&symbol, qty_v, amount_v)?,
                };
                let (b, q) = symbol.split_at(cut);
                let (base, quote) = match caches.last_split {
                    Some((s, c, base, quote))
                        if c == cut && std::ptr::eq(s.as_str(), symbol.as_str()) =>
                    {
                        (base, quote)
                    }
                    _ => {
                        let (base, quote) = (asset(&mut caches, b), asset(&mut caches, q));
                        caches.last_split = Some((symbol, cut, base, quote));
                        (base, quote)
                    }
                };
                let qty_d = unsigned(split_suffixed_ref(qty_v, &[b], STYLE).ok()?.0)?;
                let quote_qty = unsigned(split_suffixed_ref(amount_v, &[q], STYLE).ok()?.0)?;
                let (fee_d, fee_a) = split_suffixed_ref(strs[*fee], &[b, q, "BNB"], STYLE).ok()?;
                push_fill(
                    &mut out,
                    Fill {
                        origin,
                        time: t,
                        symbol,
                        base,
                        quote,
                        side: side_of(strs[*side])?,
                        price: unsigned(number(strs[*price])?)?,
                        qty: qty_d,
                        quote_qty,
                        fee: Some(unsigned(fee_d)?),
                        fee_asset: Some(match fee_a {
                            a if a == b => base,
                            a if a == q => quote,
                            a => asset(&mut caches, a),
                        }),
                        order_id: None,
                        trade_id: None,
                        is_maker: None,
                    },
                );
            }
            Kind::TradesPlain {
                time,
                market,
                side,
                price,
                qty,
                total,
                fee,
                fee_coin,
            } => {
                let t = time_of(sh, &mut out, k, strs[*time])?;
                let market_v = nonempty(strs[*market])?;
                let fee_coin_v = nonempty(strs[*fee_coin])?;
                // Length-prefixed, so that no two (market, fee coin) share a key.
                let mut key = Vec::with_capacity(market_v.len() + fee_coin_v.len() + 8);
                key.extend_from_slice(&(market_v.len() as u64).to_le_bytes());
                key.extend_from_slice(market_v.as_bytes());
                key.extend_from_slice(fee_coin_v.as_bytes());
                let market = caches.market.try_get_or(&key, || {
                    let pair = plain_symbol(market_v);
                    let fc = fee_coin_v.to_uppercase();
                    let (b, q) = split_by_quotes(&pair, Some(&fc))
                        .filter(|(b, q)| fc == *b || fc == *q || fc == "BNB")
                        .or_else(|| split_by_quotes(&pair, None))
                        .ok_or(())?;
                    Ok::<_, ()>((Sym::new(&pair), Sym::new(&b), Sym::new(&q)))
                });
                let (symbol, base, quote) = market.ok()?;
                let fee_asset = caches.coin.get_or(fee_coin_v.as_bytes(), || {
                    Sym::new(&fee_coin_v.to_uppercase())
                });
                push_fill(
                    &mut out,
                    Fill {
                        origin,
                        time: t,
                        symbol,
                        base,
                        quote,
                        side: side_of(strs[*side])?,
                        price: unsigned(number(strs[*price])?)?,
                        qty: unsigned(number(strs[*qty])?)?,
                        quote_qty: unsigned(number(strs[*total])?)?,
                        fee: Some(unsigned(number(strs[*fee])?)?),
                        fee_asset: Some(fee_asset),
                        order_id: None,
                        trade_id: None,
                        is_maker: None,
                    },
                );
            }
        }
    }
    Some(out)
}

/// Keep a fill, counting it when its total is not price × quantity.
fn push_fill(out: &mut ChunkOut, fill: Fill) {
    if !amount_agrees(&fill) {
        out.mismatched += 1;
        out.first_mismatch.get_or_insert(fill.origin.row);
    }
    out.fills.push(fill);
}

const STYLE: NumStyle = NumStyle {
    decimal_comma: false,
};

fn nonempty(v: &str) -> Option<&str> {
    (!v.is_empty()).then_some(v)
}

fn number(v: &str) -> Option<Dec> {
    parse_number(v, STYLE).ok()
}

/// Trade exports carry unsigned amounts (`trades::unsigned`).
fn unsigned(v: Dec) -> Option<Dec> {
    (!v.is_negative()).then_some(v)
}

fn side_of(v: &str) -> Option<Side> {
    side_word(v)
}

fn asset(c: &mut Caches, a: &str) -> Sym {
    c.asset.get_or(a.as_bytes(), || Sym::new(a))
}

/// `YYYY-MM-DD HH:MM:SS` exactly, in the file's zone, as the general path
/// reads a file whose every time has that form; anything else gives up.
/// The date of the previous row is reused when the text repeats it.
fn time_of(sh: &Shared, out: &mut ChunkOut, k: u32, v: &str) -> Option<TimeMs> {
    let b = v.as_bytes();
    let t = match out.last_date {
        Some((day, date)) if b.len() == 19 && b[..10] == day => same_day(date, b)?,
        _ => {
            let t = fast_ymd_hms(v)?;
            out.last_date = Some((b[..10].try_into().ok()?, t.date()));
            t
        }
    };
    if matches!(sh.tz, TzSpec::Named(_)) && is_ambiguous(t, &sh.tz) {
        out.ambiguous += 1;
        if out.first_ambiguous.is_none() {
            out.first_ambiguous = Some((k, v.to_string()));
        }
    }
    let ms = to_utc_ms(t, &sh.tz).ok()?;
    if sh.made.is_some_and(|made| ms > made) {
        out.after_export += 1;
        out.first_after_export.get_or_insert(k);
    }
    Some(ms)
}

/// `HH:MM:SS` of a `YYYY-MM-DD HH:MM:SS` text whose date is known valid,
/// checked as `fast_ymd_hms` checks it.
fn same_day(date: chrono::NaiveDate, b: &[u8]) -> Option<chrono::NaiveDateTime> {
    if b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |i: usize| -> Option<u32> {
        let (h, l) = (b[i], b[i + 1]);
        (h.is_ascii_digit() && l.is_ascii_digit())
            .then(|| u32::from(h - b'0') * 10 + u32::from(l - b'0'))
    };
    date.and_hms_opt(num(11)?, num(14)?, num(17)?)
}
