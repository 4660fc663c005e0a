//! Runs `wdb dap` in-process on a byte stream and decodes what it sent.

use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Frames requests (`command`, `arguments`), numbering them from 1.
pub fn frame_requests(requests: &[Value]) -> Vec<u8> {
    let mut input = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let mut r = r.clone();
        r["seq"] = json!(i + 1);
        r["type"] = json!("request");
        input.extend(wdb_dap::codec::encode(r.to_string().as_bytes()));
    }
    input
}

/// Serves `input` until it ends; every message the adapter sent.
pub fn serve(input: Vec<u8>) -> Vec<Value> {
    let sink = Sink::default();
    wdb_dap::serve(Box::new(Cursor::new(input)), Box::new(sink.clone()));
    let bytes = sink.0.lock().unwrap().clone();
    let mut decoder = wdb_dap::codec::Decoder::new();
    decoder.push(&bytes);
    std::iter::from_fn(|| decoder.next_frame())
        .map(|f| match f {
            wdb_dap::codec::Frame::Message(b) => serde_json::from_slice(&b).unwrap(),
            bad => panic!("the adapter sent a bad frame: {bad:?}"),
        })
        .collect()
}
