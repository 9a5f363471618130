//! Header cells → the best layout and one field key per column.
//!
//! A header name may stand for several fields (Turkish `Miktar` is the
//! executed quantity of a trade but the amount of a deposit), so columns are
//! assigned per layout: the layout's required fields are matched to columns
//! that can mean them (a bipartite matching, so `Miktar,Toplam` finds
//! executed + amount), then every other column takes its first meaning that
//! the layout does not forbid. A second time column becomes the update time
//! (O2 `Date(UTC),…,Time,…`).

use super::layouts::{all_layouts, field, fields_of, split_header, Layout};

/// A recognized header.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub layout: &'static Layout,
    /// Field key of each column (`None` = unknown column, ignored).
    pub fields: Vec<Option<&'static str>>,
}

/// The best layout for a header row, if any.
pub fn resolve_header(cells: &[String]) -> Option<Resolved> {
    let cands: Vec<Vec<&'static str>> = cells
        .iter()
        .map(|c| fields_of(&split_header(c).0))
        .collect();
    if cands.iter().all(|c| c.is_empty()) {
        return None;
    }
    all_layouts()
        .filter_map(|l| assign(l, &cands).map(|fields| Resolved { layout: l, fields }))
        .max_by_key(|r| (r.layout.required.len(), std::cmp::Reverse(r.layout.id)))
}

/// Assign the columns for one layout, or `None` when it does not fit.
fn assign(
    layout: &'static Layout,
    cands: &[Vec<&'static str>],
) -> Option<Vec<Option<&'static str>>> {
    // owner[c] = index into layout.required of the field column c holds.
    let mut owner: Vec<Option<usize>> = vec![None; cands.len()];
    for r in 0..layout.required.len() {
        let mut seen = vec![false; cands.len()];
        if !augment(r, layout.required, cands, &mut owner, &mut seen) {
            return None;
        }
    }
    let mut fields: Vec<Option<&'static str>> = owner
        .iter()
        .map(|o| o.map(|r| layout.required[r]))
        .collect();
    for c in 0..cands.len() {
        if fields[c].is_some() || cands[c].is_empty() {
            continue;
        }
        let allowed: Vec<&'static str> = cands[c]
            .iter()
            .copied()
            .filter(|k| !layout.forbidden.contains(k))
            .collect();
        if allowed.is_empty() {
            return None; // the column can only be a field this layout forbids
        }
        fields[c] = match allowed.iter().find(|k| !fields.contains(&Some(**k))) {
            Some(k) => Some(*k),
            None if allowed.contains(&field::TIME)
                && !fields.contains(&Some(field::UPDATE_TIME)) =>
            {
                Some(field::UPDATE_TIME)
            }
            None => None,
        };
    }
    Some(fields)
}

/// Kuhn's augmenting path: give required field `r` a column, moving others.
fn augment(
    r: usize,
    required: &[&'static str],
    cands: &[Vec<&'static str>],
    owner: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    for c in 0..cands.len() {
        if seen[c] || !cands[c].contains(&required[r]) {
            continue;
        }
        seen[c] = true;
        let free = match owner[c] {
            None => true,
            Some(other) => augment(other, required, cands, owner, seen),
        };
        if free {
            owner[c] = Some(r);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn resolve(header: &str) -> Option<Resolved> {
        let cells: Vec<String> = header.split(',').map(str::to_string).collect();
        resolve_header(&cells)
    }

    #[test]
    fn second_time_column_is_the_update_time() {
        let r = resolve(
            "Date(UTC),OrderNo,Pair,Type,Side,Order Price,Order Amount,Time,Executed,Average Price,Trading total,Status",
        )
        .unwrap();
        assert_eq!(r.layout.id, "spot-orders/v2");
        assert_eq!(r.fields[0], Some(field::TIME));
        assert_eq!(r.fields[7], Some(field::UPDATE_TIME));
    }

    #[test]
    fn an_ambiguous_name_takes_the_meaning_the_layout_needs() {
        // Turkish: `Miktar` is the executed quantity of a trade, `Toplam` its quote amount.
        let r = resolve("Tarih,İşlem Çifti,Taraf,Fiyat,Miktar,Toplam,Komisyon").unwrap();
        assert_eq!(r.layout.id, "spot-trades/v2");
        assert_eq!(r.fields[4], Some(field::EXECUTED));
        assert_eq!(r.fields[5], Some(field::AMOUNT));
        // …but `Miktar` is the amount of a withdrawal.
        let r = resolve("Tarih,Coin,Ağ,Miktar,Ücret,Adres,TXID,Durum").unwrap();
        assert_eq!(r.layout.id, "withdrawals/d3");
        assert_eq!(r.fields[3], Some(field::AMOUNT));
        assert_eq!(r.fields[4], Some(field::FEE));
    }

    #[test]
    fn unknown_headers_resolve_to_nothing() {
        assert!(resolve("Foo,Bar,Baz").is_none());
        assert!(resolve("name,comment").is_none());
    }
}
