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
                return &full[..i];
            }
            _ => {}
        }
        i += 1;
    }
    full
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
    }
}
