//! The account a file names: the values of its `User_ID` column.

use super::{layouts, RawFile};

/// User ids named in statement files (`User_ID` column), sorted, distinct.
pub fn user_ids(files: &[RawFile]) -> Vec<String> {
    let mut ids = std::collections::BTreeSet::new();
    for f in files {
        ids.extend(file_user_ids(f));
    }
    ids.into_iter().collect()
}

/// The user ids in one file's `User_ID` column, sorted, distinct.
pub fn file_user_ids(f: &RawFile) -> std::collections::BTreeSet<String> {
    file_user_id_rows(f).into_keys().collect()
}

/// The ids of [`file_user_ids`], each with the line it first appears on
/// (`None` for a file the fast reader read: it keeps no lines of ids).
pub fn file_user_id_rows(f: &RawFile) -> std::collections::BTreeMap<String, Option<u32>> {
    if let Some(pre) = &f.pre {
        return pre.user_ids.iter().map(|id| (id.clone(), None)).collect();
    }
    let mut ids = std::collections::BTreeMap::new();
    if let Some(c) = f
        .sniffed
        .fields
        .iter()
        .position(|x| *x == Some(layouts::field::USER_ID))
    {
        // A row narrower than the header (a cut-off or stray line, refused
        // or rejected) names no account, nor does the header repeated by
        // joined exports; a byte-order mark they leave is no part of an id.
        let width = f.grid.header.len();
        let name = f.grid.header.get(c).map_or("", |h| h.trim());
        for (row, &no) in f.grid.rows.iter().zip(&f.grid.row_nos) {
            if row.len() < width {
                continue;
            }
            let id = row
                .get(c)
                .map(|s| s.trim().trim_start_matches('\u{feff}').trim());
            if let Some(v) = id.filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case(name)) {
                if !ids.contains_key(v) {
                    ids.insert(v.to_string(), Some(no));
                }
            }
        }
    }
    ids
}
