//! The wasm-level debug interface, driven like a debugger would.

use wdb_engine::{
    Event, Extern, FrameInfo, FuncType, Linker, Module, PauseReason, Store, Val, ValType, WatchKind,
};

const PROGRAM: &str = r#"
(module
  (import "host" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (global $counter (mut i32) (i32.const 0))
  (func $square (param $x i32) (result i32)
    local.get $x
    local.get $x
    i32.mul)
  (func $sum_squares (export "sum_squares") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        local.get $i
        local.get $n
        i32.ge_u
        br_if $done
        local.get $acc
        local.get $i
        call $square
        i32.add
        local.set $acc
        (i32.store (i32.const 16) (local.get $acc))
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $next))
    (call $log (local.get $acc))
    local.get $acc)
  (func (export "mixed") (result f64)
    i32.const 7
    f64.const 2.5
    f64.const 1.0
    f64.add
    nop
    drop
    drop
    f64.const 1.5)
  (func (export "spin")
    (loop $forever
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      br $forever))
)
"#;

struct Fixture {
    store: Store,
    module: Module,
    instance: wdb_engine::InstanceId,
}

fn fixture() -> Fixture {
    let module = Module::new(wat::parse_str(PROGRAM).unwrap()).unwrap();
    let mut store = Store::new();
    let mut linker = Linker::new();
    linker.func(
        "host",
        "log",
        FuncType::new([ValType::I32], []),
        |_, _, _| Ok(()),
    );
    let instance = linker.instantiate(&mut store, &module).unwrap();
    Fixture {
        store,
        module,
        instance,
    }
}

impl Fixture {
    fn func(&self, name: &str) -> wdb_engine::FuncAddr {
        self.store
            .export(self.instance, name)
            .and_then(Extern::into_func)
            .unwrap()
    }

    /// Offset of the `nth` occurrence of the instruction byte sequence in function `func_index`.
    fn offset_of(&self, func_index: u32, bytes: &[u8], nth: usize) -> u32 {
        let map = self.module.instruction_map(func_index).unwrap();
        let code = self.module.bytes();
        map.iter()
            .map(|&(o, _)| o)
            .filter(|&o| code[o as usize..].starts_with(bytes))
            .nth(nth)
            .unwrap()
    }
}

#[test]
fn breakpoint_before_first_run_is_hit_every_iteration() {
    let mut f = fixture();
    let square = 1; // function index: the import is 0
    let entry = f.module.instruction_map(square).unwrap()[0].0;
    assert_eq!(f.store.add_breakpoint(&f.module, entry), Some(entry));
    let run = f.func("sum_squares");
    assert_eq!(
        f.store.start(run, &[Val::I32(4)]).unwrap(),
        Event::Paused(PauseReason::Entry)
    );
    let mut hits = Vec::new();
    loop {
        match f.store.resume() {
            Event::Paused(PauseReason::Breakpoint) => {
                let frames = f.store.frames();
                assert_eq!(frames[0].func_index, square);
                assert_eq!(frames[0].pc, entry);
                assert_eq!(frames[1].func_index, 2);
                hits.push(f.store.locals(0).unwrap()[0]);
            }
            Event::Finished(v) => {
                assert_eq!(v, vec![Val::I32(1 + 4 + 9)]);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        hits,
        vec![Val::I32(0), Val::I32(1), Val::I32(2), Val::I32(3)]
    );
    // Removed: the next run passes through.
    assert!(f.store.remove_breakpoint(&f.module, entry));
    assert_eq!(
        f.store.invoke(run, &[Val::I32(3)]).unwrap(),
        vec![Val::I32(5)]
    );
}

#[test]
fn breakpoints_slide_to_the_next_instruction() {
    let mut f = fixture();
    let mixed = 3;
    let nop = f.offset_of(mixed, &[0xa0], 0) + 1; // after `f64.add` comes the nop
    assert_eq!(f.module.bytes()[nop as usize], 0x01);
    // nop and drop produce no op: the breakpoint lands on the final f64.const.
    let landed = f.store.add_breakpoint(&f.module, nop).unwrap();
    assert_eq!(f.module.bytes()[landed as usize], 0x44);
    let run = f.func("mixed");
    f.store.start(run, &[]).unwrap();
    assert_eq!(f.store.resume(), Event::Paused(PauseReason::Breakpoint));
    assert_eq!(f.store.frames()[0].pc, landed);
    assert_eq!(f.store.operand_stack(0).unwrap(), vec![]);
    assert_eq!(
        f.store.resume(),
        Event::Finished(vec![Val::F64(1.5f64.to_bits())])
    );
    assert_eq!(
        f.store.add_breakpoint(&f.module, 0),
        None,
        "no code at offset 0"
    );
}

#[test]
fn operand_stack_has_types_and_bottom_first_order() {
    let mut f = fixture();
    let run = f.func("mixed");
    f.store.start(run, &[]).unwrap();
    assert_eq!(f.store.step(), Event::Paused(PauseReason::Step)); // i32.const 7
    assert_eq!(f.store.step(), Event::Paused(PauseReason::Step)); // f64.const 2.5
    assert_eq!(f.store.step(), Event::Paused(PauseReason::Step)); // f64.const 1.0
    let stack = f.store.operand_stack(0).unwrap();
    assert_eq!(
        stack,
        vec![
            Val::I32(7),
            Val::F64(2.5f64.to_bits()),
            Val::F64(1.0f64.to_bits())
        ]
    );
    assert_eq!(f.store.step(), Event::Paused(PauseReason::Step)); // f64.add
    assert_eq!(f.store.operand_stack(0).unwrap(), vec![]); // at the final const: the drops ran
    assert_eq!(
        f.store.resume(),
        Event::Finished(vec![Val::F64(1.5f64.to_bits())])
    );
}

#[test]
fn stepping_enters_calls_returns_to_the_caller_and_steps_over_host_calls() {
    let mut f = fixture();
    let run = f.func("sum_squares");
    f.store.start(run, &[Val::I32(2)]).unwrap();
    let mut seen_square = false;
    let mut steps = 0;
    let mut prev: Vec<FrameInfo> = f.store.frames();
    loop {
        steps += 1;
        match f.store.step() {
            Event::Paused(PauseReason::Step) => {
                let frames = f.store.frames();
                if frames[0].func_index == 1 && prev[0].func_index == 2 {
                    // Stepped into the callee: at its first instruction, the caller after the call.
                    seen_square = true;
                    assert_eq!(frames[0].pc, f.module.instruction_map(1).unwrap()[0].0);
                    assert_eq!(frames.len(), 2);
                    assert_eq!(
                        f.module.bytes()[frames[1].pc as usize - 2],
                        0x10,
                        "return address follows the call"
                    );
                }
                if prev[0].func_index == 1 && frames[0].func_index == 2 {
                    assert_eq!(
                        frames[0].pc, prev[1].pc,
                        "a return continues at the return address"
                    );
                }
                prev = frames;
            }
            Event::Finished(v) => {
                assert_eq!(v, vec![Val::I32(1)]);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(seen_square);
    assert!(steps > 30, "{steps} steps");
}

#[test]
fn locals_can_be_written_while_paused() {
    let mut f = fixture();
    let run = f.func("sum_squares");
    f.store.start(run, &[Val::I32(10)]).unwrap();
    assert!(f.store.set_local(0, 0, Val::I32(3)));
    assert!(!f.store.set_local(0, 0, Val::I64(3)), "type mismatch");
    assert!(!f.store.set_local(0, 99, Val::I32(3)));
    assert_eq!(f.store.resume(), Event::Finished(vec![Val::I32(5)]));
}

#[test]
fn watchpoints_stop_after_the_access_with_old_and_new_values() {
    let mut f = fixture();
    let memory = f.store.instance_memory(f.instance).unwrap();
    assert!(f.store.add_watchpoint(memory, 16, 4, WatchKind::Write));
    let run = f.func("sum_squares");
    f.store.start(run, &[Val::I32(3)]).unwrap();
    let store_pc = f.offset_of(2, &[0x36], 0);
    let mut values = Vec::new();
    while let Event::Paused(PauseReason::Watch(hit)) = f.store.resume() {
        assert_eq!((hit.addr, hit.len, hit.access), (16, 4, WatchKind::Write));
        assert_eq!(hit.pc, store_pc);
        // Stopped after the store: the pc is past it.
        assert!(f.store.frames()[0].pc > store_pc);
        values.push((
            u32::from_le_bytes(hit.old.try_into().unwrap()),
            u32::from_le_bytes(hit.new.try_into().unwrap()),
        ));
    }
    assert_eq!(values, vec![(0, 0), (0, 1), (1, 5)]);
    // A read watchpoint does not fire on writes; removing restores full speed handlers.
    assert!(f.store.remove_watchpoint(memory, 16, 4, WatchKind::Write));
    assert!(f.store.add_watchpoint(memory, 16, 4, WatchKind::Read));
    assert_eq!(
        f.store.invoke(run, &[Val::I32(3)]).unwrap(),
        vec![Val::I32(5)]
    );
}

#[test]
fn interrupt_from_another_thread_stops_an_infinite_loop() {
    let mut f = fixture();
    let handle = f.store.interrupt_handle();
    let spin = f.func("spin");
    f.store.start(spin, &[]).unwrap();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        handle.interrupt();
    });
    assert_eq!(f.store.resume(), Event::Paused(PauseReason::Interrupt));
    t.join().unwrap();
    assert_eq!(f.store.frames()[0].func_index, 4);
    let counter = f.store.instance_global(f.instance, 0).unwrap();
    let Val::I32(n) = f.store.global_get(counter) else {
        panic!()
    };
    assert!(n > 0);
    // Stepping still works after the interrupt patches are undone.
    assert_eq!(f.store.step(), Event::Paused(PauseReason::Step));
    f.store.abort();
    assert!(!f.store.is_paused());
}

#[test]
fn a_late_interrupt_can_be_cancelled() {
    let mut f = fixture();
    let run = f.func("sum_squares");
    f.store.start(run, &[Val::I32(10)]).unwrap();
    // An interrupt that arrives while paused would stop the next resume at once...
    f.store.interrupt_handle().interrupt();
    assert!(f.store.cancel_interrupt());
    assert!(!f.store.cancel_interrupt(), "nothing left to cancel");
    // ...unless it is cancelled: the run completes.
    assert_eq!(f.store.resume(), Event::Finished(vec![Val::I32(285)]));
}
