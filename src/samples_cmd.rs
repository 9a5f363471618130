//! `samples`: write the generated sample account to OUT/<name>/.

use crate::cli::SamplesArgs;
use crate::error::{exit, Error};

pub fn run(args: &SamplesArgs) -> Result<i32, Error> {
    let _ = args;
    Err(Error::Internal("samples: not merged yet".into()))
}
