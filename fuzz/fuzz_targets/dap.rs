//! `wdb dap` on arbitrary input bytes (framing, JSON, requests before any launch): it must
//! never panic, and must return once the input ends.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wdb_dap::serve(
        Box::new(std::io::Cursor::new(data.to_vec())),
        Box::new(std::io::sink()),
    );
});
