//! `Sym`: an interned, immutable string for the values canonical rows repeat
//! millions of times (file names, coins, symbols, wallets, operations).
//!
//! A `Sym` is one pointer and a length (16 bytes, `Copy`, nothing to free),
//! where a `String` is 24 bytes plus a heap block per row. Each distinct
//! text is stored once for the life of the process; the set of distinct
//! values is bounded by the input (a few hundred coins and operations), so
//! what is kept is what the rows would hold anyway. Equality, ordering and
//! hashing are those of the text, so sorted output does not depend on
//! interning order.

use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

#[derive(Clone, Copy, Default, Eq)]
pub struct Sym(&'static str);

fn global() -> &'static Mutex<HashSet<&'static str>> {
    static SET: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    SET.get_or_init(|| Mutex::new(HashSet::new()))
}

impl Sym {
    /// The interned copy of `s` (stored on first use).
    pub fn new(s: &str) -> Sym {
        if s.is_empty() {
            return Sym("");
        }
        let mut set = global().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&k) = set.get(s) {
            return Sym(k);
        }
        let k: &'static str = Box::leak(s.to_string().into_boxed_str());
        set.insert(k);
        Sym(k)
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl PartialEq for Sym {
    fn eq(&self, o: &Sym) -> bool {
        std::ptr::eq(self.0, o.0) || self.0 == o.0
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, o: &str) -> bool {
        self.0 == o
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, o: &&str) -> bool {
        self.0 == *o
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, o: &String) -> bool {
        self.0 == o.as_str()
    }
}

impl PartialEq<Sym> for str {
    fn eq(&self, o: &Sym) -> bool {
        self == o.0
    }
}

impl PartialEq<Sym> for &str {
    fn eq(&self, o: &Sym) -> bool {
        *self == o.0
    }
}

impl PartialEq<Sym> for String {
    fn eq(&self, o: &Sym) -> bool {
        self.as_str() == o.0
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, o: &Sym) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Sym {
    fn cmp(&self, o: &Sym) -> std::cmp::Ordering {
        self.0.cmp(o.0)
    }
}

impl std::hash::Hash for Sym {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h)
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Sym {
        Sym::new(s)
    }
}

impl From<&String> for Sym {
    fn from(s: &String) -> Sym {
        Sym::new(s)
    }
}

impl From<String> for Sym {
    fn from(s: String) -> Sym {
        Sym::new(&s)
    }
}

impl From<Sym> for String {
    fn from(s: Sym) -> String {
        s.0.to_string()
    }
}

/// FNV-1a: a fast hash for the short keys of [`Cache`] (coins, operations);
/// they come from the user's own files, so flooding is no concern.
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A hash map builder with [`Fnv`], for maps keyed by short texts.
pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// A per-thread front of the interner for hot loops: raw cell bytes → the
/// `Sym` a function made of them, without taking the global lock again.
pub struct Cache<V: Copy> {
    map: HashMap<Box<[u8]>, V, FnvBuild>,
    /// The last key looked up and its value (rows repeat their neighbours').
    last_key: Vec<u8>,
    last: Option<V>,
}

impl<V: Copy> Default for Cache<V> {
    fn default() -> Self {
        Cache {
            map: HashMap::default(),
            last_key: Vec::new(),
            last: None,
        }
    }
}

impl<V: Copy> Cache<V> {
    /// The value for `key`, made by `make` on first sight.
    pub fn get_or(&mut self, key: &[u8], make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.last {
            if self.last_key == key {
                return v;
            }
        }
        let v = match self.map.get(key) {
            Some(v) => *v,
            None => {
                let v = make();
                self.map.insert(key.into(), v);
                v
            }
        };
        self.last_key.clear();
        self.last_key.extend_from_slice(key);
        self.last = Some(v);
        v
    }

    /// The value for `key`, or the error `make` returns (not cached).
    pub fn try_get_or<E>(
        &mut self,
        key: &[u8],
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if let Some(v) = self.map.get(key) {
            return Ok(*v);
        }
        let v = make()?;
        self.map.insert(key.into(), v);
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_equal_texts_share_storage_and_compare_as_text() {
        let a = Sym::new("BTC");
        let b = Sym::from(String::from("BTC"));
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, b);
        assert_eq!(a, "BTC");
        assert!(Sym::new("ADA") < Sym::new("BTC"));
        assert!(Sym::new("") < Sym::new("A"));
        assert_eq!(Sym::default(), "");
        assert_eq!(format!("{a}/{a:?}"), "BTC/\"BTC\"");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"BTC\"");
        let mut m: HashMap<Sym, u32> = HashMap::new();
        m.insert(a, 1);
        assert_eq!(m.get("BTC"), Some(&1));
    }

    #[test]
    fn cache_calls_make_once_per_key() {
        let mut c: Cache<Sym> = Cache::default();
        let mut calls = 0;
        for _ in 0..3 {
            c.get_or(b"eth", || {
                calls += 1;
                Sym::new("ETH")
            });
        }
        assert_eq!(calls, 1);
        assert_eq!(c.get_or(b"eth", || Sym::new("x")), "ETH");
    }
}
