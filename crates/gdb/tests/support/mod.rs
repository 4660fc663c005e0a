//! Shared test support: a scripted [`mock::Mock`] target and a hand-written RSP client.

#![allow(dead_code)]

pub mod mock;
pub mod rsp;

use std::{net::TcpListener, thread};

use wdb_gdb::{Options, Outcome, WasmTarget};

use rsp::Client;

/// Runs `serve` on `target` (on this thread, as the CLI does) against a client thread running
/// `client`; returns the outcome and the target for inspection.
pub fn session<T: WasmTarget>(
    mut target: T,
    options: Options,
    client: impl FnOnce(Client) + Send + 'static,
) -> (Outcome, T) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let handle = thread::spawn(move || client(Client::connect(addr)));
    let (stream, _) = listener.accept().expect("accept");
    let outcome = wdb_gdb::serve(stream, &mut target, &options).expect("serve");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
    (outcome, target)
}

/// Hex of ASCII text.
pub fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}
