//! Every packet the stub understands, parsed strictly into a [`Request`].
//!
//! This is the gate in front of gdbstub: gdbstub ends the whole session when a packet it knows
//! by prefix fails to parse (`m` with a 17-digit address, `Hg-1`, `p0;thread:1`, ...), so the stub
//! parses everything first. A request gdbstub answers well is re-sent to it in a canonical
//! spelling its parser is known to accept ([`Request::forward`]); everything else is answered
//! by the stub itself.

use crate::hex::{decode_bytes, parse_dec, parse_u64};

/// A thread id as the client spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThreadId {
    /// `-1`: all threads.
    All,
    /// `0`: any thread.
    Any,
    /// A specific thread.
    Id(u64),
}

impl ThreadId {
    /// Whether this names the stub's only thread.
    pub(crate) fn is_ours(self) -> bool {
        matches!(
            self,
            ThreadId::Any | ThreadId::All | ThreadId::Id(crate::stop::THREAD_ID)
        )
    }
}

/// What to do with the thread when resuming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resume {
    /// Run until the next stop.
    Continue,
    /// Execute one instruction.
    Step,
}

/// The forms of `qWasmGlobal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GlobalScope {
    /// `qWasmGlobal:<frame>;<index>`: the instance frame `frame` executes in.
    Frame(usize),
    /// `qWasmGlobal:<index>;instance:<id>;`.
    Instance(u32),
}

/// Which value a wasm query asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueQuery {
    Local { frame: usize, index: u32 },
    Global { scope: GlobalScope, index: u32 },
    StackValue { frame: usize, index: u32 },
}

/// A parsed packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Request {
    StartNoAckMode,
    Supported,
    ListThreadsInStopReply,
    EnableErrorStrings,
    HostInfo,
    ProcessInfo,
    CurrentThread,
    ThreadInfoFirst,
    ThreadInfoNext,
    Attached,
    VContQuery,
    StopReason,
    ThreadStopInfo(ThreadId),
    RegisterInfo(u64),
    ReadRegister(u64),
    ReadRegisters,
    /// `P` or `G`: the pc cannot be written.
    WriteRegisters,
    SetThread(ThreadId),
    ThreadAlive(ThreadId),
    ReadMemory {
        addr: u64,
        len: u64,
    },
    WriteMemory {
        addr: u64,
        data: Vec<u8>,
    },
    MemoryRegionInfo(u64),
    WatchpointSupportInfo,
    /// `Z`/`z` of a type the stub implements (0, 2, 3, 4).
    Breakpoint {
        insert: bool,
        kind: u8,
        addr: u64,
        len: u64,
    },
    LibrariesRead {
        offset: u64,
        len: u64,
    },
    WasmCallStack,
    /// `qWasmLocal`, `qWasmGlobal`, `qWasmStackValue`.
    WasmValue(ValueQuery),
    Resume(Resume),
    Kill,
    Detach,
    /// Anything else: answered with an empty reply.
    Unknown,
}

/// A packet the stub recognises but cannot use (bad syntax, a thread that does not exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

type Parsed = Result<Request, Malformed>;

/// Whether `payload` asks the target to run (`c`, `C`, `s`, `S`, `vCont;...`).
///
/// The connection reader uses this to know when a `0x03` is for a resume the client is still
/// waiting on; the session answers every such packet exactly once, with a stop reply or an error.
pub(crate) fn is_resume(payload: &[u8]) -> bool {
    matches!(payload.first(), Some(b'c' | b'C' | b's' | b'S')) || payload.starts_with(b"vCont;")
}

/// Parses one packet payload.
pub(crate) fn parse(p: &[u8]) -> Parsed {
    let Some(&first) = p.first() else {
        return Ok(Request::Unknown);
    };
    match first {
        b'?' => exact(p, b"?", Request::StopReason),
        b'c' | b'C' | b's' | b'S' => parse_legacy_resume(p),
        b'D' => parse_detach(&p[1..]),
        b'g' => exact(p, b"g", Request::ReadRegisters),
        b'G' | b'P' => Ok(Request::WriteRegisters),
        b'H' => parse_set_thread(&p[1..]),
        b'k' => exact(p, b"k", Request::Kill),
        b'm' => parse_read_memory(&p[1..]),
        b'M' => parse_write_memory(&p[1..]),
        b'p' => Ok(Request::ReadRegister(hex_num(&p[1..])?)),
        b'T' => Ok(Request::ThreadAlive(thread_id(&p[1..])?)),
        b'Z' | b'z' => parse_breakpoint(first == b'Z', &p[1..]),
        b'q' | b'Q' => parse_query(p),
        b'v' => parse_v(p),
        _ => Ok(Request::Unknown),
    }
}

fn exact(p: &[u8], spelling: &[u8], r: Request) -> Parsed {
    if p == spelling { Ok(r) } else { Err(Malformed) }
}

fn hex_num(text: &[u8]) -> Result<u64, Malformed> {
    parse_u64(text).ok_or(Malformed)
}

fn thread_id(text: &[u8]) -> Result<ThreadId, Malformed> {
    // `p<pid>.<tid>` (multiprocess) is accepted for the single process, pid 1.
    let text = match text.strip_prefix(b"p") {
        Some(rest) => {
            let (pid, tid) = split_once(rest, b'.').ok_or(Malformed)?;
            if !matches!(
                plain_thread_id(pid)?,
                ThreadId::Id(1) | ThreadId::Any | ThreadId::All
            ) {
                return Err(Malformed);
            }
            tid
        }
        None => text,
    };
    plain_thread_id(text)
}

fn plain_thread_id(text: &[u8]) -> Result<ThreadId, Malformed> {
    match text {
        b"-1" => Ok(ThreadId::All),
        b"0" => Ok(ThreadId::Any),
        _ => Ok(ThreadId::Id(hex_num(text)?)),
    }
}

fn split_once(text: &[u8], sep: u8) -> Option<(&[u8], &[u8])> {
    let i = text.iter().position(|&b| b == sep)?;
    Some((&text[..i], &text[i + 1..]))
}

fn parse_legacy_resume(p: &[u8]) -> Parsed {
    let action = if matches!(p[0], b'c' | b'C') {
        Resume::Continue
    } else {
        Resume::Step
    };
    let rest = &p[1..];
    let rest = if matches!(p[0], b'C' | b'S') {
        // `C<sig>[;addr]`: the signal is not delivered (wasm has none); check its syntax only.
        let (sig, addr) = split_once(rest, b';').unwrap_or((rest, b""));
        if sig.len() != 2 || parse_u64(sig).is_none() {
            return Err(Malformed);
        }
        addr
    } else {
        rest
    };
    // Resuming at another address is not possible in wasm.
    if rest.is_empty() {
        Ok(Request::Resume(action))
    } else {
        Err(Malformed)
    }
}

fn parse_detach(rest: &[u8]) -> Parsed {
    match rest {
        b"" => Ok(Request::Detach),
        [b';', pid @ ..] if hex_num(pid)? == 1 => Ok(Request::Detach),
        _ => Err(Malformed),
    }
}

fn parse_set_thread(rest: &[u8]) -> Parsed {
    match rest.split_first() {
        Some((b'g' | b'c', tid)) => {
            let tid = thread_id(tid)?;
            if tid.is_ours() {
                Ok(Request::SetThread(tid))
            } else {
                Err(Malformed)
            }
        }
        _ => Err(Malformed),
    }
}

fn parse_read_memory(rest: &[u8]) -> Parsed {
    let (addr, len) = split_once(rest, b',').ok_or(Malformed)?;
    Ok(Request::ReadMemory {
        addr: hex_num(addr)?,
        len: hex_num(len)?,
    })
}

fn parse_write_memory(rest: &[u8]) -> Parsed {
    let (addr, rest) = split_once(rest, b',').ok_or(Malformed)?;
    let (len, data) = split_once(rest, b':').ok_or(Malformed)?;
    let data = decode_bytes(data).ok_or(Malformed)?;
    if hex_num(len)? != data.len() as u64 {
        return Err(Malformed);
    }
    Ok(Request::WriteMemory {
        addr: hex_num(addr)?,
        data,
    })
}

fn parse_breakpoint(insert: bool, rest: &[u8]) -> Parsed {
    let mut fields = rest.split(|&b| b == b',');
    let (Some(kind), Some(addr), Some(len), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(Malformed);
    };
    // Conditions and commands (`;X...`) are agent bytecode, which the stub does not run.
    if len.contains(&b';') {
        return Err(Malformed);
    }
    let (addr, len) = (hex_num(addr)?, hex_num(len)?);
    match kind {
        b"0" | b"2" | b"3" | b"4" => Ok(Request::Breakpoint {
            insert,
            kind: kind[0] - b'0',
            addr,
            len,
        }),
        // Hardware breakpoints (1) and anything newer: unsupported, so LLDB falls back to Z0.
        _ if parse_u64(kind).is_some() => Ok(Request::Unknown),
        _ => Err(Malformed),
    }
}

fn parse_query(p: &[u8]) -> Parsed {
    // Name up to the first ':' (or the whole packet), as the packet family is named.
    let (name, args) = match split_once(p, b':') {
        Some((name, args)) => (name, Some(args)),
        None => (p, None),
    };
    let no_args = |r: Request| {
        if args.is_none() {
            Ok(r)
        } else {
            Err(Malformed)
        }
    };
    match name {
        b"QStartNoAckMode" => no_args(Request::StartNoAckMode),
        b"qSupported" => Ok(Request::Supported),
        b"QListThreadsInStopReply" => no_args(Request::ListThreadsInStopReply),
        b"QEnableErrorStrings" => no_args(Request::EnableErrorStrings),
        b"qHostInfo" => no_args(Request::HostInfo),
        b"qProcessInfo" => no_args(Request::ProcessInfo),
        b"qC" => no_args(Request::CurrentThread),
        b"qfThreadInfo" => no_args(Request::ThreadInfoFirst),
        b"qsThreadInfo" => no_args(Request::ThreadInfoNext),
        b"qAttached" => Ok(Request::Attached),
        b"qWatchpointSupportInfo" => Ok(Request::WatchpointSupportInfo),
        b"qMemoryRegionInfo" => Ok(Request::MemoryRegionInfo(hex_num(args.ok_or(Malformed)?)?)),
        b"qWasmCallStack" => match args {
            None | Some(b"") => Ok(Request::WasmCallStack),
            Some(tid) if thread_id(tid)?.is_ours() => Ok(Request::WasmCallStack),
            Some(_) => Err(Malformed),
        },
        b"qWasmLocal" => {
            let (frame, index) = two_decimals(args)?;
            Ok(Request::WasmValue(ValueQuery::Local { frame, index }))
        }
        b"qWasmStackValue" => {
            let (frame, index) = two_decimals(args)?;
            Ok(Request::WasmValue(ValueQuery::StackValue { frame, index }))
        }
        b"qWasmGlobal" => parse_wasm_global(args.ok_or(Malformed)?),
        b"qXfer" => parse_xfer(args.ok_or(Malformed)?),
        _ => parse_numbered_query(p),
    }
}

/// `qRegisterInfo<n>` and `qThreadStopInfo<tid>` carry their argument without a colon.
fn parse_numbered_query(p: &[u8]) -> Parsed {
    if let Some(n) = p.strip_prefix(b"qRegisterInfo") {
        return Ok(Request::RegisterInfo(hex_num(n)?));
    }
    if let Some(tid) = p.strip_prefix(b"qThreadStopInfo") {
        return Ok(Request::ThreadStopInfo(thread_id(tid)?));
    }
    Ok(Request::Unknown)
}

fn two_decimals(args: Option<&[u8]>) -> Result<(usize, u32), Malformed> {
    let (a, b) = split_once(args.ok_or(Malformed)?, b';').ok_or(Malformed)?;
    Ok((
        parse_dec(a).ok_or(Malformed)?,
        parse_dec(b).ok_or(Malformed)?,
    ))
}

fn parse_wasm_global(args: &[u8]) -> Parsed {
    let (first, rest) = split_once(args, b';').ok_or(Malformed)?;
    if let Some(id) = rest.strip_prefix(b"instance:") {
        let id = id.strip_suffix(b";").unwrap_or(id);
        return Ok(Request::WasmValue(ValueQuery::Global {
            scope: GlobalScope::Instance(parse_dec(id).ok_or(Malformed)?),
            index: parse_dec(first).ok_or(Malformed)?,
        }));
    }
    Ok(Request::WasmValue(ValueQuery::Global {
        scope: GlobalScope::Frame(parse_dec(first).ok_or(Malformed)?),
        index: parse_dec(rest).ok_or(Malformed)?,
    }))
}

fn parse_xfer(args: &[u8]) -> Parsed {
    // `qXfer:<object>:read:<annex>:<offset>,<length>`
    let mut parts = args.splitn(4, |&b| b == b':');
    let (Some(object), Some(op), Some(annex), Some(range)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Malformed);
    };
    if object != b"libraries" {
        return Ok(Request::Unknown);
    }
    if op != b"read" || !annex.is_empty() {
        return Err(Malformed);
    }
    let (offset, len) = split_once(range, b',').ok_or(Malformed)?;
    Ok(Request::LibrariesRead {
        offset: hex_num(offset)?,
        len: hex_num(len)?,
    })
}

fn parse_v(p: &[u8]) -> Parsed {
    if p == b"vCont?" {
        return Ok(Request::VContQuery);
    }
    if let Some(actions) = p.strip_prefix(b"vCont;") {
        return parse_vcont(actions);
    }
    if let Some(pid) = p.strip_prefix(b"vKill;") {
        return if hex_num(pid)? == 1 {
            Ok(Request::Kill)
        } else {
            Err(Malformed)
        };
    }
    Ok(Request::Unknown)
}

/// `vCont;<action>[:<tid>][;<action>[:<tid>]]...`: the first action that applies to our thread
/// decides. Actions with a signal resume without delivering it.
fn parse_vcont(actions: &[u8]) -> Parsed {
    for action in actions.split(|&b| b == b';') {
        let (action, tid) = match split_once(action, b':') {
            Some((a, tid)) => (a, Some(thread_id(tid)?)),
            None => (action, None),
        };
        let resume = match action {
            b"c" => Resume::Continue,
            b"s" => Resume::Step,
            [b'C', sig @ ..] if sig.len() == 2 && parse_u64(sig).is_some() => Resume::Continue,
            [b'S', sig @ ..] if sig.len() == 2 && parse_u64(sig).is_some() => Resume::Step,
            // `t` (stop) is for non-stop mode, `r` (range step) is not offered.
            _ => return Err(Malformed),
        };
        if tid.is_none_or(ThreadId::is_ours) {
            return Ok(Request::Resume(resume));
        }
    }
    Err(Malformed)
}

impl Request {
    /// The canonical packet gdbstub answers this request with, if gdbstub answers it.
    ///
    /// `max_read` caps `m` and `qXfer` lengths so a read is one gdbstub chunk (a short read is a
    /// valid answer; a chunked one could mix data and an error).
    pub(crate) fn forward(&self, max_read: u64) -> Option<String> {
        Some(match *self {
            Request::StartNoAckMode => "QStartNoAckMode".to_string(),
            Request::RegisterInfo(n) => format!("qRegisterInfo{n:x}"),
            Request::ReadRegister(n) => format!("p{n:x}"),
            Request::ReadRegisters => "g".to_string(),
            Request::ThreadInfoFirst => "qfThreadInfo".to_string(),
            Request::ThreadInfoNext => "qsThreadInfo".to_string(),
            Request::ReadMemory { addr, len } if len > 0 => {
                format!("m{addr:x},{:x}", len.min(max_read))
            }
            Request::WriteMemory { addr, ref data } => {
                let mut s = format!("M{addr:x},{:x}:", data.len());
                crate::hex::push_hex(&mut s, data);
                s
            }
            Request::Breakpoint {
                insert,
                kind,
                addr,
                len,
            } => format!("{}{kind},{addr:x},{len:x}", if insert { 'Z' } else { 'z' }),
            Request::LibrariesRead { offset, len } => {
                format!("qXfer:libraries:read::{offset:x},{:x}", len.min(max_read))
            }
            Request::WasmCallStack => format!("qWasmCallStack:{:x}", crate::stop::THREAD_ID),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) -> Request {
        parse(p.as_bytes()).unwrap_or_else(|_| panic!("{p} should parse"))
    }

    fn bad(p: &str) {
        assert_eq!(parse(p.as_bytes()), Err(Malformed), "{p}");
    }

    #[test]
    fn lldb_handshake_packets() {
        assert_eq!(ok("QStartNoAckMode"), Request::StartNoAckMode);
        assert_eq!(
            ok("qSupported:xmlRegisters=i386,arm,mips,arc;multiprocess+;swbreak+"),
            Request::Supported
        );
        assert_eq!(ok("QThreadSuffixSupported"), Request::Unknown);
        assert_eq!(ok("qVAttachOrWaitSupported"), Request::Unknown);
        assert_eq!(ok("qRegisterInfo0"), Request::RegisterInfo(0));
        assert_eq!(ok("qRegisterInfo1a"), Request::RegisterInfo(0x1a));
        assert_eq!(
            ok("qThreadStopInfo1"),
            Request::ThreadStopInfo(ThreadId::Id(1))
        );
        assert_eq!(
            ok("qXfer:libraries:read::0,fff"),
            Request::LibrariesRead {
                offset: 0,
                len: 0xfff
            }
        );
        assert_eq!(ok("qXfer:features:read:target.xml:0,fff"), Request::Unknown);
        assert_eq!(ok("jThreadExtendedInfo:"), Request::Unknown);
        assert_eq!(ok("x0,0"), Request::Unknown);
        assert_eq!(ok(""), Request::Unknown);
    }

    #[test]
    fn wasm_queries() {
        assert_eq!(ok("qWasmCallStack:1"), Request::WasmCallStack);
        assert_eq!(ok("qWasmCallStack"), Request::WasmCallStack);
        let value = |q| Request::WasmValue(q);
        assert_eq!(
            ok("qWasmLocal:0;2"),
            value(ValueQuery::Local { frame: 0, index: 2 })
        );
        assert_eq!(
            ok("qWasmStackValue:3;0"),
            value(ValueQuery::StackValue { frame: 3, index: 0 })
        );
        assert_eq!(
            ok("qWasmGlobal:1;0"),
            value(ValueQuery::Global {
                scope: GlobalScope::Frame(1),
                index: 0
            })
        );
        assert_eq!(
            ok("qWasmGlobal:5;instance:2;"),
            value(ValueQuery::Global {
                scope: GlobalScope::Instance(2),
                index: 5
            })
        );
        assert_eq!(
            ok("qWasmGlobal:5;instance:2"),
            value(ValueQuery::Global {
                scope: GlobalScope::Instance(2),
                index: 5
            })
        );
        bad("qWasmCallStack:7f18e2e6f780");
        bad("qWasmLocal:0");
        bad("qWasmLocal:a;1");
        bad("qWasmLocal:0;4294967296");
        bad("qWasmGlobal:0;instance:x;");
        bad("qWasmStackValue:");
    }

    #[test]
    fn memory_and_breakpoints() {
        assert_eq!(
            ok("m4000000000000000,200"),
            Request::ReadMemory {
                addr: 0x4000_0000_0000_0000,
                len: 0x200
            }
        );
        assert_eq!(
            ok("M1003be4,4:07000000"),
            Request::WriteMemory {
                addr: 0x1003be4,
                data: vec![7, 0, 0, 0]
            }
        );
        assert_eq!(
            ok("Z0,4000000000004e28,1"),
            Request::Breakpoint {
                insert: true,
                kind: 0,
                addr: 0x4000_0000_0000_4e28,
                len: 1
            }
        );
        assert_eq!(
            ok("z2,1003be4,4"),
            Request::Breakpoint {
                insert: false,
                kind: 2,
                addr: 0x1003be4,
                len: 4
            }
        );
        assert_eq!(ok("Z1,10,1"), Request::Unknown);
        bad("m4000000000000000");
        bad("m40000000000000000,1");
        bad("mxx,1");
        bad("M10,2:07");
        bad("M10,1:0");
        bad("Z0,10");
        bad("Z0,10,1;X1,0");
        bad("Zq,10,1");
    }

    #[test]
    fn resume_packets() {
        assert_eq!(ok("c"), Request::Resume(Resume::Continue));
        assert_eq!(ok("s"), Request::Resume(Resume::Step));
        assert_eq!(ok("C02"), Request::Resume(Resume::Continue));
        assert_eq!(ok("vCont;s:1"), Request::Resume(Resume::Step));
        assert_eq!(ok("vCont;c"), Request::Resume(Resume::Continue));
        assert_eq!(ok("vCont;C05:p1.1"), Request::Resume(Resume::Continue));
        assert_eq!(ok("vCont;s:2;c"), Request::Resume(Resume::Continue));
        assert_eq!(ok("vCont?"), Request::VContQuery);
        bad("c4000");
        bad("vCont;t");
        bad("vCont;s:2");
        bad("vCont;r1,2:1");
        for p in ["c", "C02", "s", "S05", "vCont;c"] {
            assert!(is_resume(p.as_bytes()));
        }
        assert!(!is_resume(b"vCont?"));
        assert!(!is_resume(b"qC"));
    }

    #[test]
    fn threads() {
        assert_eq!(ok("Hg1"), Request::SetThread(ThreadId::Id(1)));
        assert_eq!(ok("Hc-1"), Request::SetThread(ThreadId::All));
        assert_eq!(ok("Hgp1.1"), Request::SetThread(ThreadId::Id(1)));
        assert_eq!(ok("T1"), Request::ThreadAlive(ThreadId::Id(1)));
        bad("Hg7f18e2e6f780");
        bad("Hx1");
        bad("H");
        bad("T");
        bad("p0;thread:1;");
    }

    #[test]
    fn forwards_are_canonical() {
        let max = 0x1000;
        assert_eq!(
            ok("m4000000000000000,FFFFFF").forward(max).as_deref(),
            Some("m4000000000000000,1000")
        );
        assert_eq!(ok("m10,0").forward(max), None);
        assert_eq!(
            ok("Z0,0040000000004e28,01").forward(max).as_deref(),
            Some("Z0,40000000004e28,1")
        );
        assert_eq!(
            ok("qWasmCallStack").forward(max).as_deref(),
            Some("qWasmCallStack:1")
        );
        assert_eq!(ok("qWasmLocal:0;1").forward(max), None);
    }
}
