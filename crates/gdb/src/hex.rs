//! Hex text as the protocol spells it: lowercase, two digits per byte.

use std::fmt::Write;

/// Appends `bytes` as hex to `out`.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for b in bytes {
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{b:02x}");
    }
}

/// `bytes` as hex.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::new();
    push_hex(&mut s, bytes);
    s
}

fn digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex pairs; `None` on an odd length or a non-hex character.
pub(crate) fn decode_bytes(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks_exact(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

/// A hex number of 1 to 16 digits.
pub(crate) fn parse_u64(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 16 {
        return None;
    }
    text.iter()
        .try_fold(0u64, |acc, &c| Some(acc << 4 | u64::from(digit(c)?)))
}

/// A decimal number that fits `T`, digits only.
pub(crate) fn parse_dec<T: TryFrom<u64>>(text: &[u8]) -> Option<T> {
    if text.is_empty() {
        return None;
    }
    let n = text.iter().try_fold(0u64, |acc, &c| {
        let d = c.is_ascii_digit().then(|| u64::from(c - b'0'))?;
        acc.checked_mul(10)?.checked_add(d)
    })?;
    T::try_from(n).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_u64(b"4000000000004e28"), Some(0x4000_0000_0000_4e28));
        assert_eq!(parse_u64(b"FFFFFFFFFFFFFFFF"), Some(u64::MAX));
        assert_eq!(parse_u64(b"10000000000000000"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"x1"), None);
        assert_eq!(parse_dec::<u32>(b"4294967295"), Some(u32::MAX));
        assert_eq!(parse_dec::<u32>(b"4294967296"), None);
        assert_eq!(parse_dec::<u32>(b"-1"), None);
        assert_eq!(
            parse_dec::<usize>(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(parse_dec::<u64>(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_dec::<u64>(b"18446744073709551616"), None);
        assert_eq!(parse_dec::<u64>(b"99999999999999999999"), None);
    }

    #[test]
    fn bytes() {
        assert_eq!(to_hex(&[0, 0xab, 0x10]), "00ab10");
        assert_eq!(decode_bytes(b"00aB10"), Some(vec![0, 0xab, 0x10]));
        assert_eq!(decode_bytes(b"0"), None);
        assert_eq!(decode_bytes(b"zz"), None);
    }
}
