//! A WASI program under the debugger, at the wasm level.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use wdb_engine::{
    Event, Extern, InstanceId, InterruptHandle, Linker, MemAddr, Module, PauseReason, Store, Trap,
    TrapKind, Val, WatchHit, WatchKind,
};

use crate::Error;

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct LaunchConfig {
    pub program: PathBuf,
    /// Arguments after argv[0] (argv[0] is the program path).
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Preopened directories: (host path, guest path).
    pub dirs: Vec<(String, String)>,
    /// Nested call limit (0: the engine's default).
    pub max_call_depth: usize,
}

/// Why the debuggee stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// Launched, before the first instruction of `_start`.
    Entry,
    Breakpoint,
    Step,
    Interrupt,
    Watch(WatchHit),
    /// A trap ended the program; the message and the wasm backtrace stay inspectable.
    Trapped(Trap),
    /// The program exited with this code.
    Exited(i32),
}

/// A module as loaded: its instance and its original bytes.
#[derive(Debug, Clone)]
pub struct ModuleImage {
    pub instance: u32,
    pub name: String,
    pub bytes: Arc<[u8]>,
}

/// A frame of the paused program, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub instance: u32,
    pub func_index: u32,
    /// Module-relative offset of the next instruction (callers: the return address).
    pub pc: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Paused,
    Ended(Stop),
}

/// A launched program.
pub struct Debuggee {
    store: Store,
    module: Module,
    instance: InstanceId,
    image: ModuleImage,
    wasi: Rc<RefCell<wdb_wasi::WasiCtx>>,
    state: State,
}

impl std::fmt::Debug for Debuggee {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Debuggee")
            .field("program", &self.image.name)
            .field("state", &self.state)
            .finish()
    }
}

impl Debuggee {
    /// Loads, instantiates and starts the program, paused before its first instruction.
    pub fn launch(config: &LaunchConfig) -> Result<Debuggee, Error> {
        Self::launch_with(config, wdb_wasi::WasiCtx::builder())
    }

    /// Like [`Debuggee::launch`], with a WASI builder prepared by the caller (e.g. captured
    /// stdio).
    pub fn launch_with(
        config: &LaunchConfig,
        mut wasi: wdb_wasi::WasiCtxBuilder,
    ) -> Result<Debuggee, Error> {
        let path = config.program.display().to_string();
        let bytes = std::fs::read(&config.program).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let module = Module::new(bytes).map_err(|source| Error::Load {
            path: path.clone(),
            source,
        })?;
        let mut argv = vec![path.clone()];
        argv.extend(config.args.iter().cloned());
        wasi = wasi.args(&argv);
        for (k, v) in &config.env {
            wasi = wasi.env(k, v);
        }
        for (host, guest) in &config.dirs {
            wasi = wasi.preopen_dir(host, guest)?;
        }
        let wasi = Rc::new(RefCell::new(wasi.build()));
        let mut store = Store::new();
        if config.max_call_depth > 0 {
            store.set_max_call_depth(config.max_call_depth);
        }
        let mut linker = Linker::new();
        wdb_wasi::add_to_linker(&mut linker, wasi.clone());
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|source| Error::Load {
                path: path.clone(),
                source,
            })?;
        let start = store
            .export(instance, "_start")
            .and_then(Extern::into_func)
            .ok_or_else(|| Error::Launch(format!("{path} has no `_start` function")))?;
        let image = ModuleImage {
            instance: instance.index(),
            name: path,
            bytes: module.bytes().into(),
        };
        let mut debuggee = Debuggee {
            store,
            module,
            instance,
            image,
            wasi,
            state: State::Paused,
        };
        let first = debuggee
            .store
            .start(start, &[])
            .map_err(|t| Error::Launch(t.to_string()))?;
        debuggee.settle(first);
        Ok(debuggee)
    }

    /// Records how an event leaves the program and converts it to a [`Stop`].
    fn settle(&mut self, event: Event) -> Stop {
        let stop = match event {
            Event::Paused(reason) => match reason {
                PauseReason::Entry => Stop::Entry,
                PauseReason::Breakpoint => Stop::Breakpoint,
                PauseReason::Step => Stop::Step,
                PauseReason::Interrupt => Stop::Interrupt,
                PauseReason::Watch(hit) => Stop::Watch(hit),
            },
            Event::Finished(_) => Stop::Exited(0),
            Event::Trapped(trap) => match trap.kind {
                TrapKind::Exit(code) => Stop::Exited(code),
                _ => Stop::Trapped(trap),
            },
        };
        if matches!(stop, Stop::Exited(_) | Stop::Trapped(_)) {
            let _ = self.wasi.borrow_mut().flush(); // a closed stdout must not hide the stop
            self.state = State::Ended(stop.clone());
        }
        stop
    }

    /// The stop that ended the program, if it has ended.
    pub fn ended(&self) -> Option<&Stop> {
        match &self.state {
            State::Ended(stop) => Some(stop),
            State::Paused => None,
        }
    }

    /// Runs until the next stop.
    pub fn resume(&mut self) -> Stop {
        if let State::Ended(stop) = &self.state {
            return stop.clone();
        }
        let event = self.store.resume();
        self.settle(event)
    }

    /// Runs one wasm instruction.
    pub fn step(&mut self) -> Stop {
        if let State::Ended(stop) = &self.state {
            return stop.clone();
        }
        let event = self.store.step();
        self.settle(event)
    }

    /// Ends the program now.
    pub fn kill(&mut self) {
        self.store.abort();
        let _ = self.wasi.borrow_mut().flush();
        if self.ended().is_none() {
            self.state = State::Ended(Stop::Exited(137));
        }
    }

    /// Handle to interrupt [`Debuggee::resume`] from another thread.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.store.interrupt_handle()
    }

    /// Drops an interrupt that came after the program had stopped (see
    /// [`Store::cancel_interrupt`](wdb_engine::Store::cancel_interrupt)).
    pub fn cancel_interrupt(&mut self) -> bool {
        self.store.cancel_interrupt()
    }

    /// The loaded modules (one: the program).
    pub fn modules(&self) -> Vec<ModuleImage> {
        vec![self.image.clone()]
    }

    /// The name of a function of the program, from the name section.
    pub fn func_name(&self, func_index: u32) -> Option<&str> {
        self.module.func_name(func_index)
    }

    /// The module offset of the first instruction of the function named `name`.
    pub fn func_entry(&self, name: &str) -> Option<u32> {
        let index = self.module.func_index(name)?;
        Some(self.module.instruction_map(index)?.first()?.0)
    }

    /// Frames, innermost first (empty once the program ended).
    pub fn frames(&self) -> Vec<Frame> {
        self.store
            .frames()
            .into_iter()
            .map(|f| Frame {
                instance: f.instance.index(),
                func_index: f.func_index,
                pc: f.pc,
            })
            .collect()
    }

    pub fn locals(&self, frame: usize) -> Option<Vec<Val>> {
        self.store.locals(frame)
    }

    pub fn set_local(&mut self, frame: usize, index: u32, value: Val) -> bool {
        self.store.set_local(frame, index, value)
    }

    /// Operand stack of a frame, bottom first.
    pub fn operand_stack(&self, frame: usize) -> Option<Vec<Val>> {
        self.store.operand_stack(frame)
    }

    /// Global `index` of the instance of frame `frame`.
    pub fn global(&self, frame: usize, index: u32) -> Option<Val> {
        let instance = self.frame_instance(frame);
        Some(
            self.store
                .global_get(self.store.instance_global(instance, index)?),
        )
    }

    /// The instance of frame `frame` (the program's when there is no such frame).
    fn frame_instance(&self, frame: usize) -> InstanceId {
        self.store
            .frames()
            .get(frame)
            .map_or(self.instance, |f| f.instance)
    }

    /// The instance numbered `instance`.
    fn instance_id(&self, instance: u32) -> Option<InstanceId> {
        self.store
            .instances()
            .into_iter()
            .find(|i| i.index() == instance)
    }

    fn memory(&self, instance: u32) -> Option<MemAddr> {
        self.store.instance_memory(self.instance_id(instance)?)
    }

    /// Size in bytes of linear memory 0 of `instance` (0 without one).
    pub fn memory_size(&self, instance: u32) -> u64 {
        self.memory(instance)
            .map_or(0, |m| self.store.memory(m).len() as u64)
    }

    /// Reads linear memory; returns how many bytes were available.
    pub fn read_memory(&self, instance: u32, addr: u32, buf: &mut [u8]) -> usize {
        let Some(mem) = self.memory(instance) else {
            return 0;
        };
        let data = self.store.memory(mem);
        let start = (addr as usize).min(data.len());
        let n = buf.len().min(data.len() - start);
        buf[..n].copy_from_slice(&data[start..start + n]);
        n
    }

    /// Writes linear memory; false if the range is not inside it.
    pub fn write_memory(&mut self, instance: u32, addr: u32, bytes: &[u8]) -> bool {
        let Some(mem) = self.memory(instance) else {
            return false;
        };
        let data = self.store.memory_mut(mem);
        match data.get_mut(addr as usize..addr as usize + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                true
            }
            None => false,
        }
    }

    /// The function a C function pointer (an index into table 0) names.
    pub fn table_function(&self, instance: u32, index: u32) -> Option<u32> {
        let id = self.instance_id(instance)?;
        let (owner, func) = self.store.table_function(id, 0, index)?;
        (owner == id).then_some(func)
    }

    /// Writes global `index` of the instance of frame `frame`.
    pub fn set_global(&mut self, frame: usize, index: u32, value: Val) -> bool {
        let instance = self.frame_instance(frame);
        match self.store.instance_global(instance, index) {
            Some(g) => {
                self.store.global_set(g, value);
                true
            }
            None => false,
        }
    }

    /// Writes out what the program printed so far.
    pub fn flush_output(&self) {
        let _ = self.wasi.borrow_mut().flush();
    }

    fn module_of(&self, instance: u32) -> Option<&Module> {
        (instance == self.instance.index()).then_some(&self.module)
    }

    /// Sets a breakpoint at a module offset (sliding to the next instruction); returns where.
    pub fn add_breakpoint(&mut self, instance: u32, offset: u32) -> Option<u32> {
        let module = self.module_of(instance)?.clone();
        self.store.add_breakpoint(&module, offset)
    }

    pub fn remove_breakpoint(&mut self, instance: u32, offset: u32) -> bool {
        let Some(module) = self.module_of(instance).cloned() else {
            return false;
        };
        self.store.remove_breakpoint(&module, offset)
    }

    pub fn clear_breakpoints(&mut self) {
        self.store.clear_breakpoints();
    }

    pub fn add_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool {
        let Some(mem) = self.memory(instance) else {
            return false;
        };
        self.store.add_watchpoint(mem, addr, len, kind)
    }

    pub fn remove_watchpoint(
        &mut self,
        instance: u32,
        addr: u32,
        len: u32,
        kind: WatchKind,
    ) -> bool {
        let Some(mem) = self.memory(instance) else {
            return false;
        };
        self.store.remove_watchpoint(mem, addr, len, kind)
    }
}
