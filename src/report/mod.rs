//! Renderers: plain analysis data in, bytes out. No polars types here.
//!
//! `render` turns one [`Analysis`] into every output file as bytes
//! (`evidence.csv`, `findings.json`, `index.html`, `ticket.txt`, the PNGs;
//! `manifest.json` is added by `analyze`, which knows the command line), and
//! `write` is the one place in the crate that puts them on disk. Renderers
//! never see the output directory, so reruns into another directory give
//! byte-identical files.

pub mod balances_png;
pub mod base64;
pub mod campaign;
pub mod campaign_chart;
pub mod campaign_html;
pub mod campaign_text;
pub mod charts;
pub mod csv;
pub mod flows_png;
pub mod html;
pub mod html_extra;
pub mod json;
pub mod manifest;
pub mod summary_png;
pub mod ticket;

#[cfg(test)]
pub(crate) mod fixture;

use crate::analysis::Analysis;
use std::path::Path;

/// Every output of one run: (relative file name, bytes), sorted by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub files: Vec<(String, Vec<u8>)>,
}

/// Render all outputs of one analysis, sorted by file name.
pub fn render(a: &Analysis) -> Result<Rendered, String> {
    let png = charts::timeline_png(a)?;
    let flows = flows_png::flows_png(a)?;
    let mut files = vec![
        ("balances.png".to_string(), balances_png::balances_png(a)?),
        ("evidence.csv".to_string(), csv::evidence_csv(a)?),
        ("findings.json".to_string(), json::findings_json(a)?),
        ("flows.png".to_string(), flows.clone()),
        ("summary.png".to_string(), summary_png::summary_png(a)?),
        ("index.html".to_string(), html::index_html(a, &png, &flows)?),
        ("ticket.txt".to_string(), ticket::ticket_txt(a)),
        ("timeline.png".to_string(), png),
    ];
    files.sort_by(|x, y| x.0.cmp(&y.0));
    Ok(Rendered { files })
}

/// Write the rendered files into `out_dir` (created when missing).
/// Names must be plain file names: no separator, no `..`.
pub fn write(out_dir: &Path, r: &Rendered) -> std::io::Result<()> {
    for (name, _) in &r.files {
        if !is_plain_name(name) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("refusing to write `{name}`: not a plain file name"),
            ));
        }
    }
    std::fs::create_dir_all(out_dir)?;
    for (name, bytes) in &r.files {
        std::fs::write(out_dir.join(name), bytes)?;
    }
    Ok(())
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_all_files_sorted_and_identically_twice() {
        let a = fixture::sample_analysis();
        let r1 = render(&a).unwrap();
        let r2 = render(&a).unwrap();
        let names: Vec<&str> = r1.files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "balances.png",
                "evidence.csv",
                "findings.json",
                "flows.png",
                "index.html",
                "summary.png",
                "ticket.txt",
                "timeline.png"
            ]
        );
        assert_eq!(r1, r2);
    }

    #[test]
    fn writes_files_into_a_new_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("case");
        let r = Rendered {
            files: vec![("a.txt".to_string(), b"abc".to_vec())],
        };
        write(&out, &r).unwrap();
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"abc");
    }

    #[test]
    fn refuses_names_that_leave_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "a/b", "..", "", ".hidden"] {
            let r = Rendered {
                files: vec![(bad.to_string(), vec![])],
            };
            let e = write(dir.path(), &r).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{bad}");
        }
    }
}
