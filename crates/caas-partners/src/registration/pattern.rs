//! A tiny anchored pattern matcher for the contract's identity and plate
//! regexes, so the tables in [`super::rules`] can quote the contract
//! verbatim without a regex engine. Supported syntax: `^…$` anchors (both
//! required), literal characters, `\x` escapes, bracket classes with ranges
//! (`[A-HJ-NP-Z0-9ÄÖÜ]`), and the quantifiers `?`, `{n}` and `{m,n}`.
//! Anything else (groups, alternation, `*`, `+`, `.`) makes the pattern
//! invalid, and an invalid pattern matches nothing.

/// One unit of input the pattern consumes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    /// Exactly this character.
    Lit(char),
    /// Any character inside one of these inclusive ranges.
    Class(Vec<(char, char)>),
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Lit(l) => *l == c,
            Atom::Class(ranges) => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)),
        }
    }
}

/// An atom repeated between `min` and `max` times.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    atom: Atom,
    min: usize,
    max: usize,
}

/// Parses a bracket class starting after `[`; returns it and the index after `]`.
fn parse_class(p: &[char], mut i: usize) -> Option<(Atom, usize)> {
    let mut ranges = Vec::new();
    while *p.get(i)? != ']' {
        let lo = *p.get(i)?;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|c| *c != ']') {
            let hi = *p.get(i + 2)?;
            if hi < lo {
                return None;
            }
            ranges.push((lo, hi));
            i += 3;
        } else {
            ranges.push((lo, lo));
            i += 1;
        }
    }
    (!ranges.is_empty()).then_some((Atom::Class(ranges), i + 1))
}

/// Parses an optional quantifier at `i`; returns `(min, max, next index)`.
fn parse_quantifier(p: &[char], i: usize) -> Option<(usize, usize, usize)> {
    match p.get(i) {
        Some('?') => Some((0, 1, i + 1)),
        Some('{') => {
            let close = i + p[i..].iter().position(|c| *c == '}')?;
            let inner: String = p[i + 1..close].iter().collect();
            let (min, max) = match inner.split_once(',') {
                Some((lo, hi)) => (lo.parse().ok()?, hi.parse().ok()?),
                None => {
                    let n = inner.parse().ok()?;
                    (n, n)
                }
            };
            (min <= max).then_some((min, max, close + 1))
        }
        _ => Some((1, 1, i)),
    }
}

/// Compiles `pattern`; `None` if it uses unsupported syntax.
fn parse(pattern: &str) -> Option<Vec<Piece>> {
    let chars: Vec<char> = pattern.chars().collect();
    let body = chars.strip_prefix(&['^'])?.strip_suffix(&['$'])?;
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let (atom, next) = match body[i] {
            '[' => parse_class(body, i + 1)?,
            '\\' => (Atom::Lit(*body.get(i + 1)?), i + 2),
            '(' | ')' | '|' | '*' | '+' | '.' | '{' | '}' | '?' | ']' | '^' | '$' => return None,
            c => (Atom::Lit(c), i + 1),
        };
        let (min, max, next) = parse_quantifier(body, next)?;
        pieces.push(Piece { atom, min, max });
        i = next;
    }
    Some(pieces)
}

/// Backtracking match of `pieces` against the whole of `input`.
fn match_all(pieces: &[Piece], input: &[char]) -> bool {
    let Some((piece, rest)) = pieces.split_first() else {
        return input.is_empty();
    };
    let mut taken = 0;
    while taken < piece.max && taken < input.len() && piece.atom.matches(input[taken]) {
        taken += 1;
    }
    taken >= piece.min
        && (piece.min..=taken)
            .rev()
            .any(|n| match_all(rest, &input[n..]))
}

/// True when `pattern` is valid in the supported syntax.
pub fn is_valid(pattern: &str) -> bool {
    parse(pattern).is_some()
}

/// True when the whole of `input` matches `pattern` (invalid patterns match nothing).
pub fn matches(pattern: &str, input: &str) -> bool {
    let input: Vec<char> = input.chars().collect();
    parse(pattern).is_some_and(|pieces| match_all(&pieces, &input))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_ranges_and_quantifiers() {
        assert!(matches("^[0-9]{4} [BCD]{3}$", "4821 BCD"));
        assert!(!matches("^[0-9]{4} [BCD]{3}$", "4821 BCA"));
        assert!(!matches("^[0-9]{4} [BCD]{3}$", "4821 BCDD"));
        assert!(matches("^[A-HJ-NP-Z]{2}$", "HJ"));
        assert!(!matches("^[A-HJ-NP-Z]{2}$", "IO"));
        assert!(matches("^[0-9]{8} ?[0-9]$", "123456781"));
        assert!(matches("^[0-9]{8} ?[0-9]$", "12345678 1"));
        assert!(matches("^HR[AB] [0-9]{1,6}[A-Z]?$", "HRB 12345"));
        assert!(matches("^HR[AB] [0-9]{1,6}[A-Z]?$", "HRA 1X"));
        assert!(!matches("^HR[AB] [0-9]{1,6}[A-Z]?$", "HRB 1234567"));
    }

    #[test]
    fn unicode_and_backtracking() {
        let de = "^[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [1-9][0-9]{0,3}E?$";
        assert!(matches(de, "MÜ-CA 12E"));
        assert!(matches(de, "M-CA 2026E"));
        assert!(matches(de, "M-CA 2026"));
        assert!(!matches(de, "M-CA 0123"));
        assert!(matches("^[A-Z]{1,3}[A-Z]{2}$", "ABC"));
    }

    #[test]
    fn unsupported_syntax_matches_nothing() {
        for p in [
            "[0-9]{2}", "^(a|b)$", "^a*$", "^a+$", "^.$", "^[a-$", "^a{2,1}$",
        ] {
            assert!(!is_valid(p), "{p}");
            assert!(!matches(p, "a"));
        }
        assert!(is_valid("^\\.$"));
        assert!(matches("^\\.$", "."));
    }
}
