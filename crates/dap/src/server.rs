//! The reader thread and the run state it shares with the session thread.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use serde_json::json;
use wdb_session::InterruptHandle;

use crate::adapter::{Adapter, Flow};
use crate::codec::{Decoder, Frame};
use crate::error::Error;
use crate::protocol::{Output, Request};

/// Requests that run the program: the reader marks the program running when it queues one,
/// so that a `pause` right behind it is not stuck in the queue.
const RUNS: &[&str] = &[
    "continue",
    "next",
    "stepIn",
    "stepOut",
    "configurationDone",
    "restart",
];

/// What both threads see.
pub(crate) struct Shared {
    pub out: Output,
    pub run: Mutex<RunState>,
}

#[derive(Default)]
pub(crate) struct RunState {
    /// The program runs (or is about to): only `pause`, `threads`, `terminate` and
    /// `disconnect` are served.
    pub running: bool,
    pub interrupt: Option<InterruptHandle>,
    /// An interrupt asked by the client (`pause`).
    pub pause: bool,
    /// An interrupt to end the session (`terminate`, `disconnect`, the client went away).
    pub kill: bool,
}

impl Shared {
    pub fn run(&self) -> std::sync::MutexGuard<'_, RunState> {
        self.run.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs one debug session: DAP requests from `input`, responses and events to `output`.
/// Returns when the client disconnects or closes the stream.
pub fn serve(input: Box<dyn Read + Send>, output: Box<dyn std::io::Write + Send>) {
    let shared = Arc::new(Shared {
        out: Output::new(output),
        run: Mutex::new(RunState::default()),
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = shared.clone();
    std::thread::spawn(move || read_loop(input, &reader, &tx));
    let mut adapter = Adapter::new(shared);
    while let Ok(req) = rx.recv() {
        if adapter.handle(req) == Flow::Exit {
            break;
        }
    }
    adapter.shutdown();
}

/// Serves debug sessions, one connection after another, on `listener`.
///
/// # Errors
/// When accepting a connection fails.
pub fn serve_tcp(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept()?;
        let _ = stream.set_nodelay(true);
        let (input, output, closer) = (stream.try_clone()?, stream.try_clone()?, stream);
        serve(Box::new(input), Box::new(output));
        let _ = TcpStream::shutdown(&closer, std::net::Shutdown::Both);
    }
}

fn read_loop(mut input: Box<dyn Read + Send>, shared: &Shared, tx: &Sender<Request>) {
    let mut decoder = Decoder::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        decoder.push(&buf[..n]);
        while let Some(frame) = decoder.next_frame() {
            let body = match frame {
                Frame::Message(body) => body,
                Frame::Bad(why) => {
                    shared
                        .out
                        .output("console", &format!("wdb: ignored bad input: {why}\n"));
                    continue;
                }
            };
            match Request::parse(&body) {
                Ok(Some(req)) => {
                    if !route(req, shared, tx) {
                        return;
                    }
                }
                Ok(None) => {}
                Err((Some((seq, command)), why)) => {
                    shared.out.respond(seq, &command, Err(Error(why)))
                }
                Err((None, why)) => shared
                    .out
                    .output("console", &format!("wdb: ignored a message: {why}\n")),
            }
        }
    }
    // The client is gone: stop a running program so that the session thread can end.
    let mut run = shared.run();
    if run.running {
        run.kill = true;
        if let Some(h) = &run.interrupt {
            h.interrupt();
        }
    }
}

/// Queues a request for the session thread, or answers it here while the program runs.
/// False when the session thread has ended.
fn route(req: Request, shared: &Shared, tx: &Sender<Request>) -> bool {
    let mut run = shared.run();
    if run.running {
        match req.command.as_str() {
            "pause" => {
                run.pause = true;
                if let Some(h) = &run.interrupt {
                    h.interrupt();
                }
                shared.out.respond(req.seq, &req.command, Ok(json!(null)));
                return true;
            }
            "threads" => {
                shared.out.respond(
                    req.seq,
                    &req.command,
                    Ok(json!({"threads": [{"id": crate::adapter::THREAD, "name": "main"}]})),
                );
                return true;
            }
            "terminate" | "disconnect" => {
                run.kill = true;
                if let Some(h) = &run.interrupt {
                    h.interrupt();
                }
            }
            _ => {
                shared.out.respond(
                    req.seq,
                    &req.command,
                    Err(Error(format!(
                        "cannot `{}` while the program is running: pause it first",
                        req.command
                    ))),
                );
                return true;
            }
        }
    } else if RUNS.contains(&req.command.as_str()) {
        run.running = true;
    }
    drop(run);
    tx.send(req).is_ok()
}
