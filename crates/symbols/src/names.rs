//! Demangling of C++ and Rust symbol names.

/// Demangles a linkage name and drops its parameter list: `_ZN5Shape4areaEv` ->
/// `Shape::area`. None when it is not a mangled name.
pub fn demangle_function(name: &str) -> Option<String> {
    let full = demangle(name)?;
    Some(strip_params(&full).to_string())
}

/// Demangles a C++ (Itanium) or Rust symbol; None when it is not one.
pub fn demangle(name: &str) -> Option<String> {
    // Rust: v0 (`_R`) or legacy (`_ZN...17h<hash>E`, which also parses as C++).
    let legacy_rust = name.starts_with("_ZN") && name.ends_with('E') && name.contains("17h");
    if (name.starts_with("_R") || legacy_rust)
        && let Ok(d) = rustc_demangle::try_demangle(name)
    {
        return Some(format!("{d:#}"));
    }
    if name.starts_with("_Z") {
        let symbol = cpp_demangle::Symbol::new(name).ok()?;
        return symbol.demangle().ok();
    }
    None
}

/// `ns::f(int) const` -> `ns::f`; keeps `operator()` and template arguments.
fn strip_params(full: &str) -> &str {
    let bytes = full.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => depth += 1,
            b'>' => depth -= 1,
            b'(' if depth == 0 => {
                if full[..i].ends_with("operator") && full[i..].starts_with("()") {
                    i += 2;
                    continue;
                }
                // `main(int, char**)::$_0::operator()`: the parameters of the function
                // that encloses a local entity (a lambda) are part of the name.
                let close = matching_paren(bytes, i);
                if let Some(j) = close
                    && full[j + 1..].starts_with("::")
                {
                    i = j + 1;
                    continue;
                }
                return &full[..i];
            }
            _ => {}
        }
        i += 1;
    }
    full
}

/// The index of the `)` that closes the `(` at `open`.
fn matching_paren(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_parameters() {
        assert_eq!(
            demangle_function("_ZN5Shape4areaEv").as_deref(),
            Some("Shape::area")
        );
        assert_eq!(
            demangle_function("_ZNK6CircleclEi").as_deref(),
            Some("Circle::operator()")
        );
        assert_eq!(demangle_function("main"), None);
        // A lambda in main: the enclosing function's parameters stay.
        assert_eq!(
            strip_params("main(int, char**)::$_0::operator()(geometry::Shape const&) const"),
            "main(int, char**)::$_0::operator()"
        );
    }
}
