//! Balance reconciliation: the book of record, then an exact bridge per
//! (account, wallet, asset).

pub mod book;
pub mod bridge;
pub mod derivs;
pub mod money_legs;

pub use book::{build as build_book, Book, Sources};
pub use bridge::bridge;
