//! The packets LLDB 23 sends when it connects and inspects a stopped program (taken from the
//! LLDB <-> WAMR trace in shared/research/wamr-lldb-packets.log), with the exact replies.

mod support;

use support::{
    hex,
    mock::{APP, LIB, Mock, app_bytes, lib_bytes},
    rsp::Reply,
    session,
};
use wdb_gdb::{Options, Outcome};

const QSUPPORTED: &str = "qSupported:xmlRegisters=i386,arm,mips,arc;multiprocess+;fork-events+;vfork-events+;swbreak+;hwbreak+;qXfer:libraries:read+;qXfer:libraries-svr4:read+";
const PC_HEX: &str = "9c01000000000040";

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn lldb_connect_handshake() {
    let (outcome, mock) = session(Mock::new(), Options::default(), |mut c| {
        // >> QStartNoAckMode << + OK
        c.start_no_ack();
        c.expect(
            QSUPPORTED,
            "PacketSize=20000;QStartNoAckMode+;qXfer:libraries:read+;vContSupported+",
        );
        c.expect("QThreadSuffixSupported", "");
        c.expect("QListThreadsInStopReply", "OK");
        let triple = hex("wasm32-unknown-unknown-wasm");
        c.expect(
            "qHostInfo",
            &format!(
                "triple:{triple};endian:little;ptrsize:4;watchpoint_exceptions_received:after;"
            ),
        );
        c.expect("vCont?", "vCont;c;C;s;S");
        c.expect("qVAttachOrWaitSupported", "");
        c.expect("QEnableErrorStrings", "OK");
        c.expect(
            "qProcessInfo",
            &format!("pid:1;parent-pid:1;endian:little;ptrsize:4;triple:{triple};"),
        );
        let entry =
            format!("T05thread:1;threads:1;thread-pcs:400000000000019c;00:{PC_HEX};reason:trace;");
        c.expect("?", &entry);
        c.expect(
            "qRegisterInfo0",
            "name:pc;alt-name:pc;bitsize:64;offset:0;encoding:uint;format:hex;set:General Purpose Registers;gcc:16;dwarf:16;generic:pc;",
        );
        c.expect("qRegisterInfo1", "E45");
        c.expect("qStructuredDataPlugins", "");
        let xml = format!(
            "<library-list>\
             <library name=\"{APP}\"><section address=\"0x4000000000000000\"/></library>\
             <library name=\"{LIB}\"><section address=\"0x4000000100000000\"/></library>\
             </library-list>"
        );
        c.expect("qXfer:libraries:read::0,fff", &format!("m{xml}"));
        c.expect(&format!("qXfer:libraries:read::{:x},fff", xml.len()), "l");
        // A chunked read honours offset and length.
        c.expect("qXfer:libraries:read::1,4", "mlibr");
        c.expect(
            QSUPPORTED,
            "PacketSize=20000;QStartNoAckMode+;qXfer:libraries:read+;vContSupported+",
        );
        c.expect("x0,0", "");
        c.expect("qSymbol::", "");
        c.expect(
            "qWasmCallStack:1",
            "9c01000000000040e501000000000040fe01000001000040",
        );
        c.expect("jThreadsInfo", "");
        c.expect("jThreadExtendedInfo:", "");
        c.expect("Hg1", "OK");
        c.expect("p0", PC_HEX);
        c.expect("g", PC_HEX);
        c.expect("p1", "");
        c.expect("qC", "QC1");
        c.expect("qfThreadInfo", "m01");
        c.expect("qsThreadInfo", "l");
        c.expect("qThreadStopInfo1", &entry);
        c.expect("qThreadStopInfo2", "E02");
        c.expect("qAttached", "1");
        c.expect("T1", "OK");
    });
    assert_eq!(outcome, Outcome::Detached);
    // Dropping the connection ran the program to its end.
    assert_eq!(mock.log, ["resume"]);
}

#[test]
fn module_images_are_read_through_object_addresses() {
    session(Mock::new(), Options::default(), |mut c| {
        c.start_no_ack();
        let app = app_bytes();
        assert_eq!(app.len(), 0x308);
        c.expect("m4000000000000000,200", &to_hex(&app[..0x200]));
        c.expect("m4000000000000008,400", &to_hex(&app[8..]));
        // Short read at the end of the image, error past it.
        c.expect("m4000000000000300,400", &to_hex(&app[0x300..]));
        c.expect("m4000000000000308,10", "E03");
        c.expect("m4000000100000000,8", &to_hex(&lib_bytes()[..8]));
        c.expect("m4000000500000000,8", "E04");
        // Reads are capped, never chunked: a huge request is a short read.
        c.expect("m4000000000000000,ffffffff", &to_hex(&app));
        // Module images are read-only.
        c.expect("M4000000000000000,1:00", "E05");
        c.expect("m10,0", "");
        // Global-space and invalid addresses hold nothing.
        c.expect("m8000000000000000,4", "E03");
    });
}

#[test]
fn linear_memory_reads_writes_and_regions() {
    let (_, mock) = session(Mock::new(), Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("m1000,5", &hex("hello"));
        c.expect("M1000,2:4142", "OK");
        c.expect("m1000,5", &hex("ABllo"));
        c.expect("m1fffe,8", "0000");
        c.expect("m20000,4", "E03");
        c.expect("M1fffe,4:01020304", "E03");
        // Instance 1 has no memory.
        c.expect("m100001000,4", "E03");
        c.expect(
            "qMemoryRegionInfo:1000",
            &format!("start:0;size:20000;permissions:rw;name:{};", hex("memory")),
        );
        c.expect("qMemoryRegionInfo:20000", "start:20000;size:fffe0000;");
        c.expect(
            "qMemoryRegionInfo:100000010",
            "start:100000000;size:100000000;",
        );
        c.expect(
            "qMemoryRegionInfo:4000000000000010",
            &format!(
                "start:4000000000000000;size:308;permissions:rx;name:{};",
                hex(APP)
            ),
        );
        c.expect(
            "qMemoryRegionInfo:4000000000000308",
            "start:4000000000000308;size:fffffcf8;",
        );
        c.expect(
            "qMemoryRegionInfo:c000000000000000",
            "start:c000000000000000;size:100000000;",
        );
        c.expect("qMemoryRegionInfo:", "E01");
    });
    assert_eq!(&mock.memory[&0][0x1000..0x1005], b"ABllo");
}

#[test]
fn wasm_locals_globals_and_stack_values() {
    session(Mock::new(), Options::default(), |mut c| {
        c.start_no_ack();
        c.expect("qWasmLocal:0;0", "e0030100");
        c.expect("qWasmLocal:0;2", "8877665544332211");
        c.expect("qWasmLocal:1;1", &to_hex(&2.5f64.to_le_bytes()));
        c.expect("qWasmLocal:0;9", "E03");
        c.expect("qWasmLocal:7;0", "E03");
        c.expect("qWasmGlobal:0;0", "30ffff00");
        c.expect("qWasmGlobal:2;0", "42000000");
        c.expect("qWasmGlobal:0;1", "E03");
        // The instance form reads through the innermost frame of that instance.
        c.expect("qWasmGlobal:0;instance:1;", "42000000");
        c.expect("qWasmGlobal:0;instance:0", "30ffff00");
        c.expect("qWasmGlobal:0;instance:7;", "E04");
        // Index 0 is the bottom of the operand stack.
        c.expect("qWasmStackValue:0;0", "01000000");
        c.expect("qWasmStackValue:0;1", "0200000000000000");
        c.expect("qWasmStackValue:0;2", "E03");
        c.expect(
            "qWasmCallStack",
            "9c01000000000040e501000000000040fe01000001000040",
        );
        c.expect("qWasmCallStack:2", "E01");
    });
}

#[test]
fn ack_mode_until_no_ack_is_negotiated() {
    session(Mock::new(), Options::default(), |mut c| {
        // Before QStartNoAckMode every packet is acked and replies are acked back.
        c.send("qC");
        assert_eq!(c.next(), Reply::Ack);
        assert_eq!(c.next(), Reply::Packet("QC1".into()));
        // gdbstub-answered packets are acked the same way.
        c.send("qfThreadInfo");
        assert_eq!(c.next(), Reply::Ack);
        assert_eq!(c.next(), Reply::Packet("m01".into()));
        // A corrupt packet is nacked; `-` from the client repeats the last reply.
        c.send_raw(b"$qC#00");
        assert_eq!(c.next(), Reply::Nack);
        c.send_raw(b"-");
        assert_eq!(c.next(), Reply::Packet("m01".into()));
        c.start_no_ack();
        c.send("qC");
        assert_eq!(c.next(), Reply::Packet("QC1".into()));
    });
}
