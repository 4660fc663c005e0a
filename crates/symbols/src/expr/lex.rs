//! Tokenizer for debugger expressions.
//!
//! Numbers are scanned as C "preprocessing numbers" first (so `123abc` is one
//! token with a bad suffix rather than `123` followed by `abc`) and then
//! interpreted.

use crate::expr::ast::IntLitType;
use crate::expr::parse::ParseError;

/// Punctuators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum P {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Semi,
    Comma,
    Dot,
    Arrow,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Shl,
    Shr,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    Amp,
    Caret,
    Pipe,
    AndAnd,
    OrOr,
    Bang,
    Tilde,
    Question,
    Colon,
    ColonColon,
    Assign,
    /// Any of `+= -= *= /= %= <<= >>= &= ^= |=` (all rejected by the parser).
    CompoundAssign,
    PlusPlus,
    MinusMinus,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Int {
        value: u64,
        ty: IntLitType,
    },
    Float {
        value: f64,
        single: bool,
    },
    Char(u8),
    Str(Vec<u8>),
    /// Identifier or keyword (keywords are recognised by the parser).
    Ident(String),
    Punct(P),
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: Tok,
    /// Byte offset of the first byte.
    pub(crate) start: usize,
    /// Byte offset one past the last byte.
    pub(crate) end: usize,
}

pub(crate) fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$'
}

pub(crate) fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn ident_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_ident_continue(c)) {
        i += 1;
    }
    i
}

fn digits_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

fn hex_val(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'a'..=b'f' => u32::from(c - b'a') + 10,
        b'A'..=b'F' => u32::from(c - b'A') + 10,
        _ => 99,
    }
}

/// Whether a number starts at `i`: a digit, or `.` followed by a digit.
fn starts_number(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(c) if c.is_ascii_digit() => true,
        Some(b'.') => b.get(i + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    }
}

/// End of the preprocessing number starting at `start`. A sign is part of the
/// number only right after an exponent letter (`e`/`E` for decimal, `p`/`P`
/// for hexadecimal), so `0x1e+1` is `0x1e + 1`.
fn pp_number_end(b: &[u8], start: usize) -> usize {
    let radix_char = if b.get(start) == Some(&b'0') {
        b.get(start + 1).copied()
    } else {
        None
    };
    let hex = matches!(radix_char, Some(b'x' | b'X'));
    let bin = matches!(radix_char, Some(b'b' | b'B'));
    let mut i = start;
    while let Some(&c) = b.get(i) {
        let sign_ok = matches!(c, b'+' | b'-') && !bin && i > start && {
            let prev = b[i - 1];
            if hex {
                matches!(prev, b'p' | b'P')
            } else {
                matches!(prev, b'e' | b'E')
            }
        };
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || sign_ok {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Recognises a punctuator at `i`, returning it and its length in bytes.
fn punct(b: &[u8], i: usize) -> Option<(P, usize)> {
    let c = *b.get(i)?;
    let n1 = b.get(i + 1).copied();
    let n2 = b.get(i + 2).copied();
    let r = match (c, n1) {
        (b'(', _) => (P::LParen, 1),
        (b')', _) => (P::RParen, 1),
        (b'[', _) => (P::LBracket, 1),
        (b']', _) => (P::RBracket, 1),
        (b'{', _) => (P::LBrace, 1),
        (b'}', _) => (P::RBrace, 1),
        (b';', _) => (P::Semi, 1),
        (b',', _) => (P::Comma, 1),
        (b'.', _) => (P::Dot, 1),
        (b'-', Some(b'>')) => (P::Arrow, 2),
        (b'-', Some(b'-')) => (P::MinusMinus, 2),
        (b'-', Some(b'=')) => (P::CompoundAssign, 2),
        (b'-', _) => (P::Minus, 1),
        (b'+', Some(b'+')) => (P::PlusPlus, 2),
        (b'+', Some(b'=')) => (P::CompoundAssign, 2),
        (b'+', _) => (P::Plus, 1),
        (b'*' | b'/' | b'%' | b'^', Some(b'=')) => (P::CompoundAssign, 2),
        (b'*', _) => (P::Star, 1),
        (b'/', _) => (P::Slash, 1),
        (b'%', _) => (P::Percent, 1),
        (b'^', _) => (P::Caret, 1),
        (b'<', Some(b'<')) if n2 == Some(b'=') => (P::CompoundAssign, 3),
        (b'<', Some(b'<')) => (P::Shl, 2),
        (b'<', Some(b'=')) => (P::Le, 2),
        (b'<', _) => (P::Lt, 1),
        (b'>', Some(b'>')) if n2 == Some(b'=') => (P::CompoundAssign, 3),
        (b'>', Some(b'>')) => (P::Shr, 2),
        (b'>', Some(b'=')) => (P::Ge, 2),
        (b'>', _) => (P::Gt, 1),
        (b'=', Some(b'=')) => (P::EqEq, 2),
        (b'=', _) => (P::Assign, 1),
        (b'!', Some(b'=')) => (P::Ne, 2),
        (b'!', _) => (P::Bang, 1),
        (b'&', Some(b'&')) => (P::AndAnd, 2),
        (b'&', Some(b'=')) => (P::CompoundAssign, 2),
        (b'&', _) => (P::Amp, 1),
        (b'|', Some(b'|')) => (P::OrOr, 2),
        (b'|', Some(b'=')) => (P::CompoundAssign, 2),
        (b'|', _) => (P::Pipe, 1),
        (b'~', _) => (P::Tilde, 1),
        (b'?', _) => (P::Question, 1),
        (b':', Some(b':')) => (P::ColonColon, 2),
        (b':', _) => (P::Colon, 1),
        _ => return None,
    };
    Some(r)
}

/// Splits `src` into tokens (without a trailing end-of-input token).
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let b = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if is_space(c) {
            i += 1;
            continue;
        }
        let start = i;
        let kind = if is_ident_start(c) {
            i = ident_end(b, i);
            Tok::Ident(src[start..i].to_string())
        } else if starts_number(b, i) {
            i = pp_number_end(b, i);
            number(&src[start..i], start)?
        } else if c == b'"' {
            let (bytes, end) = quoted(src, start, b'"')?;
            i = end;
            Tok::Str(bytes)
        } else if c == b'\'' {
            let (bytes, end) = quoted(src, start, b'\'')?;
            i = end;
            char_literal(&bytes, start)?
        } else if let Some((p, len)) = punct(b, i) {
            i += len;
            Tok::Punct(p)
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(ParseError::new(
                format!("unknown character `{}`", ch.escape_debug()),
                i,
            ));
        };
        toks.push(Token {
            kind,
            start,
            end: i,
        });
    }
    Ok(toks)
}

fn char_literal(bytes: &[u8], start: usize) -> Result<Tok, ParseError> {
    match bytes {
        [] => Err(ParseError::new("empty character literal", start)),
        [c] => Ok(Tok::Char(*c)),
        _ => match std::str::from_utf8(bytes) {
            Ok(s) if s.chars().count() == 1 => Err(ParseError::new(
                format!("character literal `{s}` does not fit in one byte"),
                start,
            )),
            _ => Err(ParseError::new(
                "multi-character character literals are not supported",
                start,
            )),
        },
    }
}

/// Scans a string (`quote == b'"'`) or character literal starting at `start`,
/// returning the decoded bytes and the offset after the closing quote.
fn quoted(src: &str, start: usize, quote: u8) -> Result<(Vec<u8>, usize), ParseError> {
    let b = src.as_bytes();
    let what = if quote == b'"' { "string" } else { "character" };
    let unterminated = || ParseError::new(format!("unterminated {what} literal"), start);
    let mut out = Vec::new();
    let mut i = start + 1;
    loop {
        match b.get(i) {
            None | Some(b'\n') => return Err(unterminated()),
            Some(&c) if c == quote => return Ok((out, i + 1)),
            Some(b'\\') => {
                if b.get(i + 1).is_none() {
                    return Err(unterminated());
                }
                i = escape(src, i, &mut out)?;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// Decodes the escape sequence whose backslash is at `i` (a byte follows it),
/// appending to `out`; returns the offset after the sequence.
fn escape(src: &str, i: usize, out: &mut Vec<u8>) -> Result<usize, ParseError> {
    let b = src.as_bytes();
    let c = b.get(i + 1).copied().unwrap_or(0);
    let simple = match c {
        b'n' => Some(b'\n'),
        b't' => Some(b'\t'),
        b'r' => Some(b'\r'),
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'v' => Some(0x0b),
        b'\\' | b'\'' | b'"' | b'?' => Some(c),
        _ => None,
    };
    if let Some(v) = simple {
        out.push(v);
        return Ok(i + 2);
    }
    match c {
        b'0'..=b'7' => {
            let mut v: u32 = 0;
            let mut j = i + 1;
            while j < i + 4 {
                match b.get(j) {
                    Some(&d @ b'0'..=b'7') => v = v * 8 + u32::from(d - b'0'),
                    _ => break,
                }
                j += 1;
            }
            let v = u8::try_from(v)
                .map_err(|_| ParseError::new("octal escape sequence out of range", i))?;
            out.push(v);
            Ok(j)
        }
        b'x' => {
            let mut v: u32 = 0;
            let mut j = i + 2;
            while let Some(&h) = b.get(j)
                && h.is_ascii_hexdigit()
            {
                v = (v * 16 + hex_val(h)).min(0x1000);
                j += 1;
            }
            if j == i + 2 {
                return Err(ParseError::new(
                    "`\\x` used with no following hex digits",
                    i,
                ));
            }
            let v = u8::try_from(v)
                .map_err(|_| ParseError::new("hex escape sequence out of range", i))?;
            out.push(v);
            Ok(j)
        }
        b'u' | b'U' => {
            let n = if c == b'u' { 4 } else { 8 };
            let digits = b
                .get(i + 2..i + 2 + n)
                .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
                .ok_or_else(|| ParseError::new("incomplete universal character name", i))?;
            let v = digits.iter().fold(0u32, |acc, &d| acc * 16 + hex_val(d));
            let ch = char::from_u32(v)
                .ok_or_else(|| ParseError::new("invalid universal character name", i))?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            Ok(i + 2 + n)
        }
        _ => {
            let ch = src[i + 1..].chars().next().unwrap_or('?');
            Err(ParseError::new(
                format!("unknown escape sequence `\\{}`", ch.escape_debug()),
                i,
            ))
        }
    }
}

/// Interprets the preprocessing number `text` found at byte offset `start`.
fn number(text: &str, start: usize) -> Result<Tok, ParseError> {
    let t = text.as_bytes();
    let prefix = if t.len() >= 2 && t[0] == b'0' {
        match t[1] {
            b'x' | b'X' => 16,
            b'b' | b'B' => 2,
            _ => 0,
        }
    } else {
        0
    };
    match prefix {
        16 if text[2..].contains(['.', 'p', 'P']) => hex_float(text, start),
        16 => integer(text, start, 2, 16),
        2 => integer(text, start, 2, 2),
        _ if text.contains(['.', 'e', 'E']) => dec_float(text, start),
        _ if text.starts_with('0') => integer(text, start, 1, 8),
        _ => integer(text, start, 0, 10),
    }
}

/// Parses an integer suffix into (unsigned, number of `l`s).
fn int_suffix(s: &str) -> Option<(bool, u8)> {
    let (unsigned, rest) = if let Some(r) = s.strip_prefix(['u', 'U']) {
        (true, r)
    } else if let Some(r) = s.strip_suffix(['u', 'U']) {
        (true, r)
    } else {
        (false, s)
    };
    let longs = match rest {
        "" => 0,
        "l" | "L" => 1,
        "ll" | "LL" => 2,
        _ => return None,
    };
    Some((unsigned, longs))
}

/// The C type of an integer literal (C11 6.4.4.1) for wasm32, where `int`
/// and `long` are 32 bits and `long long` is 64 bits.
fn int_type(value: u64, decimal: bool, unsigned: bool, longs: u8) -> IntLitType {
    use IntLitType::*;
    let candidates: &[IntLitType] = match (unsigned, longs, decimal) {
        (false, 0, true) => &[Int, Long, LongLong],
        (false, 0, false) => &[Int, UInt, Long, ULong, LongLong, ULongLong],
        (true, 0, _) => &[UInt, ULong, ULongLong],
        (false, 1, true) => &[Long, LongLong],
        (false, 1, false) => &[Long, ULong, LongLong, ULongLong],
        (true, 1, _) => &[ULong, ULongLong],
        (false, _, true) => &[LongLong],
        (false, _, false) => &[LongLong, ULongLong],
        (true, _, _) => &[ULongLong],
    };
    let max = |t: IntLitType| -> u64 {
        match t {
            Int | Long => i32::MAX as u64,
            UInt | ULong => u64::from(u32::MAX),
            LongLong => i64::MAX as u64,
            ULongLong => u64::MAX,
        }
    };
    candidates
        .iter()
        .copied()
        .find(|&t| value <= max(t))
        // A decimal literal too big for `long long`: GCC makes it unsigned.
        .unwrap_or(ULongLong)
}

fn integer(text: &str, start: usize, skip: usize, radix: u32) -> Result<Tok, ParseError> {
    let body = &text[skip..];
    let ndig = body
        .bytes()
        .take_while(|c| {
            if radix == 16 {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        })
        .count();
    let (digits, suffix) = body.split_at(ndig);
    if ndig == 0 && radix == 16 {
        return Err(ParseError::new("hexadecimal literal has no digits", start));
    }
    if ndig == 0 && radix == 2 {
        return Err(ParseError::new("binary literal has no digits", start));
    }
    let mut value: Option<u64> = Some(0);
    for (k, c) in digits.bytes().enumerate() {
        let d = hex_val(c);
        if d >= radix {
            let name = if radix == 8 { "octal" } else { "binary" };
            return Err(ParseError::new(
                format!("invalid digit `{}` in {name} literal", c as char),
                start + skip + k,
            ));
        }
        value = value
            .and_then(|v| v.checked_mul(u64::from(radix)))
            .and_then(|v| v.checked_add(u64::from(d)));
    }
    let (unsigned, longs) = int_suffix(suffix).ok_or_else(|| {
        ParseError::new(
            format!("invalid suffix `{suffix}` on integer literal"),
            start + skip + ndig,
        )
    })?;
    let value = value.ok_or_else(|| ParseError::new("integer literal is too large", start))?;
    Ok(Tok::Int {
        value,
        ty: int_type(value, radix == 10, unsigned, longs),
    })
}

/// Interprets a floating suffix: `Some(true)` for `f`/`F`.
fn float_suffix(text: &str, at: usize, start: usize) -> Result<bool, ParseError> {
    match &text[at..] {
        "" | "l" | "L" => Ok(false),
        "f" | "F" => Ok(true),
        s => Err(ParseError::new(
            format!("invalid suffix `{s}` on floating literal"),
            start + at,
        )),
    }
}

fn checked_float(value: f64, single: bool, start: usize) -> Result<Tok, ParseError> {
    if !value.is_finite() {
        return Err(ParseError::new("floating literal is too large", start));
    }
    if single && (value as f32).is_infinite() {
        return Err(ParseError::new(
            "floating literal is too large for `float`",
            start,
        ));
    }
    Ok(Tok::Float { value, single })
}

fn dec_float(text: &str, start: usize) -> Result<Tok, ParseError> {
    let b = text.as_bytes();
    let mut i = digits_end(b, 0);
    if b.get(i) == Some(&b'.') {
        i = digits_end(b, i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let e = i;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let j = digits_end(b, i);
        if j == i {
            return Err(ParseError::new("exponent has no digits", start + e));
        }
        i = j;
    }
    let single = float_suffix(text, i, start)?;
    let value: f64 = text[..i]
        .parse()
        .map_err(|_| ParseError::new("invalid floating literal", start))?;
    checked_float(value, single, start)
}

/// `x * 2^e` without intermediate overflow of the power.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 && x.is_finite() && x != 0.0 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 && x.is_finite() && x != 0.0 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    // `e` is now within [-1000, 1000] unless `x` is 0 or infinite.
    x * 2f64.powi(e.clamp(-1100, 1100) as i32)
}

fn hex_float(text: &str, start: usize) -> Result<Tok, ParseError> {
    let b = text.as_bytes();
    let mut i = 2;
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut sticky = false;
    let mut any = false;
    let mut frac = false;
    loop {
        match b.get(i) {
            Some(&c) if c.is_ascii_hexdigit() => {
                any = true;
                let d = u64::from(hex_val(c));
                if mant < 1 << 60 {
                    mant = mant * 16 + d;
                    if frac {
                        exp -= 4;
                    }
                } else {
                    if !frac {
                        exp += 4;
                    }
                    sticky |= d != 0;
                }
            }
            Some(b'.') if !frac => frac = true,
            _ => break,
        }
        i += 1;
    }
    if !any {
        return Err(ParseError::new("hexadecimal literal has no digits", start));
    }
    if !matches!(b.get(i), Some(b'p' | b'P')) {
        return Err(ParseError::new(
            "hexadecimal floating literal requires an exponent (`p`)",
            start + i,
        ));
    }
    let p_at = i;
    i += 1;
    let negative = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let j = digits_end(b, i);
    if j == i {
        return Err(ParseError::new("exponent has no digits", start + p_at));
    }
    let e = b[i..j].iter().fold(0i64, |acc, &d| {
        (acc * 10 + i64::from(d - b'0')).min(1_000_000)
    });
    let single = float_suffix(text, j, start)?;
    if sticky {
        mant |= 1;
    }
    let exp = exp.saturating_add(if negative { -e } else { e });
    checked_float(ldexp(mant as f64, exp), single, start)
}

/// Token classes seen by the completion scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lite {
    Ident,
    ColonColon,
    /// `.` or `->`
    Member,
    Other,
}

/// Leniently splits `src` into (class, start, end) triples for tab completion,
/// never failing on bad input. Returns `None` if `src` ends inside an
/// unterminated string or character literal.
pub(crate) fn scan_lenient(src: &str) -> Option<Vec<(Lite, usize, usize)>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if is_space(c) {
            i += 1;
            continue;
        }
        let start = i;
        let kind = if is_ident_start(c) {
            i = ident_end(b, i);
            Lite::Ident
        } else if starts_number(b, i) {
            i = pp_number_end(b, i);
            Lite::Other
        } else if c == b'"' || c == b'\'' {
            i += 1;
            loop {
                match b.get(i) {
                    None => return None,
                    Some(b'\\') => i += 2,
                    Some(&q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            Lite::Other
        } else if let Some((p, len)) = punct(b, i) {
            i += len;
            match p {
                P::Dot | P::Arrow => Lite::Member,
                P::ColonColon => Lite::ColonColon,
                _ => Lite::Other,
            }
        } else {
            i += src[i..].chars().next().map_or(1, char::len_utf8);
            Lite::Other
        };
        out.push((kind, start, i));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap().into_iter().map(|t| t.kind).collect()
    }

    fn one(src: &str) -> Tok {
        let mut k = kinds(src);
        assert_eq!(k.len(), 1, "{src}: {k:?}");
        k.remove(0)
    }

    fn err(src: &str) -> ParseError {
        tokenize(src).unwrap_err()
    }

    fn int(src: &str) -> (u64, IntLitType) {
        match one(src) {
            Tok::Int { value, ty } => (value, ty),
            t => panic!("{src}: {t:?}"),
        }
    }

    fn float(src: &str) -> (f64, bool) {
        match one(src) {
            Tok::Float { value, single } => (value, single),
            t => panic!("{src}: {t:?}"),
        }
    }

    #[test]
    fn punctuators_maximal_munch() {
        use P::*;
        let got: Vec<P> = kinds("( ) [ ] . -> + - * / % << >> < <= > >= == != & ^ | && || ! ~ ? : :: = , ++ -- += <<= >>= |= { } ;")
            .into_iter()
            .map(|t| match t {
                Tok::Punct(p) => p,
                t => panic!("{t:?}"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                LParen,
                RParen,
                LBracket,
                RBracket,
                Dot,
                Arrow,
                Plus,
                Minus,
                Star,
                Slash,
                Percent,
                Shl,
                Shr,
                Lt,
                Le,
                Gt,
                Ge,
                EqEq,
                Ne,
                Amp,
                Caret,
                Pipe,
                AndAnd,
                OrOr,
                Bang,
                Tilde,
                Question,
                Colon,
                ColonColon,
                Assign,
                Comma,
                PlusPlus,
                MinusMinus,
                CompoundAssign,
                CompoundAssign,
                CompoundAssign,
                CompoundAssign,
                LBrace,
                RBrace,
                Semi
            ]
        );
    }

    #[test]
    fn token_spans() {
        let t = tokenize("  ab->c  ").unwrap();
        let spans: Vec<(usize, usize)> = t.iter().map(|t| (t.start, t.end)).collect();
        assert_eq!(spans, vec![(2, 4), (4, 6), (6, 7)]);
    }

    #[test]
    fn identifiers() {
        assert_eq!(one("$pc"), Tok::Ident("$pc".into()));
        assert_eq!(one("_a1$b"), Tok::Ident("_a1$b".into()));
        assert_eq!(one("$"), Tok::Ident("$".into()));
    }

    #[test]
    fn decimal_int_types() {
        use IntLitType::*;
        assert_eq!(int("0"), (0, Int));
        assert_eq!(int("2147483647"), (2147483647, Int));
        assert_eq!(int("2147483648"), (2147483648, LongLong));
        assert_eq!(int("9223372036854775807"), (i64::MAX as u64, LongLong));
        assert_eq!(int("9223372036854775808"), (1 << 63, ULongLong));
        assert_eq!(int("18446744073709551615"), (u64::MAX, ULongLong));
    }

    #[test]
    fn hex_octal_binary_int_types() {
        use IntLitType::*;
        assert_eq!(int("0x7fffffff"), (0x7fff_ffff, Int));
        assert_eq!(int("0x80000000"), (0x8000_0000, UInt));
        assert_eq!(int("0XFFFFFFFF"), (0xffff_ffff, UInt));
        assert_eq!(int("0x100000000"), (0x1_0000_0000, LongLong));
        assert_eq!(int("0x8000000000000000"), (1 << 63, ULongLong));
        assert_eq!(int("017"), (15, Int));
        assert_eq!(int("037777777777"), (0xffff_ffff, UInt));
        assert_eq!(int("0b101"), (5, Int));
        assert_eq!(
            int("0B11111111111111111111111111111111"),
            (0xffff_ffff, UInt)
        );
        assert_eq!(int("0xfull"), (15, ULongLong));
        assert_eq!(int("0xDeadBeef"), (0xdead_beef, UInt));
    }

    #[test]
    fn int_suffixes() {
        use IntLitType::*;
        assert_eq!(int("1u"), (1, UInt));
        assert_eq!(int("1U"), (1, UInt));
        assert_eq!(int("4294967296u"), (1 << 32, ULongLong));
        assert_eq!(int("1l"), (1, Long));
        assert_eq!(int("2147483648L"), (2147483648, LongLong));
        assert_eq!(int("0x80000000L"), (0x8000_0000, ULong));
        assert_eq!(int("0x100000000l"), (1 << 32, LongLong));
        assert_eq!(int("1ul"), (1, ULong));
        assert_eq!(int("1LU"), (1, ULong));
        assert_eq!(int("1uL"), (1, ULong));
        assert_eq!(int("4294967296ul"), (1 << 32, ULongLong));
        assert_eq!(int("1ll"), (1, LongLong));
        assert_eq!(int("1LL"), (1, LongLong));
        assert_eq!(int("0xffffffffffffffffLL"), (u64::MAX, ULongLong));
        assert_eq!(int("1ULL"), (1, ULongLong));
        assert_eq!(int("1llu"), (1, ULongLong));
        assert_eq!(int("1LLU"), (1, ULongLong));
        assert_eq!(int("1uLL"), (1, ULongLong));
    }

    #[test]
    fn int_errors() {
        let cases = [
            ("18446744073709551616", "integer literal is too large", 0),
            ("0x10000000000000000", "integer literal is too large", 0),
            ("1lL", "invalid suffix `lL` on integer literal", 1),
            ("1uu", "invalid suffix `uu` on integer literal", 1),
            ("1lul", "invalid suffix `lul` on integer literal", 1),
            ("1lll", "invalid suffix `lll` on integer literal", 1),
            ("1f", "invalid suffix `f` on integer literal", 1),
            ("123abc", "invalid suffix `abc` on integer literal", 3),
            ("08", "invalid digit `8` in octal literal", 1),
            ("0779", "invalid digit `9` in octal literal", 3),
            ("0b102", "invalid digit `2` in binary literal", 4),
            ("0b", "binary literal has no digits", 0),
            ("0x", "hexadecimal literal has no digits", 0),
            ("0xg", "hexadecimal literal has no digits", 0),
        ];
        for (src, msg, off) in cases {
            assert_eq!(err(src), ParseError::new(msg, off), "{src}");
        }
    }

    #[test]
    fn floats() {
        assert_eq!(float("1.5"), (1.5, false));
        assert_eq!(float("1e3"), (1000.0, false));
        assert_eq!(float("1E+3"), (1000.0, false));
        assert_eq!(float("2.5e-3"), (0.0025, false));
        assert_eq!(float(".5"), (0.5, false));
        assert_eq!(float("1."), (1.0, false));
        assert_eq!(float("1.f"), (1.0, true));
        assert_eq!(float("1.5F"), (1.5, true));
        assert_eq!(float("1.5L"), (1.5, false));
        assert_eq!(float("08.5"), (8.5, false));
        assert_eq!(float("0e0"), (0.0, false));
        assert_eq!(float("1e-400"), (0.0, false));
        assert_eq!(float("0x1p3"), (8.0, false));
        assert_eq!(float("0x1.8p1"), (3.0, false));
        assert_eq!(float("0x.8p0"), (0.5, false));
        assert_eq!(float("0X1P-2f"), (0.25, true));
        assert_eq!(float("0x1p+1023"), (2f64.powi(1023), false));
        assert_eq!(float("0x1p-1074"), (f64::from_bits(1), false));
        assert_eq!(float("0x1.fffffffffffff8p0"), (2.0, false));
        assert_eq!(
            float("0x1.fffffffffffff7ffffp0"),
            (2.0 - f64::EPSILON, false)
        );
        assert_eq!(float("0x10000000000000000p0"), (2f64.powi(64), false));
    }

    #[test]
    fn float_errors() {
        let cases = [
            ("1e", "exponent has no digits", 1),
            ("1e+", "exponent has no digits", 1),
            ("1.5e-x", "exponent has no digits", 3),
            ("0x1p", "exponent has no digits", 3),
            (
                "0x1.8",
                "hexadecimal floating literal requires an exponent (`p`)",
                5,
            ),
            ("0x.p1", "hexadecimal literal has no digits", 0),
            ("1.5q", "invalid suffix `q` on floating literal", 3),
            ("1.5lf", "invalid suffix `lf` on floating literal", 3),
            ("1..2", "invalid suffix `.2` on floating literal", 2),
            ("1e999", "floating literal is too large", 0),
            ("1e39f", "floating literal is too large for `float`", 0),
            ("0x1p99999999999", "floating literal is too large", 0),
        ];
        for (src, msg, off) in cases {
            assert_eq!(err(src), ParseError::new(msg, off), "{src}");
        }
    }

    #[test]
    fn sign_after_hex_e_is_an_operator() {
        assert_eq!(
            kinds("0x1e+1"),
            vec![
                Tok::Int {
                    value: 0x1e,
                    ty: IntLitType::Int
                },
                Tok::Punct(P::Plus),
                Tok::Int {
                    value: 1,
                    ty: IntLitType::Int
                },
            ]
        );
    }

    #[test]
    fn char_literals() {
        let cases: [(&str, u8); 13] = [
            ("'a'", b'a'),
            ("'\\n'", b'\n'),
            ("'\\x41'", 0x41),
            ("'\\0'", 0),
            ("'\\\\'", b'\\'),
            ("'\\''", b'\''),
            ("'\"'", b'"'),
            ("'\\101'", 65),
            ("'\\377'", 255),
            ("'\\xff'", 255),
            ("'\\x0041'", 0x41),
            ("'\\?'", b'?'),
            ("'\\v'", 0x0b),
        ];
        for (src, v) in cases {
            assert_eq!(one(src), Tok::Char(v), "{src}");
        }
    }

    #[test]
    fn char_errors() {
        let cases = [
            ("''", "empty character literal", 0),
            (
                "'ab'",
                "multi-character character literals are not supported",
                0,
            ),
            ("'é'", "character literal `é` does not fit in one byte", 0),
            ("'a", "unterminated character literal", 0),
            ("x + 'a\n'", "unterminated character literal", 4),
            ("'\\", "unterminated character literal", 0),
            ("'\\q'", "unknown escape sequence `\\q`", 1),
            ("'\\400'", "octal escape sequence out of range", 1),
            ("'\\x100'", "hex escape sequence out of range", 1),
            ("'\\xg'", "`\\x` used with no following hex digits", 1),
        ];
        for (src, msg, off) in cases {
            assert_eq!(err(src), ParseError::new(msg, off), "{src}");
        }
    }

    #[test]
    fn string_literals() {
        assert_eq!(one(r#""a\tb""#), Tok::Str(b"a\tb".to_vec()));
        assert_eq!(one(r#""""#), Tok::Str(Vec::new()));
        assert_eq!(one(r#""\x41\0z""#), Tok::Str(b"A\0z".to_vec()));
        assert_eq!(one(r#""\1234""#), Tok::Str(b"S4".to_vec()));
        assert_eq!(one(r#""it's \"q\"""#), Tok::Str(b"it's \"q\"".to_vec()));
        assert_eq!(one("\"é\""), Tok::Str("é".as_bytes().to_vec()));
        assert_eq!(
            one(r#""\u00e9\U0001F600""#),
            Tok::Str("é😀".as_bytes().to_vec())
        );
    }

    #[test]
    fn string_errors() {
        let cases = [
            ("\"abc", "unterminated string literal", 0),
            ("1 + \"ab\ncd\"", "unterminated string literal", 4),
            ("\"ab\\", "unterminated string literal", 0),
            ("\"\\u12\"", "incomplete universal character name", 1),
            ("\"\\ud800\"", "invalid universal character name", 1),
            ("\"\\é\"", "unknown escape sequence `\\é`", 1),
        ];
        for (src, msg, off) in cases {
            assert_eq!(err(src), ParseError::new(msg, off), "{src}");
        }
    }

    #[test]
    fn unknown_characters() {
        assert_eq!(err("a @ b"), ParseError::new("unknown character `@`", 2));
        assert_eq!(err("#"), ParseError::new("unknown character `#`", 0));
        assert_eq!(err("x €"), ParseError::new("unknown character `€`", 2));
        assert_eq!(err("\0"), ParseError::new("unknown character `\\0`", 0));
    }

    #[test]
    fn lenient_scan() {
        use Lite::*;
        assert_eq!(
            scan_lenient("p->a::b . 1x @\"s\"").unwrap(),
            vec![
                (Ident, 0, 1),
                (Member, 1, 3),
                (Ident, 3, 4),
                (ColonColon, 4, 6),
                (Ident, 6, 7),
                (Member, 8, 9),
                (Other, 10, 12),
                (Other, 13, 14),
                (Other, 14, 17),
            ]
        );
        assert_eq!(scan_lenient("x + \"ab"), None);
        assert_eq!(scan_lenient("'\\"), None);
        assert_eq!(scan_lenient("\"a\\\""), None);
    }
}
