//! Lines and fields of plain CSV text, for the fast reader: a field is
//! either unquoted (no `"` in it) or wholly quoted with no `"` inside. Any
//! other quoting, or a carriage return that does not end a line, is left to
//! the general CSV reader (`None`).

use memchr::{memchr, memchr3};

/// Split one line (its `\n` removed, a final `\r` allowed) into `out`.
/// `false` when the line needs the general reader. Fields are cut at ASCII
/// quotes and delimiters, so they stay valid UTF-8.
pub fn fields<'a>(line: &'a str, delim: u8, out: &mut Vec<&'a str>) -> bool {
    out.clear();
    let line = line.strip_suffix('\r').unwrap_or(line);
    let b = line.as_bytes();
    let n = b.len();
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            let Some(close) = memchr(b'"', &b[i + 1..]) else {
                return false;
            };
            if memchr(b'\r', &b[i + 1..i + 1 + close]).is_some() {
                return false;
            }
            out.push(&line[i + 1..i + 1 + close]);
            let after = i + close + 2;
            if after == n {
                return true;
            }
            if b[after] != delim {
                return false; // `""` inside the field, or text after the quote
            }
            i = after + 1;
        } else {
            // The next delimiter, quote or carriage return, in one search.
            let end = match memchr3(delim, b'"', b'\r', &b[i..]) {
                None => n,
                Some(p) if b[i + p] == delim => i + p,
                Some(_) => return false,
            };
            out.push(&line[i..end]);
            if end == n {
                return true;
            }
            i = end + 1;
        }
        if i == n {
            out.push(""); // a delimiter ends the line: one more, empty field
            return true;
        }
    }
}

/// Cut `data` into about `parts` pieces that end at line ends (the last
/// piece ends where `data` does).
pub fn chunks(data: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(parts);
    let target = data.len() / parts.max(1) + 1;
    let mut start = 0;
    while start < data.len() {
        let want = (start + target).min(data.len());
        let end = match memchr(b'\n', &data[want..]) {
            Some(p) if want < data.len() => want + p + 1,
            _ => data.len(),
        };
        out.push(&data[start..end]);
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        fields(line, b',', &mut out).then(|| out.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn plain_quoted_and_empty_fields() {
        assert_eq!(split("a,b,c").unwrap(), ["a", "b", "c"]);
        assert_eq!(split("\"a\",\"\",c\r").unwrap(), ["a", "", "c"]);
        assert_eq!(split("a,,").unwrap(), ["a", "", ""]);
        assert_eq!(split(",").unwrap(), ["", ""]);
        assert_eq!(split("").unwrap(), [""]);
        assert_eq!(split("\"1,5\",x").unwrap(), ["1,5", "x"]);
        assert_eq!(split(" a , b").unwrap(), [" a ", " b"]);
    }

    #[test]
    fn what_the_general_reader_must_read() {
        assert!(split("\"a\"\"b\",c").is_none()); // escaped quote
        assert!(split("a\"b,c").is_none()); // quote inside a field
        assert!(split("\"a\"x,c").is_none()); // text after a closing quote
        assert!(split("\"a,c").is_none()); // quote never closed
        assert!(split("a\rb,c").is_none()); // a lone carriage return ends a record there
        assert!(split(" \"a\",c").is_none());
    }

    #[test]
    fn chunks_end_at_line_ends_and_cover_everything() {
        let data = b"l1\nline2\nl3\nlonger line 4\nl5";
        for parts in 1..8 {
            let c = chunks(data, parts);
            assert_eq!(c.concat(), data.to_vec());
            for piece in &c[..c.len() - 1] {
                assert_eq!(piece.last(), Some(&b'\n'));
            }
        }
        assert!(chunks(b"", 2).is_empty());
    }
}
