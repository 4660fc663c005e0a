//! Running the program: breakpoints, steps, watchpoints, interrupts, traps, exit and kill.

mod support;

use std::{thread, time::Duration};

use support::{
    hex,
    mock::{Mock, Scripted, loc},
    session,
};
use wdb_gdb::{Options, Outcome, StopReason, WatchKind};

fn stop(reason: StopReason, stack: &[(u32, u32)]) -> Scripted {
    Scripted::Stop(
        reason,
        Some(stack.iter().map(|&(i, o)| loc(i, o)).collect()),
    )
}

fn stop_reply(sig: &str, pc: u64, tail: &str) -> String {
    let le: String = pc
        .to_le_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("T{sig}thread:1;threads:1;thread-pcs:{pc:x};00:{le};{tail}")
}

#[test]
fn breakpoints_are_set_hit_and_removed() {
    let mock = Mock::new().with_script([
        stop(StopReason::Breakpoint, &[(0, 0x190), (0, 0x1e5)]),
        stop(StopReason::Breakpoint, &[(0, 0x190), (0, 0x1e5)]),
    ]);
    let (outcome, mock) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("Z0,4000000000000190,1", "OK");
        // No code there (beyond the module), a memory address, hardware breakpoints.
        c.expect("Z0,4000000000000400,1", "E16");
        c.expect("Z0,190,1", "E16");
        c.expect("Z1,4000000000000190,1", "");
        c.expect(
            "c",
            &stop_reply("05", 0x4000_0000_0000_0190, "reason:breakpoint;"),
        );
        c.expect("qWasmCallStack:1", "9001000000000040e501000000000040");
        c.expect("p0", "9001000000000040");
        // Stepping off the breakpoint the way LLDB does: z0, vCont;s, Z0, c.
        c.expect("z0,4000000000000190,1", "OK");
        c.expect("Z0,4000000000000190,1", "OK");
        c.expect(
            "vCont;c:1",
            &stop_reply("05", 0x4000_0000_0000_0190, "reason:breakpoint;"),
        );
        c.expect("z0,4000000000000190,1", "OK");
        c.expect("c", "W00");
    });
    assert_eq!(outcome, Outcome::Exited(0));
    assert_eq!(
        mock.log,
        [
            "add_breakpoint 0:0x190",
            "resume",
            "remove_breakpoint 0:0x190",
            "add_breakpoint 0:0x190",
            "resume",
            "remove_breakpoint 0:0x190",
            "resume",
        ]
    );
}

#[test]
fn a_slid_breakpoint_stops_at_the_requested_address() {
    let mock = Mock::new().with_script([
        stop(StopReason::Breakpoint, &[(0, 0x190), (0, 0x1e5)]),
        stop(StopReason::Step, &[(0, 0x192), (0, 0x1e5)]),
    ]);
    session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        // Between two instructions (the engine slides it to 0x190).
        c.expect("Z0,400000000000018f,1", "OK");
        c.expect(
            "c",
            &stop_reply("05", 0x4000_0000_0000_018f, "reason:breakpoint;"),
        );
        c.expect("p0", "8f01000000000040");
        c.expect("qWasmCallStack:1", "8f01000000000040e501000000000040");
        c.expect("z0,400000000000018f,1", "OK");
        c.expect(
            "vCont;s:1",
            &stop_reply("05", 0x4000_0000_0000_0192, "reason:trace;"),
        );
        c.expect("qWasmCallStack:1", "9201000000000040e501000000000040");
    });
}

#[test]
fn steps_report_trace() {
    let mock = Mock::new().with_script([
        stop(StopReason::Step, &[(0, 0x19e), (0, 0x1e5)]),
        stop(StopReason::Step, &[(1, 0x20), (0, 0x19e), (0, 0x1e5)]),
    ]);
    let (_, mock) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        c.expect(
            "s",
            &stop_reply("05", 0x4000_0000_0000_019e, "reason:trace;"),
        );
        c.expect(
            "vCont;s:1",
            &stop_reply("05", 0x4000_0001_0000_0020, "reason:trace;"),
        );
        c.expect(
            "qWasmCallStack:1",
            "20000000010000409e01000000000040e501000000000040",
        );
    });
    assert_eq!(&mock.log[..2], ["step", "step"]);
}

#[test]
fn watchpoints_report_their_kind_and_address() {
    let watch = |kind| StopReason::Watch {
        kind,
        instance: 0,
        addr: 0x1003,
    };
    let mock = Mock::new().with_script([
        stop(watch(WatchKind::Write), &[(0, 0x1a0)]),
        stop(watch(WatchKind::Read), &[(0, 0x1a4)]),
        stop(watch(WatchKind::Access), &[(0, 0x1a8)]),
    ]);
    let (_, mock) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("qWatchpointSupportInfo:", "num:32;");
        c.expect("Z2,1003,4", "OK");
        c.expect("Z3,1003,4", "OK");
        c.expect("Z4,1003,2", "OK");
        // Code addresses, memory-less instances and empty ranges cannot be watched.
        c.expect("Z2,4000000000000100,4", "E16");
        c.expect("Z2,100001000,4", "E16");
        c.expect("Z2,1003,0", "E16");
        c.expect("Z2,ffffffff,2", "E16");
        c.expect("c", &stop_reply("05", 0x4000_0000_0000_01a0, "watch:1003;"));
        c.expect(
            "c",
            &stop_reply("05", 0x4000_0000_0000_01a4, "rwatch:1003;"),
        );
        c.expect(
            "c",
            &stop_reply("05", 0x4000_0000_0000_01a8, "awatch:1003;"),
        );
        c.expect("z2,1003,4", "OK");
    });
    assert_eq!(
        &mock.log[..3],
        [
            "add_watchpoint 0:0x1003+4 Write",
            "add_watchpoint 0:0x1003+4 Read",
            "add_watchpoint 0:0x1003+2 Access",
        ]
    );
    assert!(
        mock.log
            .contains(&"remove_watchpoint 0:0x1003+4 Write".to_string())
    );
}

#[test]
fn watchpoints_in_other_instances_use_the_instance_id() {
    let mut mock = Mock::new().with_script([stop(
        StopReason::Watch {
            kind: WatchKind::Write,
            instance: 1,
            addr: 0x10,
        },
        &[(1, 0x30)],
    )]);
    mock.memory.insert(1, vec![0; 0x1_0000]);
    session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("Z2,100000010,4", "OK");
        c.expect(
            "c",
            &stop_reply("05", 0x4000_0001_0000_0030, "watch:100000010;"),
        );
    });
}

#[test]
fn interrupt_stops_a_running_program_with_sigint() {
    let mock = Mock::new().with_script([
        Scripted::UntilInterrupted,
        stop(StopReason::Breakpoint, &[(0, 0x19c)]),
    ]);
    let (_, mock) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        c.send("c");
        thread::sleep(Duration::from_millis(100));
        c.send_raw(b"\x03");
        assert_eq!(
            c.recv(),
            stop_reply("02", 0x4000_0000_0000_019c, "reason:signal;")
        );
        // An interrupt that arrives after the stop reply is stale and does not stop the next
        // resume.
        c.send_raw(b"\x03");
        c.expect("qC", "QC1");
        c.expect(
            "c",
            &stop_reply("05", 0x4000_0000_0000_019c, "reason:breakpoint;"),
        );
    });
    assert_eq!(&mock.log[..2], ["resume", "resume"]);
}

#[test]
fn interrupt_sent_with_the_resume_is_not_lost() {
    let mock = Mock::new().with_script([Scripted::UntilInterrupted]);
    session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        // The interrupt may reach the stub before the target runs: it is kept for the resume.
        let mut bytes = support::rsp::packet(b"c");
        bytes.push(0x03);
        c.send_raw(&bytes);
        assert_eq!(
            c.recv(),
            stop_reply("02", 0x4000_0000_0000_019c, "reason:signal;")
        );
        // (Whether the target ran or not, it is not waiting any more.)
        c.expect("k", "X09");
    });
}

#[test]
fn a_trap_stops_with_its_message_and_ends_the_program() {
    let mock = Mock::new().with_script([stop(
        StopReason::Trap("integer divide by zero".into()),
        &[(0, 0x2b8), (0, 0x1e5)],
    )]);
    let (outcome, mock) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        let description = hex("wasm trap: integer divide by zero");
        c.expect(
            "c",
            &stop_reply(
                "08",
                0x4000_0000_0000_02b8,
                &format!("reason:exception;description:{description};"),
            ),
        );
        // The program can still be inspected.
        c.expect("qWasmCallStack:1", "b802000000000040e501000000000040");
        c.expect("qWasmLocal:0;0", "e0030100");
        // Continuing ends it with the trap's signal.
        c.expect("c", "X08");
        c.expect_closed();
    });
    assert_eq!(outcome, Outcome::Trapped("integer divide by zero".into()));
    assert_eq!(mock.log, ["resume"]);
}

#[test]
fn exit_code_is_reported() {
    let mock = Mock::new().with_script([stop(StopReason::Exited(3), &[])]);
    let (outcome, _) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("vCont;c", "W03");
        c.expect_closed();
    });
    assert_eq!(outcome, Outcome::Exited(3));
}

#[test]
fn kill_ends_the_program() {
    let (outcome, mock) = session(Mock::new(), Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("k", "X09");
        c.expect_closed();
    });
    assert_eq!(outcome, Outcome::Killed);
    assert!(mock.killed);
    assert_eq!(mock.log, ["kill"]);
}

#[test]
fn new_modules_are_announced_in_the_stop_reply() {
    let mut inner = Mock::new().with_script([stop(StopReason::Breakpoint, &[(0, 0x19c)])]);
    let all = inner.modules.clone();
    inner.modules.truncate(1);
    let target = ModulesAppear {
        inner,
        later: Some(all),
    };
    let (outcome, _) = session(target, Options::default(), |mut c| {
        c.start_no_ack();
        let xml = c.req("qXfer:libraries:read::0,fff");
        assert!(!xml.contains("0x4000000100000000"), "{xml}");
        c.expect(
            "c",
            &stop_reply("05", 0x4000_0000_0000_019c, "reason:breakpoint;library:;"),
        );
        let xml = c.req("qXfer:libraries:read::0,fff");
        assert!(xml.contains("0x4000000100000000"), "{xml}");
    });
    assert_eq!(outcome, Outcome::Detached);
}

/// A mock whose module list grows at the first resume.
struct ModulesAppear {
    inner: Mock,
    later: Option<Vec<wdb_gdb::ModuleImage>>,
}

impl wdb_gdb::WasmTarget for ModulesAppear {
    fn modules(&self) -> Vec<wdb_gdb::ModuleImage> {
        self.inner.modules()
    }
    fn call_stack(&self) -> Vec<wdb_gdb::CodeLoc> {
        self.inner.call_stack()
    }
    fn local(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.inner.local(frame, index)
    }
    fn global(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.inner.global(frame, index)
    }
    fn stack_value(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.inner.stack_value(frame, index)
    }
    fn read_memory(&self, instance: u32, addr: u32, buf: &mut [u8]) -> usize {
        self.inner.read_memory(instance, addr, buf)
    }
    fn write_memory(&mut self, instance: u32, addr: u32, data: &[u8]) -> bool {
        self.inner.write_memory(instance, addr, data)
    }
    fn add_breakpoint(&mut self, loc: wdb_gdb::CodeLoc) -> bool {
        self.inner.add_breakpoint(loc)
    }
    fn remove_breakpoint(&mut self, loc: wdb_gdb::CodeLoc) -> bool {
        self.inner.remove_breakpoint(loc)
    }
    fn add_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool {
        self.inner.add_watchpoint(instance, addr, len, kind)
    }
    fn remove_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool {
        self.inner.remove_watchpoint(instance, addr, len, kind)
    }
    fn resume(&mut self) -> StopReason {
        if let Some(m) = self.later.take() {
            self.inner.modules = m;
        }
        self.inner.resume()
    }
    fn step(&mut self) -> StopReason {
        self.inner.step()
    }
    fn interrupter(&self) -> std::sync::Arc<dyn Fn() + Send + Sync> {
        self.inner.interrupter()
    }
    fn kill(&mut self) {
        self.inner.kill()
    }
}
