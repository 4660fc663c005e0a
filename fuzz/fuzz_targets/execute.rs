//! Decode, validate, instantiate and run arbitrary bytes with a fuel limit: never a panic,
//! never a hang. `cargo +nightly fuzz run execute` (seed with tests/guests/build/*.wasm).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wdb_engine::fuzzing::exercise(data);
});
