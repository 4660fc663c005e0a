//! C-like expressions for `print`, conditions and `watch`: the parser, and the evaluator over a paused frame.
//!
//! [`parse()`] turns one expression such as `(struct node *)p->next[2].val`
//! into an [`Expr`] tree; [`tokens_for_completion`] finds the name being typed
//! for tab completion. Neither panics on any input, and nesting is capped at
//! [`parse::MAX_DEPTH`] levels.

pub mod ast;
mod lex;
pub mod parse;

pub use ast::{BinOp, Expr, IntLitType, TypeName, UnOp};
pub use parse::{ParseError, parse};

mod eval;

use lex::Lite;

/// Finds the name being typed at the end of `src`, for tab completion.
///
/// Returns the byte offset where the prefix starts and its text, which is
/// always exactly `&src[offset..]`:
///
/// * an identifier: `1 + va` gives `(4, "va")`, `$p` gives `(0, "$p")`,
///   `(struct no` gives `(8, "no")`; keywords count as identifiers
///   (`sizeof(in` gives `(7, "in")`);
/// * a member name after `.` or `->`: `p->nex` gives `(3, "nex")`;
///   immediately after the operator the prefix is empty: `p->` gives
///   `(3, "")`, so the caller can list every field;
/// * a `::`-qualified name is returned whole when written without spaces:
///   `ns::va` gives `(0, "ns::va")`, `ns::` gives `(0, "ns::")`, `::g` gives
///   `(0, "::g")`.
///
/// To tell a member name from a variable name, look at what precedes
/// `offset`: `src[..offset].trim_end()` ends with `.` or `->` for members.
///
/// Returns `None` when no name is being typed: empty input, input ending in
/// whitespace or in an operator other than `.`/`->`/`::` (`a + `), a number
/// (`0x1f`, `1e`), or an unterminated string or character literal (`"ab`).
/// The input need not be a valid expression; this never fails or panics.
pub fn tokens_for_completion(src: &str) -> Option<(usize, String)> {
    let toks = lex::scan_lenient(src)?;
    let &(kind, _, end) = toks.last()?;
    if end != src.len() {
        return None;
    }
    match kind {
        Lite::Member => return Some((src.len(), String::new())),
        Lite::Ident | Lite::ColonColon => {}
        Lite::Other => return None,
    }
    // Walk back over a contiguous `a::b::c` chain.
    let mut k = toks.len() - 1;
    while k > 0 {
        let (prev, _, prev_end) = toks[k - 1];
        let (cur, cur_start, _) = toks[k];
        let joins = prev_end == cur_start
            && matches!(
                (prev, cur),
                (Lite::Ident, Lite::ColonColon) | (Lite::ColonColon, Lite::Ident)
            );
        if !joins {
            break;
        }
        k -= 1;
    }
    let start = toks[k].1;
    Some((start, src.get(start..)?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_type(s: &str) -> bool {
        matches!(s, "size_t" | "Node" | "ns::T")
    }

    fn comp(src: &str) -> Option<(usize, String)> {
        tokens_for_completion(src)
    }

    fn some(offset: usize, text: &str) -> Option<(usize, String)> {
        Some((offset, text.to_string()))
    }

    #[test]
    fn completion_identifiers_and_members() {
        assert_eq!(comp("p->nex"), some(3, "nex"));
        assert_eq!(comp("1 + va"), some(4, "va"));
        assert_eq!(comp("va"), some(0, "va"));
        assert_eq!(comp("s.f"), some(2, "f"));
        assert_eq!(comp("a[i].b->c"), some(8, "c"));
        assert_eq!(comp("p -> ne"), some(5, "ne"));
        assert_eq!(comp("$p"), some(0, "$p"));
        assert_eq!(comp("$"), some(0, "$"));
        assert_eq!(comp("x+$loc"), some(2, "$loc"));
        assert_eq!(comp("(struct no"), some(8, "no"));
        assert_eq!(comp("sizeof(in"), some(7, "in"));
        assert_eq!(comp("\"a b\" + x"), some(8, "x"));
        assert_eq!(comp("a @b"), some(3, "b"));
        assert_eq!(comp("f(x"), some(2, "x"));
    }

    #[test]
    fn completion_after_member_operator() {
        assert_eq!(comp("p->"), some(3, ""));
        assert_eq!(comp("s."), some(2, ""));
        assert_eq!(comp("a[1]."), some(5, ""));
        assert_eq!(comp("p-> "), None);
    }

    #[test]
    fn completion_qualified_names() {
        assert_eq!(comp("ns::va"), some(0, "ns::va"));
        assert_eq!(comp("ns::"), some(0, "ns::"));
        assert_eq!(comp("::g"), some(0, "::g"));
        assert_eq!(comp("::"), some(0, "::"));
        assert_eq!(comp("x + a::b::c"), some(4, "a::b::c"));
        assert_eq!(comp("x + ns :: va"), some(10, "va"));
        assert_eq!(comp("p->ns::f"), some(3, "ns::f"));
    }

    #[test]
    fn completion_none() {
        for src in [
            "",
            " ",
            "a ",
            "a + ",
            "(",
            "x)",
            "1",
            "0x1f",
            "1e",
            "1.5",
            "12ab",
            "\"abc",
            "x == \"a\\\"",
            "'a",
            "'",
            "a[1]",
            "é",
            "xé",
            "p--",
            "a ?",
        ] {
            assert_eq!(comp(src), None, "{src:?}");
        }
    }

    /// xorshift64* — deterministic, no dependencies.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }

        fn pick<T: Copy>(&mut self, items: &[T]) -> T {
            items[self.below(items.len())]
        }
    }

    const CORPUS: &[&str] = &[
        "1 + 2 * 3",
        "(struct node *)p->next",
        "a[i].b->c",
        "*&x",
        "-1",
        "!x && y || z",
        "x = y = 3",
        "sizeof x",
        "sizeof(int[4])",
        "sizeof(unsigned long long *)",
        "(size_t)-1",
        "(Node *)$local3",
        "a ? b : c ? d : e",
        "$pc + 0x10",
        "ns::var << 2 | ::g",
        "'\\x41' + '\\n' + '\\0'",
        "\"ab\\tc\" \"de\"",
        "0x1p3 + 1.5e-3f + .5",
        "18446744073709551615ull",
        "0b1010 ^ 017 & ~0u",
        "(const char * const *)argv[1]",
        "sizeof(ns::T) / sizeof(x[0])",
        "p->a.b[3][4]->c",
        "x >= 1 && x <= 10 || x != 5",
        "(unsigned char)c == 255",
        "*(int *)($sp + 8) = 42",
        "(long double)1 / 3",
        "a % b - c >> 1",
        "(Node)n",
        "((((x))))",
    ];

    const FRAGMENTS: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "->",
        ".",
        "::",
        "?",
        ":",
        "=",
        "==",
        "+=",
        "++",
        "--",
        "+",
        "-",
        "*",
        "&",
        "&&",
        "|",
        "||",
        "^",
        "~",
        "!",
        "<<",
        ">>=",
        "<",
        ">=",
        ",",
        ";",
        "{",
        "sizeof",
        "int",
        "unsigned",
        "long",
        "char",
        "signed",
        "double",
        "struct",
        "union",
        "enum",
        "class",
        "const",
        "void",
        "bool",
        "size_t",
        "Node",
        "ns",
        "T",
        "x",
        "p",
        "$pc",
        "$",
        "0",
        "1",
        "123",
        "0x",
        "0x1f",
        "0b",
        "0b2",
        "08",
        "1e",
        "1e+",
        "1.5",
        ".5",
        "0x1p",
        "0x1.8p3",
        "1u",
        "1ull",
        "1lL",
        "99999999999999999999",
        "'",
        "'a'",
        "'\\",
        "'\\x41'",
        "\"",
        "\"s\"",
        "\\",
        "\\x",
        "\\u12",
        " ",
        "\t",
        "\n",
        "é",
        "€",
        "\u{0}",
        "@",
        "#",
        "`",
    ];

    const CHARS: &[char] = &[
        'a', 'b', 'x', '_', '$', '0', '1', '7', '9', 'e', 'E', 'p', 'u', 'l', 'L', 'f', '.', '(',
        ')', '[', ']', '-', '>', '<', '+', '*', '&', '|', '^', '~', '!', '?', ':', '=', ',', '\'',
        '"', '\\', ' ', '\n', '@', 'é', '\u{0}', '\u{7f}', '😀',
    ];

    fn random_input(rng: &mut Rng) -> String {
        match rng.below(4) {
            0 => {
                let mut s = String::new();
                for _ in 0..rng.below(12) + 1 {
                    s.push_str(rng.pick(FRAGMENTS));
                    if rng.below(3) == 0 {
                        s.push(' ');
                    }
                }
                s
            }
            1 => (0..rng.below(30)).map(|_| rng.pick(CHARS)).collect(),
            _ => {
                let mut c: Vec<char> = rng.pick(CORPUS).chars().collect();
                for _ in 0..rng.below(4) + 1 {
                    let len = c.len();
                    let at = rng.below(len + 1);
                    match rng.below(6) {
                        0 if at < len => {
                            c.remove(at);
                        }
                        1 => {
                            let frag: Vec<char> = rng.pick(FRAGMENTS).chars().collect();
                            c.splice(at..at, frag);
                        }
                        2 if at < len => c[at] = rng.pick(CHARS),
                        3 => {
                            let end = at + rng.below(len - at + 1);
                            let dup: Vec<char> = c[at..end].to_vec();
                            c.splice(at..at, dup);
                        }
                        4 => c.truncate(at),
                        _ => {
                            let other = rng.below(len + 1);
                            if at < len && other < len {
                                c.swap(at, other);
                            }
                        }
                    }
                }
                c.into_iter().collect()
            }
        }
    }

    /// Parses and completes `src`, failing with the input if anything panics
    /// or an invariant does not hold. Returns whether the parse succeeded.
    fn check_invariants(src: &str) -> bool {
        let run = std::panic::catch_unwind(|| (parse(src, &is_type), tokens_for_completion(src)));
        let Ok((parsed, completion)) = run else {
            panic!("panicked on input {src:?}");
        };
        if let Some((offset, text)) = completion {
            assert_eq!(src.get(offset..), Some(text.as_str()), "{src:?}");
        }
        match parsed {
            Ok(expr) => {
                assert_eq!(expr.clone(), expr, "{src:?}");
                true
            }
            Err(e) => {
                assert!(e.offset <= src.len(), "{src:?}: {e:?}");
                assert!(src.is_char_boundary(e.offset), "{src:?}: {e:?}");
                assert!(!e.message.is_empty(), "{src:?}");
                assert!(
                    e.to_string()
                        .ends_with(&format!("(at column {})", e.offset + 1))
                );
                false
            }
        }
    }

    #[test]
    fn corpus_parses() {
        for src in CORPUS {
            assert!(
                parse(src, &is_type).is_ok(),
                "{src}: {:?}",
                parse(src, &is_type)
            );
        }
    }

    #[test]
    fn fuzz_never_panics() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut ok, mut err) = (0, 0);
        for _ in 0..20_000 {
            let src = random_input(&mut rng);
            if check_invariants(&src) {
                ok += 1;
            } else {
                err += 1;
            }
        }
        // Make sure the generator exercises both outcomes substantially.
        assert!(ok > 1_000 && err > 1_000, "ok={ok} err={err}");
    }

    #[test]
    fn every_prefix_of_the_corpus_is_handled() {
        for src in CORPUS {
            for (i, _) in src.char_indices() {
                check_invariants(&src[..i]);
            }
        }
    }
}
