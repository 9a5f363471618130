//! `samples`: write the generated sample account to `OUT/<name>/` and its
//! ground truth to `OUT/<name>.truth.json` (outside the account's folder, so
//! analyzing the folder reads only exports). With `--campaign`: a campaign
//! set as `OUT/accounts/<acct-NNN>/` and `OUT/campaign.truth.json`.

use crate::cli::SamplesArgs;
use crate::error::{exit, Error};
use crate::samples::campaign::{campaign_truth_json, generate_campaign, CampaignOptions};
use crate::samples::{generate, truth_json};
use std::path::Path;

fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), Error> {
    let io = |e: std::io::Error| {
        Error::Internal(format!("cannot write samples to `{}`: {e}", dir.display()))
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).map_err(io)?;
    }
    Ok(())
}

pub fn run(args: &SamplesArgs) -> Result<i32, Error> {
    if args.campaign {
        if args.accounts < 8 {
            return Err(Error::Usage(format!(
                "--accounts {}: a campaign set needs at least 8 accounts",
                args.accounts
            )));
        }
        if !(2..=8).contains(&args.victims) || args.victims + 6 > args.accounts {
            return Err(Error::Usage(format!(
                "--victims {}: use 2 to 8 victims and at least 6 other accounts",
                args.victims
            )));
        }
        let set = generate_campaign(CampaignOptions {
            seed: args.seed,
            accounts: args.accounts,
            victims: args.victims,
            extra_trades: args.extra_trades,
        });
        for a in &set.accounts {
            write_files(&args.out.join("accounts").join(&a.name), &a.files)?;
        }
        write_files(
            &args.out,
            &[(
                "campaign.truth.json".to_string(),
                campaign_truth_json(&set.truth),
            )],
        )?;
        eprintln!(
            "wrote {} accounts ({} victims) to {}",
            set.accounts.len(),
            set.truth.victims.len(),
            args.out.join("accounts").display()
        );
        return Ok(exit::OK);
    }
    let set = generate(args.seed);
    let dir = args.out.join(&set.name);
    write_files(&dir, &set.files)?;
    write_files(
        &args.out,
        &[(format!("{}.truth.json", set.name), truth_json(&set.truth))],
    )?;
    eprintln!("wrote {} files to {}", set.files.len(), dir.display());
    Ok(exit::OK)
}
