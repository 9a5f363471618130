//! binance-forensics: offline forensic analysis of Binance account exports.
//!
//! Pipeline: `ingest` (sniff kind + layout, raw string cells with row origin)
//! → `normalize` (canonical polars tables) → `reconcile` and `detect`
//! (plain data) → `report` (bytes) → files written in one place.

pub mod analysis;
pub mod decimal;
pub mod detect;
pub mod model;
pub mod report;
pub mod samples;
pub mod timefmt;
