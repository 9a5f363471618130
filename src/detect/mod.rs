//! Single-account detectors. Each detector is one file with a doc comment
//! (what, why, source, false positives); thresholds live in `config`.

pub mod finding;
