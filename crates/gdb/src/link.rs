//! The inbound side: a reader thread, and the interrupt handshake with the session.
//!
//! The target is not `Send`, so the session (and gdbstub) run on the caller's thread and block
//! in [`WasmTarget::resume`](crate::WasmTarget::resume). A reader thread owns the socket's read
//! half for the whole session: it frames the byte stream ([`Decoder`]) and passes
//! frames to the session over a channel, except the `0x03` interrupt byte, which it acts on at
//! once by calling the target's interrupter.
//!
//! An interrupt is only meaningful while the client waits for a stop reply, and the reader
//! knows that from the stream itself: it counts resume packets (`c`, `s`, `vCont;...`) as they
//! arrive, the session counts the ones it answered. A `0x03` seen while a resume is unanswered
//! interrupts the running target, or, if the session has not started it yet, is kept pending
//! and turns that resume into an immediate `Interrupt` stop. A `0x03` seen after the answer was
//! sent (the client sent it before reading our stop reply) is stale and dropped. All of it
//! happens under one lock, so no interrupt is lost and none leaks into a later resume.

use std::{
    io::Read,
    net::TcpStream,
    sync::{Arc, Mutex, MutexGuard, mpsc::Sender},
    thread::JoinHandle,
};

use crate::{
    framing::{Decoder, Frame},
    request,
};

/// What the reader passes to the session.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A frame other than `0x03`.
    Frame(Frame),
    /// The client closed the connection (or it failed).
    Closed,
}

#[derive(Debug, Default)]
struct LinkState {
    /// Resume packets received.
    requested: u64,
    /// Resume packets answered (stop reply or error).
    answered: u64,
    /// The session is inside `resume`/`step`.
    running: bool,
    /// A `0x03` arrived for a resume not started yet.
    pending: bool,
    closed: bool,
}

/// Whether the session may run the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Go ahead; call [`Shared::end_run`] afterwards.
    Run,
    /// The client already interrupted this resume.
    Interrupted,
    /// The client is gone.
    Closed,
}

/// State shared by the reader and the session.
pub(crate) struct Shared {
    state: Mutex<LinkState>,
    interrupter: Arc<dyn Fn() + Send + Sync>,
    interrupt_on_close: bool,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("state", &self.state)
            .field("interrupt_on_close", &self.interrupt_on_close)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// `interrupt_on_close`: stop a running target when the client goes away (to kill it).
    pub(crate) fn new(
        interrupter: Arc<dyn Fn() + Send + Sync>,
        interrupt_on_close: bool,
    ) -> Shared {
        Shared {
            state: Mutex::new(LinkState::default()),
            interrupter,
            interrupt_on_close,
        }
    }

    fn lock(&self) -> MutexGuard<'_, LinkState> {
        // The state stays consistent even if a holder panicked: every update is one assignment.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn on_resume_packet(&self) {
        self.lock().requested += 1;
    }

    fn on_interrupt_byte(&self) {
        let mut s = self.lock();
        if s.requested > s.answered {
            if s.running {
                (self.interrupter)();
            } else {
                s.pending = true;
            }
        }
    }

    fn on_closed(&self) {
        let mut s = self.lock();
        s.closed = true;
        if s.running && self.interrupt_on_close {
            (self.interrupter)();
        }
    }

    /// Called by the session before it runs the target for a resume packet.
    pub(crate) fn begin_run(&self) -> Gate {
        let mut s = self.lock();
        if s.closed {
            Gate::Closed
        } else if s.pending {
            s.pending = false;
            Gate::Interrupted
        } else {
            s.running = true;
            Gate::Run
        }
    }

    /// Called by the session when the target returned.
    pub(crate) fn end_run(&self) {
        self.lock().running = false;
    }

    /// Called by the session for each resume packet, before its reply is sent.
    pub(crate) fn answered(&self) {
        let mut s = self.lock();
        s.answered += 1;
        s.pending = false;
    }

    /// Whether the client is gone.
    pub(crate) fn is_closed(&self) -> bool {
        self.lock().closed
    }
}

/// Starts the reader thread on `stream` (the read half).
pub(crate) fn spawn_reader(
    mut stream: TcpStream,
    shared: Arc<Shared>,
    tx: Sender<Inbound>,
    max_payload: usize,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("wdb-gdb-reader".into())
        .spawn(move || {
            let mut decoder = Decoder::new(max_payload);
            let mut buf = [0u8; 16 * 1024];
            'read: loop {
                let n = match stream.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                };
                for &byte in &buf[..n] {
                    let frame = match decoder.push(byte) {
                        None => continue,
                        Some(Frame::Interrupt) => {
                            shared.on_interrupt_byte();
                            continue;
                        }
                        Some(frame) => frame,
                    };
                    if let Frame::Packet(p) = &frame
                        && request::is_resume(p)
                    {
                        shared.on_resume_packet();
                    }
                    if tx.send(Inbound::Frame(frame)).is_err() {
                        break 'read;
                    }
                }
            }
            shared.on_closed();
            let _ = tx.send(Inbound::Closed);
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn shared() -> (Arc<Shared>, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let s = Shared::new(
            Arc::new(move || {
                c.fetch_add(1, Ordering::SeqCst);
            }),
            false,
        );
        (Arc::new(s), calls)
    }

    #[test]
    fn interrupt_while_running_calls_the_interrupter() {
        let (s, calls) = shared();
        s.on_resume_packet();
        assert_eq!(s.begin_run(), Gate::Run);
        s.on_interrupt_byte();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        s.end_run();
        s.answered();
    }

    #[test]
    fn interrupt_before_the_run_starts_is_kept() {
        let (s, calls) = shared();
        s.on_resume_packet();
        s.on_interrupt_byte();
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(s.begin_run(), Gate::Interrupted);
        s.answered();
        s.on_resume_packet();
        assert_eq!(s.begin_run(), Gate::Run);
    }

    #[test]
    fn interrupt_after_the_answer_is_stale() {
        let (s, calls) = shared();
        s.on_resume_packet();
        assert_eq!(s.begin_run(), Gate::Run);
        s.end_run();
        s.answered();
        s.on_interrupt_byte();
        s.on_resume_packet();
        assert_eq!(s.begin_run(), Gate::Run);
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn closing_stops_the_session() {
        let (s, _) = shared();
        s.on_closed();
        assert!(s.is_closed());
        assert_eq!(s.begin_run(), Gate::Closed);
    }
}
