//! A scripted fake program: two module instances, a call stack, locals, globals, operand-stack
//! values and linear memory; `resume`/`step` play queued stops.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Condvar, Mutex},
    time::Duration,
};

use wdb_gdb::{CodeLoc, ModuleImage, StopReason, WasmTarget, WatchKind};

/// One scripted stop.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// Return this reason; the call stack becomes `stack` if given.
    Stop(StopReason, Option<Vec<CodeLoc>>),
    /// Block until the interrupter is called, then return `Interrupt`.
    UntilInterrupted,
}

#[derive(Debug, Default)]
struct Interrupt {
    requested: Mutex<bool>,
    cond: Condvar,
}

pub struct Mock {
    pub modules: Vec<ModuleImage>,
    pub stack: Vec<CodeLoc>,
    pub locals: HashMap<(usize, u32), Vec<u8>>,
    pub globals: HashMap<(usize, u32), Vec<u8>>,
    pub stack_values: HashMap<(usize, u32), Vec<u8>>,
    pub memory: HashMap<u32, Vec<u8>>,
    pub script: VecDeque<Scripted>,
    /// Every call that changes state, in order ("resume", "add_breakpoint 0:0x190", ...).
    pub log: Vec<String>,
    pub killed: bool,
    interrupt: Arc<Interrupt>,
}

pub fn loc(instance: u32, offset: u32) -> CodeLoc {
    CodeLoc { instance, offset }
}

/// The bytes of module instance 0: a wasm header and 0x300 bytes of pattern.
pub fn app_bytes() -> Vec<u8> {
    let mut b = b"\0asm\x01\0\0\0".to_vec();
    b.extend((0..0x300u32).map(|i| (i * 7 % 251) as u8));
    b
}

/// The bytes of module instance 1.
pub fn lib_bytes() -> Vec<u8> {
    let mut b = b"\0asm\x01\0\0\0".to_vec();
    b.extend(std::iter::repeat_n(0xab, 0x100));
    b
}

pub const APP: &str = "/nonexistent/wdb-gdb-test/app.wasm";
pub const LIB: &str = "lib.wasm";

impl Mock {
    pub fn new() -> Mock {
        let mut memory0 = vec![0u8; 0x2_0000];
        memory0[0x1000..0x1005].copy_from_slice(b"hello");
        Mock {
            modules: vec![
                ModuleImage {
                    instance: 0,
                    name: APP.into(),
                    bytes: app_bytes().into(),
                },
                ModuleImage {
                    instance: 1,
                    name: LIB.into(),
                    bytes: lib_bytes().into(),
                },
            ],
            stack: vec![loc(0, 0x19c), loc(0, 0x1e5), loc(1, 0x1fe)],
            locals: HashMap::from([
                ((0, 0), 0x103e0u32.to_le_bytes().to_vec()),
                ((0, 2), 0x1122_3344_5566_7788u64.to_le_bytes().to_vec()),
                ((1, 1), 2.5f64.to_le_bytes().to_vec()),
            ]),
            globals: HashMap::from([
                ((0, 0), 0xffff30u32.to_le_bytes().to_vec()),
                ((1, 0), 0xffff30u32.to_le_bytes().to_vec()),
                ((2, 0), 0x42u32.to_le_bytes().to_vec()),
            ]),
            stack_values: HashMap::from([
                ((0, 0), 1u32.to_le_bytes().to_vec()),
                ((0, 1), 2u64.to_le_bytes().to_vec()),
            ]),
            memory: HashMap::from([(0, memory0)]),
            script: VecDeque::new(),
            log: Vec::new(),
            killed: false,
            interrupt: Arc::default(),
        }
    }

    pub fn with_script(mut self, script: impl IntoIterator<Item = Scripted>) -> Mock {
        self.script.extend(script);
        self
    }

    fn next_stop(&mut self) -> StopReason {
        match self.script.pop_front() {
            None => StopReason::Exited(0),
            Some(Scripted::Stop(reason, stack)) => {
                if let Some(stack) = stack {
                    self.stack = stack;
                }
                reason
            }
            Some(Scripted::UntilInterrupted) => {
                let mut requested = self.interrupt.requested.lock().unwrap();
                let deadline = std::time::Instant::now() + Duration::from_secs(20);
                while !*requested {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    if left.is_zero() {
                        return StopReason::Exited(99);
                    }
                    requested = self.interrupt.cond.wait_timeout(requested, left).unwrap().0;
                }
                *requested = false;
                StopReason::Interrupt
            }
        }
    }
}

impl WasmTarget for Mock {
    fn modules(&self) -> Vec<ModuleImage> {
        self.modules.clone()
    }

    fn call_stack(&self) -> Vec<CodeLoc> {
        self.stack.clone()
    }

    fn local(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.locals.get(&(frame, index)).cloned()
    }

    fn global(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.globals.get(&(frame, index)).cloned()
    }

    fn stack_value(&self, frame: usize, index: u32) -> Option<Vec<u8>> {
        self.stack_values.get(&(frame, index)).cloned()
    }

    fn read_memory(&self, instance: u32, addr: u32, buf: &mut [u8]) -> usize {
        let Some(mem) = self.memory.get(&instance) else {
            return 0;
        };
        let start = (addr as usize).min(mem.len());
        let n = (mem.len() - start).min(buf.len());
        buf[..n].copy_from_slice(&mem[start..start + n]);
        n
    }

    fn write_memory(&mut self, instance: u32, addr: u32, data: &[u8]) -> bool {
        let Some(mem) = self.memory.get_mut(&instance) else {
            return false;
        };
        let start = addr as usize;
        match mem.get_mut(start..start + data.len()) {
            Some(dst) => {
                dst.copy_from_slice(data);
                true
            }
            None => false,
        }
    }

    fn add_breakpoint(&mut self, loc: CodeLoc) -> bool {
        let has_code = self
            .modules
            .iter()
            .any(|m| m.instance == loc.instance && (loc.offset as usize) < m.bytes.len());
        if has_code {
            self.log
                .push(format!("add_breakpoint {}:{:#x}", loc.instance, loc.offset));
        }
        has_code
    }

    fn remove_breakpoint(&mut self, loc: CodeLoc) -> bool {
        self.log.push(format!(
            "remove_breakpoint {}:{:#x}",
            loc.instance, loc.offset
        ));
        true
    }

    fn add_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool {
        if !self.memory.contains_key(&instance) {
            return false;
        }
        self.log.push(format!(
            "add_watchpoint {instance}:{addr:#x}+{len} {kind:?}"
        ));
        true
    }

    fn remove_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool {
        self.log.push(format!(
            "remove_watchpoint {instance}:{addr:#x}+{len} {kind:?}"
        ));
        true
    }

    fn resume(&mut self) -> StopReason {
        self.log.push("resume".into());
        self.next_stop()
    }

    fn step(&mut self) -> StopReason {
        self.log.push("step".into());
        self.next_stop()
    }

    fn interrupter(&self) -> Arc<dyn Fn() + Send + Sync> {
        let interrupt = self.interrupt.clone();
        Arc::new(move || {
            *interrupt.requested.lock().unwrap() = true;
            interrupt.cond.notify_all();
        })
    }

    fn kill(&mut self) {
        self.log.push("kill".into());
        self.killed = true;
    }
}
