//! Corrupts the DWARF of a real guest module (tests/guests/build/vars.O0.wasm, whole or
//! slimmed to its own compile unit) as the input says, then runs every query of the symbols
//! layer on it: bad DWARF must degrade to wasm-level debugging with warnings, never panic,
//! hang or overflow the stack. `cargo +nightly fuzz run symbols`.
//!
//! The mutations and queries are shared with the stable smoke test
//! (crates/symbols/tests/fuzz_smoke.rs): crates/symbols/tests/fuzz_support/mod.rs.
#![no_main]

use std::sync::OnceLock;

#[path = "../../crates/symbols/tests/fuzz_support/mod.rs"]
mod fuzz_support;

static MODULE: &[u8] = include_bytes!("../../tests/guests/build/vars.O0.wasm");

/// The module with only crt1's and vars.c's compile units: every DWARF byte is live.
fn slim() -> &'static [u8] {
    static SLIM: OnceLock<Vec<u8>> = OnceLock::new();
    SLIM.get_or_init(|| {
        fuzz_support::slim(MODULE, |i, unit| {
            i == 0 || unit.name.as_deref() == Some("vars.c")
        })
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // First byte: which module; then the mutation (section, kind, positions and bytes), and
    // what `exercise` reads (names, lines, pcs) from the same bytes.
    let Some((&which, input)) = data.split_first() else {
        return;
    };
    let module = if which & 1 == 0 { slim() } else { MODULE };
    let (mutant, _) = fuzz_support::mutate(module, input);
    fuzz_support::exercise(&mutant, input);
});
