//! Balance reconciliation: the book of record, then an exact bridge per
//! (account, wallet, asset).

pub mod balances;
pub mod book;
pub mod bridge;
pub mod by_time;
pub mod coverage;
pub mod derivs;
pub mod facts;
pub mod money_legs;
pub mod running;
pub mod snapshots;
#[cfg(test)]
pub(crate) mod test_rows;

pub use book::{build as build_book, Book, Sources};
pub use bridge::bridge;
pub use facts::balance_facts;
pub use snapshots::{read_balances, Snapshot};
