//! Garbage, truncated and out-of-range packets get error or empty replies and the session goes
//! on; a client that goes away leaves the program run to completion or killed, as configured.

mod support;

use std::{thread, time::Duration};

use support::{
    mock::{Mock, Scripted, loc},
    rsp::packet,
    session,
};
use wdb_gdb::{OnDisconnect, Options, Outcome, StopReason};

const ENTRY: &str =
    "T05thread:1;threads:1;thread-pcs:400000000000019c;00:9c01000000000040;reason:trace;";

#[test]
fn garbage_never_breaks_the_session() {
    let (outcome, mock) = session(Mock::new(), Options::default(), |mut c| {
        c.start_no_ack();
        // Noise between packets is skipped.
        c.send_raw(b"hello\x00\xff\r\n");
        c.expect("?", ENTRY);
        // Bad checksum, bad checksum digits, a packet cut short by the next one.
        c.send_raw(b"$?#00");
        assert_eq!(c.recv(), "E01");
        c.send_raw(b"$?#zz");
        assert_eq!(c.recv(), "E01");
        c.send_raw(b"$m4000");
        c.send_raw(&packet(b"?"));
        assert_eq!(c.recv(), "E01");
        assert_eq!(c.recv(), ENTRY);
        // Longer than PacketSize.
        c.send_raw(&packet(&vec![b'M'; 0x2_0010]));
        assert_eq!(c.recv(), "E01");
        // A dangling escape.
        c.send_raw(b"$}#7d");
        assert_eq!(c.recv(), "E01");
        // Malformed known packets.
        for bad in [
            "mzz,1",
            "m4000000000000000",
            "m40000000000000000,1",
            "M10,4:0102",
            "M10,2:zzzz",
            "p0;thread:1;",
            "pxyz",
            "Hg7f18e2e6f780",
            "Hx1",
            "qRegisterInfo",
            "qRegisterInfoz",
            "qWasmLocal:x",
            "qWasmLocal:1",
            "qWasmLocal:99999999999999999999;0",
            "qWasmGlobal:",
            "qWasmStackValue:0;-1",
            "qXfer:libraries:read:annex:0,10",
            "qXfer:libraries:read::0",
            "Z0,10",
            "Z0,4000000000000190,1;X2,0a0b",
            "Zz,10,1",
            "vCont;t",
            "vCont;r10,20:1",
            "vCont;",
            "c4000000000000190",
            "C",
            "k1",
            "D;2",
            "g0",
            "T",
        ] {
            c.expect(bad, "E01");
        }
        // Unknown packets get an empty reply.
        for unknown in [
            "qFooBar",
            "!",
            "vMustReplyEmpty",
            "X10,1:a",
            "qXfer:features:read:target.xml:0,fff",
            "qWasmMem:0;0;4",
            "Z9,10,1",
            "_M4,rwx",
            "",
        ] {
            c.expect(unknown, "");
        }
        // Out of range.
        c.expect("m4000000000000000,0", "");
        c.expect("mffffffff,4", "E03");
        c.expect("qWasmLocal:18446744073709551615;0", "E03");
        c.expect("qWasmGlobal:0;4294967295", "E03");
        c.expect("P0=0000000000000000", "E05");
        c.expect("G00", "E05");
        // Still fully usable.
        c.expect("?", ENTRY);
        c.expect(
            "qWasmCallStack:1",
            "9c01000000000040e501000000000040fe01000001000040",
        );
    });
    assert_eq!(outcome, Outcome::Detached);
    // Nothing of the above ran or changed the target, apart from running it at the end.
    assert_eq!(mock.log, ["resume"]);
}

#[test]
fn resume_errors_do_not_confuse_interrupts() {
    let mock = Mock::new().with_script([Scripted::UntilInterrupted]);
    session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        // A rejected resume is answered, so a later interrupt belongs to the next resume.
        c.expect("vCont;t", "E01");
        c.send("c");
        thread::sleep(Duration::from_millis(100));
        c.send_raw(b"\x03");
        assert!(c.recv().starts_with("T02thread:1;"));
    });
}

#[test]
fn disconnect_runs_to_completion_without_breakpoints() {
    let mock = Mock::new().with_script([
        Scripted::Stop(StopReason::Breakpoint, None),
        Scripted::Stop(StopReason::Exited(7), None),
    ]);
    let (outcome, mock) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("Z0,4000000000000190,1", "OK");
        c.expect("Z2,1000,4", "OK");
        // The client vanishes without a word.
    });
    assert_eq!(outcome, Outcome::Detached);
    assert_eq!(
        mock.log,
        [
            "add_breakpoint 0:0x190",
            "add_watchpoint 0:0x1000+4 Write",
            "remove_breakpoint 0:0x190",
            "remove_watchpoint 0:0x1000+4 Write",
            // A stop nobody can see is passed over.
            "resume",
            "resume",
        ]
    );
    assert!(!mock.killed);
}

#[test]
fn disconnect_kills_when_asked_to() {
    let options = Options {
        on_disconnect: OnDisconnect::Kill,
    };
    let (outcome, mock) = session(Mock::new(), options, |mut c| {
        c.start_no_ack();
        c.expect("Z0,4000000000000190,1", "OK");
    });
    assert_eq!(outcome, Outcome::Killed);
    assert_eq!(mock.log, ["add_breakpoint 0:0x190", "kill"]);
}

#[test]
fn disconnect_while_running_kills_a_running_program() {
    let options = Options {
        on_disconnect: OnDisconnect::Kill,
    };
    let mock = Mock::new().with_script([Scripted::UntilInterrupted]);
    let (outcome, mock) = session(mock, options, |mut c| {
        c.start_no_ack();
        c.send("c");
        thread::sleep(Duration::from_millis(100));
    });
    assert_eq!(outcome, Outcome::Killed);
    assert_eq!(mock.log, ["resume", "kill"]);
}

#[test]
fn detach_resumes_and_closes() {
    let mock = Mock::new().with_script([Scripted::Stop(StopReason::Exited(0), None)]);
    let (outcome, mock) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("Z0,4000000000000190,1", "OK");
        c.expect("D", "OK");
        c.expect_closed();
    });
    assert_eq!(outcome, Outcome::Detached);
    assert_eq!(
        mock.log,
        [
            "add_breakpoint 0:0x190",
            "remove_breakpoint 0:0x190",
            "resume"
        ]
    );
}

#[test]
fn detach_with_kill_policy_kills() {
    let options = Options {
        on_disconnect: OnDisconnect::Kill,
    };
    let (outcome, mock) = session(Mock::new(), options, |mut c| {
        c.start_no_ack();
        c.expect("D", "OK");
    });
    assert_eq!(outcome, Outcome::Killed);
    assert!(mock.killed);
}

#[test]
fn a_trapped_program_stays_trapped_when_the_client_leaves() {
    let mock = Mock::new().with_script([Scripted::Stop(
        StopReason::Trap("unreachable".into()),
        Some(vec![loc(0, 0x2b8)]),
    )]);
    let (outcome, mock) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        assert!(c.req("c").starts_with("T04thread:1;"));
    });
    assert_eq!(outcome, Outcome::Trapped("unreachable".into()));
    assert_eq!(mock.log, ["resume"]);
}

#[test]
fn kill_after_a_trap_reports_the_trap() {
    let mock = Mock::new().with_script([Scripted::Stop(
        StopReason::Trap("out of bounds memory access".into()),
        Some(vec![loc(0, 0x2b8)]),
    )]);
    let (outcome, _) = session(mock, Options::default(), |mut c| {
        c.start_no_ack();
        assert!(c.req("c").starts_with("T0bthread:1;"));
        c.expect("k", "X09");
    });
    assert_eq!(
        outcome,
        Outcome::Trapped("out of bounds memory access".into())
    );
}

/// Random packets in the families gdbstub answers, plus random noise: every packet gets exactly
/// one reply and gdbstub never sees one it would choke on (that would end `serve` with an
/// error, failing the test).
#[test]
fn random_packets_get_one_reply_each() {
    session(Mock::new(), Options::default(), |mut c| {
        c.start_no_ack();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rand = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let prefixes = [
            "m",
            "M",
            "Z0,",
            "z0,",
            "Z2,",
            "Z3,",
            "z4,",
            "p",
            "g",
            "G",
            "P",
            "H",
            "T",
            "qRegisterInfo",
            "qXfer:libraries:read:",
            "qWasmCallStack",
            "qWasmLocal:",
            "qWasmGlobal:",
            "qWasmStackValue:",
            "qfThreadInfo",
            "qsThreadInfo",
            "qMemoryRegionInfo:",
            "qThreadStopInfo",
            "QStartNoAckMode",
            "qSupported",
            "?",
            "vCont?",
            "qC",
            "x",
            "X",
            "qAttached",
        ];
        let alphabet = b"0123456789abcdefABCDEFxX,:;-p.=instance}";
        for _ in 0..6000 {
            let mut p = prefixes[rand(prefixes.len())].as_bytes().to_vec();
            for _ in 0..rand(40) {
                p.push(alphabet[rand(alphabet.len())]);
            }
            // `}` is the escape byte: keep the packet well-formed on the wire.
            if p.last() == Some(&b'}') {
                p.pop();
            }
            c.send_raw(&packet(&p));
            c.recv();
        }
        c.expect("?", ENTRY);
    });
}
