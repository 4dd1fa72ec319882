//! Mutations of valid input files for the parser fuzz tests (included by path): every random
//! choice is drawn by proptest, so a failing case shrinks and replays.
#![allow(dead_code)]

use proptest::prelude::*;

/// Values that stress range checks and number parsing.
pub const NASTY_TOKENS: [&str; 16] = [
    "0",
    "-1",
    "1e-39",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "18446744073709551615",
    "18446744073709551616",
    "1000000000",
    "\"\"",
    "true",
    "[]",
    "{}",
    "\"x\"",
];

/// One edit of a byte string.
#[derive(Clone, Debug)]
pub enum Edit {
    /// XOR the byte at a position (mod length) with a non-zero mask.
    Flip(usize, u8),
    /// Insert a byte at a position.
    Insert(usize, u8),
    /// Delete up to `n` bytes at a position.
    Delete(usize, usize),
    /// Repeat the bytes `[pos, pos + n)` right after themselves.
    Duplicate(usize, usize),
    /// Replace the token (a run of non-separator bytes) at a position with a nasty token.
    Token(usize, usize),
    /// Cut the file at a position.
    Truncate(usize),
}

/// Any edit.
pub fn edit() -> impl Strategy<Value = Edit> {
    let pos = any::<usize>();
    prop_oneof![
        (pos.clone(), 1u8..=255).prop_map(|(p, m)| Edit::Flip(p, m)),
        (pos.clone(), any::<u8>()).prop_map(|(p, b)| Edit::Insert(p, b)),
        (pos.clone(), 1usize..32).prop_map(|(p, n)| Edit::Delete(p, n)),
        (pos.clone(), 1usize..64).prop_map(|(p, n)| Edit::Duplicate(p, n)),
        (pos.clone(), 0..NASTY_TOKENS.len()).prop_map(|(p, t)| Edit::Token(p, t)),
        pos.prop_map(Edit::Truncate),
    ]
}

fn is_separator(b: u8) -> bool {
    b.is_ascii_whitespace() || b"=,[]{}\"".contains(&b)
}

/// Applies `edits` in order to `bytes`.
pub fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = bytes.len();
        let at = |p: usize| if n == 0 { 0 } else { p % n };
        match *e {
            Edit::Flip(p, m) if n > 0 => bytes[at(p)] ^= m,
            Edit::Insert(p, b) => bytes.insert(if n == 0 { 0 } else { p % (n + 1) }, b),
            Edit::Delete(p, k) if n > 0 => {
                let s = at(p);
                bytes.drain(s..(s + k).min(n));
            }
            Edit::Duplicate(p, k) if n > 0 => {
                let s = at(p);
                let piece = bytes[s..(s + k).min(n)].to_vec();
                let end = s + piece.len();
                bytes.splice(end..end, piece);
            }
            Edit::Token(p, t) if n > 0 => {
                let mut s = at(p);
                while s > 0 && !is_separator(bytes[s - 1]) {
                    s -= 1;
                }
                let mut end = at(p);
                while end < n && !is_separator(bytes[end]) {
                    end += 1;
                }
                bytes.splice(s..end, NASTY_TOKENS[t].bytes());
            }
            Edit::Truncate(p) => bytes.truncate(if n == 0 { 0 } else { p % (n + 1) }),
            _ => {}
        }
    }
    bytes
}

/// A valid document from `docs` with 1–8 edits applied.
pub fn mutated(docs: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (0..docs.len(), prop::collection::vec(edit(), 1..8))
        .prop_map(move |(i, edits)| apply(docs[i].clone(), &edits))
}

/// Random bytes, sometimes printable only (more likely to get past the first parse step).
pub fn random_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec(0x20u8..0x7f, 0..512),
    ]
}
