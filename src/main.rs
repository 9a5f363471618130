//! Thin binary: parse the command line, run, map errors to exit codes.

use clap::Parser;

fn main() {
    let cli = binance_forensics::cli::Cli::parse();
    let code = match binance_forensics::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
