//! `evaluate`: generate labeled scenario accounts, run the detectors on
//! each, and print the measured detection rate (Markdown table).

use crate::cli::EvaluateArgs;
use crate::detect::DetectConfig;
use crate::error::{exit, Error};
use crate::evaluate::{generate, metrics::measure};

pub fn run(args: &EvaluateArgs) -> Result<i32, Error> {
    if args.accounts == 0 {
        return Err(Error::Usage("--accounts must be at least 1".into()));
    }
    let cfg = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| Error::Usage(format!("--config `{}`: {e}", p.display())))?;
            DetectConfig::from_toml_str(&text)
                .map_err(|e| Error::Usage(format!("--config `{}`: {e}", p.display())))?
        }
        None => DetectConfig::default(),
    };
    let set = generate(args.seed, args.accounts);
    let m = measure(&set, &cfg);
    println!(
        "binance-forensics evaluate --accounts {} --seed {}\n",
        args.accounts, args.seed
    );
    print!("{}", m.table());
    if args.verbose {
        println!();
        for line in &m.misses {
            println!("- {line}");
        }
    }
    println!(
        "\ntargets {}",
        if m.meets_targets() { "met" } else { "NOT met" }
    );
    Ok(exit::OK)
}
