//! The session: [`serve()`] and its event loop.
//!
//! ```text
//!  socket ──> reader thread ──(frames)──> session (caller's thread) ──> Writer ──> socket
//!                 │ 0x03                      │   │
//!                 └──> target.interrupter()   │   └── validated packets ──> gdbstub (Debuggee)
//!                                             └── resume/step, stop replies, wasm values, ...
//! ```
//! Every packet is parsed by `request.rs` first. Packets gdbstub answers correctly are handed to
//! its state machine in canonical form; the machine never leaves its idle state because the
//! stub keeps resuming, stop replies, `k` and `D` to itself: gdbstub's stop replies cannot say
//! why the target stopped in LLDB's terms, and a blocking resume on this thread would leave no
//! one to feed it the interrupt byte anyway. The reader thread handles that byte (`link.rs`).

use std::{
    borrow::Cow,
    cell::RefCell,
    net::{Shutdown, TcpStream},
    rc::Rc,
    sync::{
        Arc,
        mpsc::{self, Receiver},
    },
    time::{Duration, Instant},
};

use gdbstub::stub::{
    GdbStub,
    state_machine::{GdbStubStateMachine, GdbStubStateMachineInner, state::Idle},
};

use crate::{
    OnDisconnect, Options, Outcome, addr,
    conn::{Conn, Writer},
    debuggee::Debuggee,
    error::{Error, ReplyError, Result},
    framing::{self, Frame},
    hex,
    link::{self, Gate, Inbound, Shared},
    request::{self, Request, Resume},
    stop::{self, StopContext, THREAD_ID},
    target::{StopReason, WasmTarget},
};

/// The largest packet the stub accepts (advertised as `PacketSize`). LLDB sizes its memory
/// reads from it: 128 KiB packets carry 64 KiB reads, so a module downloads in few round trips.
pub(crate) const PACKET_SIZE: usize = 0x2_0000;
/// The longest `m` or `qXfer` read answered at once (longer ones get a short read).
const MAX_READ: u64 = 0x1_0000;
/// gdbstub's packet buffer: a whole packet, and for `m` the scratch space for the read.
const GDBSTUB_BUFFER: usize = PACKET_SIZE + 0x100;
/// How long to wait for the client to close after the session ended.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// The target triple LLDB is told (it selects LLDB's wasm plugins).
const TRIPLE: &str = "wasm32-unknown-unknown-wasm";
const SUPPORTED: &str = "PacketSize=20000;QStartNoAckMode+;qXfer:libraries:read+;vContSupported+";
const VCONT_ACTIONS: &str = "vCont;c;C;s;S";
/// LLDB asks how many watchpoints there are; the engine has no fixed limit.
const WATCHPOINT_SLOTS: &str = "num:32;";

type Machine<'t, T> =
    GdbStubStateMachineInner<'static, Idle<Debuggee<'t, T>>, Debuggee<'t, T>, Conn>;

/// Serves one GDB remote session on `stream` until the program ends or the client leaves.
///
/// The target must be stopped at entry ([`StopReason::Entry`]); it is run on this thread, only
/// when the client resumes it. See the [crate documentation](crate) for the protocol spoken.
///
/// # Errors
///
/// [`Error::Connection`] if the socket cannot be set up; [`Error::Stub`] if gdbstub fails
/// internally (a bug). Everything the client sends, however malformed, is answered instead.
pub fn serve<T: WasmTarget>(
    stream: TcpStream,
    target: &mut T,
    options: &Options,
) -> Result<Outcome> {
    stream.set_nodelay(true)?;
    let read_half = stream.try_clone()?;
    let writer = Rc::new(RefCell::new(Writer::new(stream.try_clone()?)));
    let shared = Arc::new(Shared::new(
        target.interrupter(),
        options.on_disconnect == OnDisconnect::Kill,
    ));
    let (tx, rx) = mpsc::channel();
    let reader = link::spawn_reader(read_half, shared.clone(), tx, PACKET_SIZE)?;
    let result = Session::start(target, options, writer, rx, shared).and_then(|mut s| s.run());
    // Wakes the reader if the client still holds the connection open.
    let _ = stream.shutdown(Shutdown::Both);
    let _ = reader.join();
    result
}

enum Flow {
    Continue,
    End(Outcome),
}

struct Session<'t, 'o, T: WasmTarget> {
    dbg: Debuggee<'t, T>,
    /// `None` only while a packet is being fed to it.
    gdb: Option<Machine<'t, T>>,
    out: Rc<RefCell<Writer>>,
    rx: Receiver<Inbound>,
    shared: Arc<Shared>,
    options: &'o Options,
    no_ack: bool,
    /// The reply to `?` and `qThreadStopInfo`: the last stop.
    stop_reply: String,
    /// The trap message once the program trapped; it cannot run any more.
    trapped: Option<String>,
}

fn stub_error(e: impl std::fmt::Display) -> Error {
    Error::Stub(e.to_string())
}

impl<'t, 'o, T: WasmTarget> Session<'t, 'o, T> {
    fn start(
        target: &'t mut T,
        options: &'o Options,
        out: Rc<RefCell<Writer>>,
        rx: Receiver<Inbound>,
        shared: Arc<Shared>,
    ) -> Result<Self> {
        let mut dbg = Debuggee::new(target);
        let gdb = GdbStub::builder(Conn(out.clone()))
            .packet_buffer_size(GDBSTUB_BUFFER)
            .build()
            .map_err(stub_error)?;
        let gdb = match gdb.run_state_machine(&mut dbg).map_err(stub_error)? {
            GdbStubStateMachine::Idle(machine) => machine,
            _ => return Err(Error::Stub("gdbstub did not start idle".into())),
        };
        Ok(Session {
            dbg,
            gdb: Some(gdb),
            out,
            rx,
            shared,
            options,
            no_ack: false,
            stop_reply: String::new(),
            trapped: None,
        })
    }

    fn run(&mut self) -> Result<Outcome> {
        self.record_stop(&StopReason::Entry);
        loop {
            let flow = match self.rx.recv().unwrap_or(Inbound::Closed) {
                Inbound::Closed => Flow::End(self.client_gone(None)),
                Inbound::Frame(frame) => self.on_frame(frame)?,
            };
            if let Flow::End(outcome) = flow {
                return Ok(outcome);
            }
            if self.out.borrow().is_broken() {
                return Ok(self.client_gone(None));
            }
        }
    }

    fn on_frame(&mut self, frame: Frame) -> Result<Flow> {
        match frame {
            Frame::Packet(payload) => return self.on_packet(&payload),
            Frame::Ack | Frame::Interrupt => {}
            Frame::Nack => {
                if !self.no_ack {
                    self.out.borrow_mut().resend_last();
                }
            }
            Frame::Corrupt(_) => {
                if self.no_ack {
                    // The client waits for a reply; an error keeps requests and replies paired.
                    self.reply(ReplyError::Malformed.payload());
                } else {
                    self.out.borrow_mut().raw(b"-");
                }
            }
        }
        Ok(Flow::Continue)
    }

    fn on_packet(&mut self, payload: &[u8]) -> Result<Flow> {
        let parsed = request::parse(payload);
        if let Ok(Request::Resume(action)) = parsed {
            return Ok(self.resume(action));
        }
        if request::is_resume(payload) {
            // A resume packet answered with an error: the reader counted it too.
            self.shared.answered();
        }
        match parsed {
            Ok(req) => self.dispatch(req),
            Err(request::Malformed) => {
                self.reply(ReplyError::Malformed.payload());
                Ok(Flow::Continue)
            }
        }
    }

    fn dispatch(&mut self, req: Request) -> Result<Flow> {
        if let Some(canonical) = req.forward(MAX_READ) {
            self.forward(canonical.as_bytes())?;
            if req == Request::StartNoAckMode {
                self.no_ack = true;
            }
            return Ok(Flow::Continue);
        }
        let reply: Cow<'static, str> = match req {
            Request::Supported => SUPPORTED.into(),
            Request::ListThreadsInStopReply
            | Request::EnableErrorStrings
            | Request::SetThread(_) => "OK".into(),
            Request::HostInfo => format!(
                "triple:{};endian:little;ptrsize:4;watchpoint_exceptions_received:after;",
                hex::to_hex(TRIPLE.as_bytes())
            )
            .into(),
            Request::ProcessInfo => format!(
                "pid:1;parent-pid:1;endian:little;ptrsize:4;triple:{};",
                hex::to_hex(TRIPLE.as_bytes())
            )
            .into(),
            Request::CurrentThread => format!("QC{THREAD_ID:x}").into(),
            Request::Attached => "1".into(),
            Request::VContQuery => VCONT_ACTIONS.into(),
            Request::StopReason => self.stop_reply.clone().into(),
            Request::ThreadStopInfo(tid) | Request::ThreadAlive(tid) if !tid.is_ours() => {
                ReplyError::NoThread.payload().into()
            }
            Request::ThreadStopInfo(_) => self.stop_reply.clone().into(),
            Request::ThreadAlive(_) => "OK".into(),
            Request::WriteRegisters => ReplyError::ReadOnly.payload().into(),
            Request::MemoryRegionInfo(raw) => self.dbg.region_info(raw).into(),
            Request::WatchpointSupportInfo => WATCHPOINT_SLOTS.into(),
            Request::WasmValue(q) => match self.dbg.wasm_value(q) {
                Ok(bytes) => hex::to_hex(&bytes).into(),
                Err(e) => e.payload().into(),
            },
            Request::Kill => return Ok(self.kill()),
            Request::Detach => return Ok(self.detach()),
            // A zero-length read, anything unknown, and (not reached) the forwarded requests.
            Request::ReadMemory { .. }
            | Request::Unknown
            | Request::Resume(_)
            | Request::StartNoAckMode
            | Request::RegisterInfo(_)
            | Request::ReadRegister(_)
            | Request::ReadRegisters
            | Request::ThreadInfoFirst
            | Request::ThreadInfoNext
            | Request::WriteMemory { .. }
            | Request::Breakpoint { .. }
            | Request::LibrariesRead { .. }
            | Request::WasmCallStack => "".into(),
        };
        self.reply(reply);
        Ok(Flow::Continue)
    }

    /// Feeds a validated packet to gdbstub, which replies through [`Conn`].
    fn forward(&mut self, payload: &[u8]) -> Result<()> {
        let mut machine = self
            .gdb
            .take()
            .ok_or_else(|| Error::Stub("gdbstub was lost".into()))?;
        for &byte in &framing::encode(payload) {
            machine = match machine.incoming_data(&mut self.dbg, byte) {
                Ok(GdbStubStateMachine::Idle(next)) => next,
                Ok(_) => {
                    return Err(Error::Stub(format!(
                        "gdbstub left its idle state on {}",
                        String::from_utf8_lossy(payload)
                    )));
                }
                Err(e) => return Err(stub_error(e)),
            };
        }
        self.gdb = Some(machine);
        Ok(())
    }

    fn reply(&mut self, payload: impl AsRef<str>) {
        self.out
            .borrow_mut()
            .reply(!self.no_ack, payload.as_ref().as_bytes());
    }

    /// Runs the target for `c`/`s`/`vCont` and sends the stop reply.
    fn resume(&mut self, action: Resume) -> Flow {
        if let Some(message) = self.trapped.clone() {
            // A trapped program cannot go on: it ends with the trap's signal.
            self.shared.answered();
            self.reply(stop::terminated(stop::trap_signal(&message)));
            self.close_gracefully();
            return Flow::End(Outcome::Trapped(message));
        }
        let reason = match self.shared.begin_run() {
            Gate::Run => {
                self.dbg.pc_override = None;
                let reason = match action {
                    Resume::Continue => self.dbg.target.resume(),
                    Resume::Step => self.dbg.target.step(),
                };
                self.shared.end_run();
                reason
            }
            Gate::Interrupted => StopReason::Interrupt,
            Gate::Closed => {
                self.shared.answered();
                return Flow::End(self.client_gone(None));
            }
        };
        self.shared.answered();
        if self.shared.is_closed() {
            return Flow::End(self.client_gone(Some(reason)));
        }
        if let StopReason::Exited(code) = reason {
            let no_context = StopContext {
                pc: None,
                watch_addr: None,
                libraries_changed: false,
            };
            self.reply(stop::reply(&reason, no_context));
            self.close_gracefully();
            return Flow::End(Outcome::Exited(code));
        }
        if let StopReason::Trap(message) = &reason {
            self.trapped = Some(message.clone());
        }
        self.record_stop(&reason);
        self.reply(self.stop_reply.clone());
        Flow::Continue
    }

    /// Makes the stop reply for `reason` the current one.
    fn record_stop(&mut self, reason: &StopReason) {
        let libraries_changed = self.dbg.refresh_modules();
        if *reason == StopReason::Breakpoint {
            self.dbg.note_breakpoint_stop();
        } else {
            self.dbg.pc_override = None;
        }
        let watch_addr = match *reason {
            StopReason::Watch { instance, addr, .. } => addr::memory_addr(instance, addr),
            _ => None,
        };
        let cx = StopContext {
            pc: self.dbg.pc(),
            watch_addr,
            libraries_changed,
        };
        self.stop_reply = stop::reply(reason, cx);
    }

    /// `k`: the program ends (a trapped one has ended already).
    fn kill(&mut self) -> Flow {
        self.dbg.target.kill();
        self.reply(stop::terminated(stop::signal::SIGKILL));
        self.close_gracefully();
        Flow::End(match self.trapped.take() {
            Some(message) => Outcome::Trapped(message),
            None => Outcome::Killed,
        })
    }

    /// `D`: as if the client went away (see [`OnDisconnect`]).
    fn detach(&mut self) -> Flow {
        self.reply("OK");
        self.close_gracefully();
        Flow::End(self.client_gone(None))
    }

    /// Sends what is left, closes our side and gives the client a moment to close its own (so
    /// the last reply is not lost to a reset).
    fn close_gracefully(&mut self) {
        self.out.borrow_mut().close();
        let deadline = Instant::now() + CLOSE_GRACE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(Inbound::Frame(_)) => {}
                Ok(Inbound::Closed) | Err(_) => break,
            }
        }
    }

    /// The client is gone (`D`, end of stream, failed write). `reason` is how the target
    /// stopped if it was running then. Applies [`Options::on_disconnect`].
    fn client_gone(&mut self, reason: Option<StopReason>) -> Outcome {
        self.out.borrow_mut().close();
        if let Some(message) = self.trapped.take() {
            return Outcome::Trapped(message);
        }
        match reason {
            Some(StopReason::Exited(code)) => return Outcome::Exited(code),
            Some(StopReason::Trap(message)) => return Outcome::Trapped(message),
            _ => {}
        }
        match self.options.on_disconnect {
            OnDisconnect::Kill => {
                self.dbg.target.kill();
                Outcome::Killed
            }
            OnDisconnect::RunToCompletion => {
                self.dbg.breakpoints.clear(self.dbg.target);
                loop {
                    match self.dbg.target.resume() {
                        StopReason::Exited(_) => return Outcome::Detached,
                        StopReason::Trap(message) => return Outcome::Trapped(message),
                        // Nobody is attached to interrupt: this is the host's Ctrl-C.
                        StopReason::Interrupt => {
                            self.dbg.target.kill();
                            return Outcome::Killed;
                        }
                        StopReason::Entry
                        | StopReason::Breakpoint
                        | StopReason::Step
                        | StopReason::Watch { .. } => {}
                    }
                }
            }
        }
    }
}
