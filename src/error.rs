//! Errors and exit codes. Input errors name file, row, column and value and
//! suggest what to do; they map to exit status 2.

use std::fmt;

/// Exit codes fixed by ARCHITECTURE.md.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FINDING: i32 = 1;
    pub const INPUT: i32 = 2;
    pub const INTERNAL: i32 = 3;
}

/// Bad input: a file, a row, a column, a value, what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub value: String,
    pub problem: String,
    pub hint: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bad input (boxed: errors stay small on the happy path).
    Input(Box<InputError>),
    /// Bad command line or options.
    Usage(String),
    /// I/O on outputs or a bug.
    Internal(String),
}

impl Error {
    pub fn input(
        file: &str,
        row: Option<u32>,
        column: Option<&str>,
        value: &str,
        problem: &str,
        hint: &str,
    ) -> Error {
        Error::Input(Box::new(InputError {
            file: file.to_string(),
            row,
            column: column.map(str::to_string),
            value: value.to_string(),
            problem: problem.to_string(),
            hint: hint.to_string(),
        }))
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Usage(_) => exit::INPUT,
            Error::Internal(_) => exit::INTERNAL,
        }
    }
}

/// `text` ending in one full stop (none added after `.`, `?` or `!`).
fn sentence(text: &str) -> String {
    match text.ends_with(['.', '?', '!']) {
        true => text.to_string(),
        false => format!("{text}."),
    }
}

impl Error {
    /// The message without its hint: for a row or file already skipped with
    /// `--skip-errors`, where "use --skip-errors" would be advice too late.
    pub fn without_hint(&self) -> String {
        match self {
            Error::Input(e) => {
                let mut e = e.clone();
                e.hint.clear();
                Error::Input(e).to_string()
            }
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(e) => {
                let InputError {
                    file,
                    row,
                    column,
                    value,
                    problem,
                    hint,
                } = e.as_ref();
                write!(f, "{file}")?;
                if let Some(r) = row {
                    write!(f, " line {r}")?;
                }
                if let Some(c) = column {
                    write!(f, ", column `{c}`")?;
                }
                if !value.is_empty() {
                    let shown: String = value.chars().take(80).collect();
                    write!(f, ", value `{shown}`")?;
                }
                write!(f, ": {}", sentence(problem))?;
                if !hint.is_empty() {
                    write!(f, " Hint: {}", sentence(hint))?;
                }
                Ok(())
            }
            Error::Usage(m) => write!(f, "{m}"),
            Error::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<polars::prelude::PolarsError> for Error {
    fn from(e: polars::prelude::PolarsError) -> Error {
        Error::Internal(format!("polars: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_error_names_file_row_column_value_and_hint() {
        let e = Error::input(
            "trades.csv",
            Some(14),
            Some("Executed"),
            "1.2.3BTC",
            "cannot read this as an amount",
            "use --skip-errors to continue",
        );
        assert_eq!(
            e.to_string(),
            "trades.csv line 14, column `Executed`, value `1.2.3BTC`: cannot read this as an amount. Hint: use --skip-errors to continue."
        );
        assert_eq!(e.exit_code(), 2);
        assert_eq!(
            e.without_hint(),
            "trades.csv line 14, column `Executed`, value `1.2.3BTC`: cannot read this as an amount."
        );
    }

    #[test]
    fn no_full_stop_after_a_question_mark() {
        let e = Error::input(
            "s.csv",
            Some(7),
            None,
            "",
            "the row has 5 fields where the header has 7 (a truncated line?)",
            "is the file complete?",
        );
        assert_eq!(
            e.to_string(),
            "s.csv line 7: the row has 5 fields where the header has 7 (a truncated line?). Hint: is the file complete?"
        );
    }
}
