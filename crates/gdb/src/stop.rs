//! Stop replies: how a [`StopReason`] is told to LLDB.
//!
//! ```text
//! T<sig>thread:1;threads:1;thread-pcs:<pc>;00:<pc as 8 LE bytes>;<reason>;[library:;]
//! ```
//! * breakpoint: `T05`, `reason:breakpoint` (LLDB then finds its site at the pc);
//! * step, and the initial stop: `T05`, `reason:trace`;
//! * watchpoint: `T05`, `watch:`/`rwatch:`/`awatch:<memory address>` (LLDB turns these into
//!   "watchpoint N hit");
//! * interrupt: `T02` (SIGINT), `reason:signal`;
//! * trap: `T<sig>` with a signal for the kind of trap, `reason:exception` and the message in
//!   `description:` (LLDB shows "stop reason = wasm trap: ..."); continuing afterwards ends the
//!   program with `X<sig>`;
//! * exit: `W<code>`.
//!
//! gdbstub's own stop replies cannot carry `reason`/`description`, and send no pc with a step
//! (`S05`), so the stub writes stop replies itself.

use crate::{hex, target::StopReason, target::WatchKind};

/// The thread id of the one wasm thread.
pub(crate) const THREAD_ID: u64 = 1;

/// GDB signal numbers (the remote protocol's numbering, which LLDB maps for every platform).
pub(crate) mod signal {
    pub(crate) const SIGINT: u8 = 2;
    pub(crate) const SIGILL: u8 = 4;
    pub(crate) const SIGTRAP: u8 = 5;
    pub(crate) const SIGFPE: u8 = 8;
    pub(crate) const SIGKILL: u8 = 9;
    pub(crate) const SIGSEGV: u8 = 11;
}

/// The signal a trap is reported with, chosen from its message: arithmetic traps are SIGFPE,
/// memory and stack traps SIGSEGV, everything else (`unreachable`, bad indirect calls, ...)
/// SIGILL. LLDB shows the message itself; the signal is what `X<sig>` reports when the program
/// is then ended.
pub(crate) fn trap_signal(message: &str) -> u8 {
    let m = message.to_ascii_lowercase();
    if ["divide by zero", "integer overflow", "invalid conversion"]
        .iter()
        .any(|k| m.contains(k))
    {
        signal::SIGFPE
    } else if ["out of bounds", "stack", "null"]
        .iter()
        .any(|k| m.contains(k))
    {
        signal::SIGSEGV
    } else {
        signal::SIGILL
    }
}

/// The description LLDB shows for a trap.
pub(crate) fn trap_description(message: &str) -> String {
    format!("wasm trap: {message}")
}

/// Everything a `T` stop reply says besides the reason.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StopContext {
    /// The pc to report (already adjusted for slid breakpoints), if there is a frame.
    pub(crate) pc: Option<u64>,
    /// The memory address of the hit watchpoint, for `Watch`.
    pub(crate) watch_addr: Option<u64>,
    /// Whether the library list changed since the last stop.
    pub(crate) libraries_changed: bool,
}

/// The stop reply for `reason`.
pub(crate) fn reply(reason: &StopReason, cx: StopContext) -> String {
    let (sig, tail) = match reason {
        StopReason::Exited(code) => return format!("W{:02x}", (*code as u32) & 0xff),
        StopReason::Entry | StopReason::Step => (signal::SIGTRAP, "reason:trace;".to_string()),
        StopReason::Breakpoint => (signal::SIGTRAP, "reason:breakpoint;".to_string()),
        StopReason::Interrupt => (signal::SIGINT, "reason:signal;".to_string()),
        StopReason::Watch { kind, .. } => {
            let key = match kind {
                WatchKind::Write => "watch",
                WatchKind::Read => "rwatch",
                WatchKind::Access => "awatch",
            };
            match cx.watch_addr {
                Some(addr) => (signal::SIGTRAP, format!("{key}:{addr:x};")),
                None => (signal::SIGTRAP, "reason:trace;".to_string()),
            }
        }
        StopReason::Trap(message) => {
            let mut tail = "reason:exception;description:".to_string();
            hex::push_hex(&mut tail, trap_description(message).as_bytes());
            tail.push(';');
            (trap_signal(message), tail)
        }
    };
    let mut s = format!("T{sig:02x}thread:{THREAD_ID:x};threads:{THREAD_ID:x};");
    if let Some(pc) = cx.pc {
        s.push_str(&format!("thread-pcs:{pc:x};00:"));
        hex::push_hex(&mut s, &pc.to_le_bytes());
        s.push(';');
    }
    s.push_str(&tail);
    if cx.libraries_changed {
        s.push_str("library:;");
    }
    s
}

/// The reply to a resume after a trap: the program ends with the trap's signal.
pub(crate) fn terminated(sig: u8) -> String {
    format!("X{sig:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PC: u64 = 0x4000_0000_0000_4e28;

    fn cx() -> StopContext {
        StopContext {
            pc: Some(PC),
            watch_addr: None,
            libraries_changed: false,
        }
    }

    #[test]
    fn breakpoint_and_step() {
        assert_eq!(
            reply(&StopReason::Breakpoint, cx()),
            "T05thread:1;threads:1;thread-pcs:4000000000004e28;00:284e000000000040;reason:breakpoint;"
        );
        assert_eq!(
            reply(
                &StopReason::Step,
                StopContext {
                    libraries_changed: true,
                    ..cx()
                }
            ),
            "T05thread:1;threads:1;thread-pcs:4000000000004e28;00:284e000000000040;reason:trace;library:;"
        );
    }

    #[test]
    fn interrupt_is_sigint() {
        assert!(reply(&StopReason::Interrupt, cx()).starts_with("T02thread:1;"));
    }

    #[test]
    fn watch_reports_the_memory_address() {
        let r = StopReason::Watch {
            kind: WatchKind::Access,
            instance: 0,
            addr: 0x1003be4,
        };
        let s = reply(
            &r,
            StopContext {
                watch_addr: Some(0x1003be4),
                ..cx()
            },
        );
        assert!(s.ends_with(";00:284e000000000040;awatch:1003be4;"), "{s}");
    }

    #[test]
    fn trap_has_signal_and_description() {
        let s = reply(&StopReason::Trap("integer divide by zero".into()), cx());
        let desc = hex::to_hex(b"wasm trap: integer divide by zero");
        assert!(s.starts_with("T08thread:1;"), "{s}");
        assert!(
            s.ends_with(&format!("reason:exception;description:{desc};")),
            "{s}"
        );
        assert_eq!(trap_signal("out of bounds memory access"), signal::SIGSEGV);
        assert_eq!(trap_signal("call stack exhausted"), signal::SIGSEGV);
        assert_eq!(trap_signal("unreachable"), signal::SIGILL);
    }

    #[test]
    fn exit_codes_are_one_byte() {
        assert_eq!(reply(&StopReason::Exited(0), cx()), "W00");
        assert_eq!(reply(&StopReason::Exited(3), cx()), "W03");
        assert_eq!(reply(&StopReason::Exited(-1), cx()), "Wff");
        assert_eq!(terminated(signal::SIGILL), "X04");
    }

    #[test]
    fn no_frame_no_pc() {
        let s = reply(&StopReason::Entry, StopContext { pc: None, ..cx() });
        assert_eq!(s, "T05thread:1;threads:1;reason:trace;");
    }
}
