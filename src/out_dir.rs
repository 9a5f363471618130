//! The report directory must not be an input directory itself: the report
//! files would mix with the evidence they describe, `verify` would see them
//! as added inputs, and the next run would read them as exports. (A report
//! in a subdirectory of an input is fine: input walks skip directories
//! holding a `findings.json`.)

use crate::error::Error;
use std::path::{Component, Path, PathBuf};

/// Refuse (exit 2) an output directory that is an input directory.
pub fn check_outside_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    let Some(out_abs) = absolute(out) else {
        return Ok(());
    };
    for input in inputs.iter().filter(|p| p.is_dir()) {
        let Ok(dir) = input.canonicalize() else {
            continue;
        };
        if out_abs == dir {
            return Err(Error::Usage(format!(
                "the report directory `{}` is the input directory `{}`: the report would mix \
                 with the evidence and be read as input next time; give another --out \
                 (e.g. reports/{})",
                out.display(),
                input.display(),
                crate::prepare::input_name(Some(input)),
            )));
        }
    }
    Ok(())
}

/// `p` made absolute with symlinks resolved as far as it exists; the rest
/// (not created yet) appended lexically.
fn absolute(p: &Path) -> Option<PathBuf> {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(p)
    };
    let mut existing = p.as_path();
    let mut rest: Vec<Component> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for comp in rest.iter().rev() {
                match comp {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    c => out.push(c.as_os_str()),
                }
            }
            return Some(out);
        }
        rest.push(existing.components().next_back()?);
        existing = existing.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_input_directory_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let evidence = tmp.path().join("evidence");
        std::fs::create_dir_all(evidence.join("sub")).unwrap();
        let inputs = vec![evidence.clone()];
        for out in [
            evidence.clone(),
            tmp.path().join("elsewhere/../evidence"),
            evidence.join("sub/.."),
        ] {
            let e = check_outside_inputs(&out, &inputs).unwrap_err();
            assert!(e.to_string().contains("is the input directory"), "{e}");
        }
        for out in [
            evidence.join("report"),
            evidence.join("sub/new/deeper"),
            tmp.path().join("reports/evidence"),
            tmp.path().join("evidence2"),
            tmp.path().to_path_buf(),
        ] {
            assert!(
                check_outside_inputs(&out, &inputs).is_ok(),
                "{}",
                out.display()
            );
        }
        // A file input: its directory is not read, a report beside it is fine.
        let file = evidence.join("statement.csv");
        std::fs::write(&file, "x").unwrap();
        assert!(check_outside_inputs(&evidence.join("r"), &[file]).is_ok());
    }
}
