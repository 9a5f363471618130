//! `samples`: write the generated sample account to `OUT/<name>/` and its
//! ground truth to `OUT/<name>.truth.json` (outside the account's folder, so
//! analyzing the folder reads only exports).

use crate::cli::SamplesArgs;
use crate::error::{exit, Error};
use crate::samples::{generate, truth_json};

pub fn run(args: &SamplesArgs) -> Result<i32, Error> {
    let set = generate(args.seed);
    let dir = args.out.join(&set.name);
    let io = |e: std::io::Error| {
        Error::Internal(format!("cannot write samples to `{}`: {e}", dir.display()))
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    for (name, bytes) in &set.files {
        std::fs::write(dir.join(name), bytes).map_err(io)?;
    }
    std::fs::write(
        args.out.join(format!("{}.truth.json", set.name)),
        truth_json(&set.truth),
    )
    .map_err(io)?;
    eprintln!("wrote {} files to {}", set.files.len(), dir.display());
    Ok(exit::OK)
}
