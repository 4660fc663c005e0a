//! The wasm-level debug interface: pausable execution, breakpoints, single steps, frames with
//! locals and operand stack, watchpoints and interrupts.
//!
//! Nothing here costs anything while unused: a breakpoint replaces one op's handler, watchpoints
//! replace the handlers of memory-access ops only while one is set, an interrupt patches the
//! function entries and loop heads only when requested. Single steps run the step-mode
//! handlers, which return to the driver after each op.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use wasmparser::{FuncToValidate, FunctionBody, Operator};

use crate::Trap;
use crate::code::{Cx, FuncBody, Handler, Next, Op};
use crate::exec::{self, Mode, Outcome};
use crate::handlers::{self, K, RUN, STEP};
use crate::module::{Module, ModuleInner};
use crate::store::{FuncInst, InstanceId, MemAddr, Store};
use crate::values::{FuncAddr, Val, ValType};

/// Why a paused execution stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum PauseReason {
    /// Before the first instruction of the called function.
    Entry,
    /// At a breakpoint (the instruction has not run yet).
    Breakpoint,
    /// After one [`Store::step`].
    Step,
    /// Stopped by an [`InterruptHandle`].
    Interrupt,
    /// After an access to watched memory.
    Watch(WatchHit),
}

/// What an execution did when resumed.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Finished(Vec<Val>),
    Trapped(Trap),
    Paused(PauseReason),
}

/// Which accesses a watchpoint reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WatchKind {
    Read,
    Write,
    /// Reads and writes.
    Access,
}

/// A watchpoint hit: the watched range, the access, and the range's bytes before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchHit {
    pub memory: MemAddr,
    pub addr: u32,
    pub len: u32,
    /// `Read` or `Write`: what the instruction did.
    pub access: WatchKind,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
    /// Module-relative offset of the accessing instruction.
    pub pc: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Watch {
    pub memory: MemAddr,
    pub addr: u32,
    pub len: u32,
    pub kind: WatchKind,
}

/// A frame of a paused execution, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    pub instance: InstanceId,
    /// Index in the module's function index space.
    pub func_index: u32,
    /// Module-relative offset of the next instruction to run (callers: the return address).
    pub pc: u32,
}

/// Debugger state of a store.
#[derive(Default)]
pub(crate) struct DebugState {
    /// Breakpoint ops by (body address, op index), with how many requests set each.
    pub breakpoints: HashMap<(usize, u32), u32>,
    pub watches: Vec<Watch>,
    pub interrupt: Arc<InterruptState>,
}

/// Shared with [`InterruptHandle`]s: the request flag and the modules whose safepoints to patch.
#[derive(Default)]
pub(crate) struct InterruptState {
    requested: AtomicBool,
    modules: Mutex<Vec<Arc<ModuleInner>>>,
}

impl InterruptState {
    /// The registered modules (a poisoned lock still holds a valid list).
    fn modules(&self) -> std::sync::MutexGuard<'_, Vec<Arc<ModuleInner>>> {
        self.modules.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Gives op `i` of every registered body for which `which` holds the handler it should have now.
fn repatch(
    debug: &DebugState,
    modules: &[Arc<ModuleInner>],
    which: impl Fn(&FuncBody, u32) -> bool,
) {
    for m in modules {
        for body in m.bodies.iter() {
            for i in 0..body.code.len() as u32 {
                if which(body, i) {
                    body.code[i as usize].h.set(desired_handler(debug, body, i));
                }
            }
        }
    }
}

/// Stops a running execution from any thread, at the next function entry or loop iteration.
#[derive(Clone)]
pub struct InterruptHandle(Arc<InterruptState>);

impl std::fmt::Debug for InterruptHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterruptHandle").finish_non_exhaustive()
    }
}

impl InterruptHandle {
    /// Requests a pause; a running [`Store::resume`] returns `Paused(Interrupt)` soon after.
    pub fn interrupt(&self) {
        self.0.requested.store(true, Ordering::SeqCst);
        let modules = self.0.modules();
        for m in modules.iter() {
            for body in m.bodies.iter() {
                for i in safepoints(body) {
                    body.code[i as usize].h.set(handlers::interrupt::<false>);
                }
            }
        }
    }
}

fn safepoints(body: &FuncBody) -> impl Iterator<Item = u32> + '_ {
    let entry = if body.code.is_empty() { None } else { Some(0) };
    entry.into_iter().chain(
        body.loop_heads
            .iter()
            .copied()
            .filter(|&i| (i as usize) < body.code.len()),
    )
}

/// Memory-access op kinds, for watchpoints.
fn is_memory_access(kind: K) -> bool {
    matches!(
        kind,
        K::i32_load
            | K::i64_load
            | K::i32_load8_s
            | K::i32_load8_u
            | K::i32_load16_s
            | K::i32_load16_u
            | K::i64_load8_s
            | K::i64_load8_u
            | K::i64_load16_s
            | K::i64_load16_u
            | K::i64_load32_s
            | K::i64_load32_u
            | K::i32_store
            | K::i64_store
            | K::store8
            | K::store16
            | K::memory_fill
            | K::memory_copy
            | K::memory_init
    )
}

/// The accesses of a memory op about to run: (address, length, is a write).
unsafe fn accesses(kind: K, op: &Op, fp: *mut u64) -> Vec<(u64, u64, bool)> {
    let slot = |i: u32| unsafe { *fp.add(i as usize) as u32 as u64 };
    let load = |n: u64| vec![(slot(op.b) + op.c, n, false)];
    let store = |n: u64| vec![(slot(op.a) + op.c, n, true)];
    match kind {
        K::i32_load8_s | K::i32_load8_u | K::i64_load8_s | K::i64_load8_u => load(1),
        K::i32_load16_s | K::i32_load16_u | K::i64_load16_s | K::i64_load16_u => load(2),
        K::i32_load | K::i64_load32_s | K::i64_load32_u => load(4),
        K::i64_load => load(8),
        K::store8 => store(1),
        K::store16 => store(2),
        K::i32_store => store(4),
        K::i64_store => store(8),
        K::memory_fill | K::memory_init => vec![(slot(op.a), slot(op.a + 2), true)],
        K::memory_copy => vec![
            (slot(op.a + 1), slot(op.a + 2), false),
            (slot(op.a), slot(op.a + 2), true),
        ],
        _ => Vec::new(),
    }
}

/// A watchpoint the op at hand is about to hit, with the watched bytes before the access.
pub(crate) struct PendingHit {
    watch: Watch,
    write: bool,
    old: Vec<u8>,
    pc: u32,
}

/// Before a memory op runs: does it touch a watched range?
unsafe fn watch_before(
    store: &Store,
    cx: &Cx,
    kind: K,
    op: &Op,
    fp: *mut u64,
) -> Option<PendingHit> {
    let watches = &store.debug.watches;
    if watches.is_empty() || !is_memory_access(kind) {
        return None;
    }
    let memory = MemAddr(*store.instances[cx.instance as usize].memories.first()?);
    for (addr, len, write) in unsafe { accesses(kind, op, fp) } {
        for w in watches.iter().filter(|w| w.memory == memory) {
            let wanted = match w.kind {
                WatchKind::Read => !write,
                WatchKind::Write => write,
                WatchKind::Access => true,
            };
            let overlaps =
                len > 0 && addr < w.addr as u64 + w.len as u64 && (w.addr as u64) < addr + len;
            if wanted && overlaps {
                let data = &store.memories[memory.0 as usize].data;
                let old = data
                    .get(w.addr as usize..(w.addr + w.len) as usize)
                    .unwrap_or_default()
                    .to_vec();
                // SAFETY: the frame stack holds the running function.
                let body = unsafe { &*cx.frames.last()?.func };
                let pc = body.offsets[body.op_index(op)];
                return Some(PendingHit {
                    watch: *w,
                    write,
                    old,
                    pc,
                });
            }
        }
    }
    None
}

/// Runs the op at `ip` with its step-mode handler (whatever handler is patched in), and
/// reports a watchpoint it hit, if it completed.
pub(crate) unsafe fn step_op(
    store: &Store,
    cx: &mut Cx,
    ip: *const Op,
    fp: *mut u64,
) -> (Next, Option<WatchHit>) {
    unsafe {
        let body = &*cx.frames.last().unwrap_unchecked().func;
        let kind = body.kinds[body.op_index(ip)];
        let pending = watch_before(store, cx, kind, &*ip, fp);
        let next = STEP[kind as usize](ip, fp, cx);
        let hit = pending
            .filter(|_| !next.ip.is_null())
            .map(|p| watch_after(store, p));
        (next, hit)
    }
}

/// After the access: the hit with the new bytes.
fn watch_after(store: &Store, hit: PendingHit) -> WatchHit {
    let w = hit.watch;
    let data = &store.memories[w.memory.0 as usize].data;
    let new = data
        .get(w.addr as usize..(w.addr + w.len) as usize)
        .unwrap_or_default()
        .to_vec();
    WatchHit {
        memory: w.memory,
        addr: w.addr,
        len: w.len,
        access: if hit.write {
            WatchKind::Write
        } else {
            WatchKind::Read
        },
        old: hit.old,
        new,
        pc: hit.pc,
    }
}

/// The handler op `i` of `body` should have now.
fn desired_handler(debug: &DebugState, body: &FuncBody, i: u32) -> Handler {
    let kind = body.kinds[i as usize];
    if debug
        .breakpoints
        .contains_key(&(body as *const FuncBody as usize, i))
    {
        handlers::breakpoint::<false>
    } else if !debug.watches.is_empty() && is_memory_access(kind) {
        handlers::watch::<false>
    } else {
        RUN[kind as usize]
    }
}

/// Undoes an interrupt's patches (keeping breakpoints and watchpoints).
pub(crate) fn restore_safepoints(store: &Store) {
    let modules = store.debug.interrupt.modules();
    for m in modules.iter() {
        for body in m.bodies.iter() {
            for i in safepoints(body) {
                body.code[i as usize]
                    .h
                    .set(desired_handler(&store.debug, body, i));
            }
        }
    }
}

/// Whether this store asked for the interrupt that stopped it (and clears the request).
pub(crate) fn take_interrupt(store: &mut Store) -> bool {
    store
        .debug
        .interrupt
        .requested
        .swap(false, Ordering::SeqCst)
}

/// Makes `module` known to interrupts (once per module).
pub(crate) fn register_module(store: &Store, module: &Arc<ModuleInner>) {
    let mut modules = store.debug.interrupt.modules();
    if !modules.iter().any(|m| Arc::ptr_eq(m, module)) {
        modules.push(module.clone());
    }
    drop(modules);
    if !store.debug.watches.is_empty() {
        repatch(&store.debug, std::slice::from_ref(module), |body, i| {
            is_memory_access(body.kinds[i as usize])
        });
    }
}

/// The frames of a paused execution, innermost first: (body, ip, fp, instance).
pub(crate) fn raw_frames(ex: &exec::Execution) -> Vec<(&FuncBody, *const Op, *mut u64, u32)> {
    let frames = &ex.cx.frames;
    let mut out = Vec::with_capacity(frames.len());
    let (mut ip, mut fp) = (ex.ip, ex.fp);
    for frame in frames.iter().rev() {
        // SAFETY: frames hold bodies of live modules.
        out.push((unsafe { &*frame.func }, ip, fp, frame.instance));
        ip = frame.ret;
        fp = frame.caller_fp;
    }
    out
}

impl Module {
    /// Finds the function and op at or after `offset` (the next instruction boundary):
    /// (body, op index).
    fn locate(&self, offset: u32) -> Option<(&FuncBody, u32)> {
        let bodies = &self.inner.bodies;
        let i = bodies
            .partition_point(|b| b.range.0 <= offset)
            .checked_sub(1)?;
        let body = &bodies[i];
        if offset >= body.range.1 {
            return None;
        }
        let op = body.offsets.partition_point(|&o| o < offset);
        (op < body.offsets.len()).then_some((body, op as u32))
    }

    /// Types of the operand stack (bottom first) before op `op` of a defined function, by
    /// validating the body again up to that instruction.
    pub fn operand_types(&self, func_index: u32, offset: u32) -> Option<Vec<ValType>> {
        let m = &self.inner;
        let defined = func_index.checked_sub(m.num_imported_funcs)? as usize;
        let body = m.bodies.get(defined)?;
        let resources = m.resources.clone()?;
        let (start, end) = body.range;
        let reader =
            wasmparser::BinaryReader::new(m.bytes.get(start as usize..end as usize)?, start as u64);
        let code = FunctionBody::new(reader);
        let to_validate = FuncToValidate {
            resources,
            index: func_index,
            ty: m.func_types[func_index as usize],
            features: crate::module::features(),
        };
        let mut v = to_validate.into_validator(Default::default());
        let mut locals = code.get_locals_reader().ok()?;
        for _ in 0..locals.get_count() {
            let pos = locals.original_position();
            let (n, ty) = locals.read().ok()?;
            v.define_locals(pos, n, ty).ok()?;
        }
        let mut ops = code.get_operators_reader().ok()?;
        while !ops.eof() {
            let (op, pos) = ops.read_with_offset().ok()?;
            if pos as u32 >= offset || matches!(op, Operator::End if ops.eof()) {
                break;
            }
            v.op(pos, &op).ok()?;
        }
        let height = v.operand_stack_height() as usize;
        Some(
            (0..height)
                .rev()
                .map(|depth| match v.get_operand_type(depth) {
                    Some(Some(t)) => ValType::from_wasmparser(t),
                    _ => ValType::I64,
                })
                .collect(),
        )
    }
}

impl Store {
    /// Starts a call of `func` and pauses before its first instruction. Host functions run to
    /// completion at once ([`Event::Finished`]).
    pub fn start(&mut self, func: FuncAddr, args: &[Val]) -> Result<Event, Trap> {
        if self.exec.as_ref().is_some_and(|ex| ex.trapped.is_some()) {
            self.abort(); // a trapped execution kept for inspection
        }
        if self.exec.is_some() {
            return Err(Trap::host("an execution is already in progress"));
        }
        self.check_args(func, args)?;
        if !self.is_wasm(func) {
            return Ok(match self.invoke(func, args) {
                Ok(v) => Event::Finished(v),
                Err(t) => Event::Trapped(t),
            });
        }
        self.exec = Some(exec::start(self, func, args)?);
        Ok(Event::Paused(PauseReason::Entry))
    }

    /// Whether an execution is paused (started, and neither finished nor trapped).
    pub fn is_paused(&self) -> bool {
        self.exec.as_ref().is_some_and(|ex| ex.trapped.is_none())
    }

    /// Runs the paused execution until it finishes, traps or pauses again.
    pub fn resume(&mut self) -> Event {
        self.advance(Mode::Run)
    }

    /// Runs one wasm instruction: a call stops at the callee's first instruction, a return at
    /// the caller's next one, a host call is one step.
    pub fn step(&mut self) -> Event {
        self.advance(Mode::Step)
    }

    fn advance(&mut self, mode: Mode) -> Event {
        let Some(mut ex) = self.exec.take() else {
            return Event::Trapped(Trap::host("no execution to resume"));
        };
        if let Some(trap) = ex.trapped.clone() {
            self.exec = Some(ex);
            return Event::Trapped(trap);
        }
        match exec::drive(self, &mut ex, mode) {
            Outcome::Finished(cells) => {
                let vals = ex
                    .results
                    .iter()
                    .zip(cells)
                    .map(|(t, c)| Val::from_cell(*t, c))
                    .collect();
                self.frames = std::mem::take(&mut ex.cx.frames);
                Event::Finished(vals)
            }
            Outcome::Trapped(trap) => {
                // Kept: frames, locals and the operand stack at the trap stay readable.
                ex.trapped = Some(trap.clone());
                self.exec = Some(ex);
                Event::Trapped(trap)
            }
            Outcome::Paused(reason) => {
                self.exec = Some(ex);
                Event::Paused(reason)
            }
        }
    }

    /// Abandons the paused execution.
    pub fn abort(&mut self) {
        if let Some(mut ex) = self.exec.take() {
            ex.cx.frames.clear();
            self.frames = std::mem::take(&mut ex.cx.frames);
        }
    }

    /// The frames of the paused execution, innermost first.
    pub fn frames(&self) -> Vec<FrameInfo> {
        let Some(ex) = &self.exec else {
            return Vec::new();
        };
        raw_frames(ex)
            .into_iter()
            .map(|(body, ip, _, instance)| FrameInfo {
                instance: InstanceId(instance),
                func_index: body.func_index,
                pc: body
                    .offsets
                    .get(body.op_index(ip))
                    .copied()
                    .unwrap_or(body.range.1),
            })
            .collect()
    }

    /// The locals (parameters first) of frame `frame` (0 = innermost).
    pub fn locals(&self, frame: usize) -> Option<Vec<Val>> {
        let ex = self.exec.as_ref()?;
        let (body, _, fp, _) = *raw_frames(ex).get(frame)?;
        Some(
            body.local_types
                .iter()
                .enumerate()
                // SAFETY: the frame's locals are its first slots.
                .map(|(i, t)| Val::from_cell(*t, unsafe { *fp.add(i) }))
                .collect(),
        )
    }

    /// Writes local `index` of frame `frame`; false if there is no such local or the type differs.
    pub fn set_local(&mut self, frame: usize, index: u32, value: Val) -> bool {
        let Some(ex) = self.exec.as_ref() else {
            return false;
        };
        let Some(&(body, _, fp, _)) = raw_frames(ex).get(frame) else {
            return false;
        };
        match body.local_types.get(index as usize) {
            Some(t) if *t == value.ty() => {
                // SAFETY: as in `locals`.
                unsafe { *fp.add(index as usize) = value.to_cell() };
                true
            }
            _ => false,
        }
    }

    /// The wasm operand stack of frame `frame`, bottom first. Callers show the values below the
    /// arguments of the call they are in.
    pub fn operand_stack(&self, frame: usize) -> Option<Vec<Val>> {
        let ex = self.exec.as_ref()?;
        let frames = raw_frames(ex);
        let (body, ip, fp, instance) = *frames.get(frame)?;
        let (op, height) = if frame == 0 {
            let i = body.op_index(ip);
            (i, *body.heights.get(i)? as usize)
        } else {
            // Paused inside a call: the caller's stack below the callee's arguments.
            let i = body.op_index(ip).checked_sub(1)?;
            let (callee, ..) = frames[frame - 1];
            (
                i,
                (body.heights[i] as usize).saturating_sub(callee.num_params as usize),
            )
        };
        let module = Module {
            inner: self.instances[instance as usize].module.clone(),
        };
        let types = module
            .operand_types(body.func_index, body.offsets[op])
            .unwrap_or_default();
        Some(
            (0..height)
                .map(|h| {
                    let ty = types.get(h).copied().unwrap_or(ValType::I64);
                    // SAFETY: operand-stack values live above the locals.
                    Val::from_cell(ty, unsafe { *fp.add(body.num_locals as usize + h) })
                })
                .collect(),
        )
    }

    /// Sets a breakpoint at the instruction at or after `offset` in `module` (which must have
    /// been loaded into this store to be hit); returns the offset it landed at.
    pub fn add_breakpoint(&mut self, module: &Module, offset: u32) -> Option<u32> {
        let (body, op) = module.locate(offset)?;
        *self
            .debug
            .breakpoints
            .entry((body as *const FuncBody as usize, op))
            .or_insert(0) += 1;
        body.code[op as usize]
            .h
            .set(desired_handler(&self.debug, body, op));
        Some(body.offsets[op as usize])
    }

    /// Removes one breakpoint request at `offset` (as passed to [`Store::add_breakpoint`]).
    pub fn remove_breakpoint(&mut self, module: &Module, offset: u32) -> bool {
        let Some((body, op)) = module.locate(offset) else {
            return false;
        };
        let key = (body as *const FuncBody as usize, op);
        match self.debug.breakpoints.get_mut(&key) {
            Some(n) if *n > 1 => *n -= 1,
            Some(_) => {
                self.debug.breakpoints.remove(&key);
            }
            None => return false,
        }
        body.code[op as usize]
            .h
            .set(desired_handler(&self.debug, body, op));
        true
    }

    /// Removes every breakpoint.
    pub fn clear_breakpoints(&mut self) {
        let keys: Vec<(usize, u32)> = self.debug.breakpoints.drain().map(|(k, _)| k).collect();
        let modules = self.debug.interrupt.modules().clone();
        repatch(&self.debug, &modules, |body, i| {
            keys.contains(&(body as *const FuncBody as usize, i))
        });
    }

    /// Watches `len` bytes at `addr` of `memory`.
    pub fn add_watchpoint(
        &mut self,
        memory: MemAddr,
        addr: u32,
        len: u32,
        kind: WatchKind,
    ) -> bool {
        if len == 0 || (memory.0 as usize) >= self.memories.len() || addr.checked_add(len).is_none()
        {
            return false;
        }
        let first = self.debug.watches.is_empty();
        self.debug.watches.push(Watch {
            memory,
            addr,
            len,
            kind,
        });
        if first {
            self.repatch_all_memory_ops();
        }
        true
    }

    /// Removes a watchpoint added with the same arguments.
    pub fn remove_watchpoint(
        &mut self,
        memory: MemAddr,
        addr: u32,
        len: u32,
        kind: WatchKind,
    ) -> bool {
        let w = Watch {
            memory,
            addr,
            len,
            kind,
        };
        let Some(i) = self.debug.watches.iter().position(|x| *x == w) else {
            return false;
        };
        self.debug.watches.remove(i);
        if self.debug.watches.is_empty() {
            self.repatch_all_memory_ops();
        }
        true
    }

    fn repatch_all_memory_ops(&self) {
        let modules = self.debug.interrupt.modules().clone();
        repatch(&self.debug, &modules, |body, i| {
            is_memory_access(body.kinds[i as usize])
        });
    }

    /// A handle that interrupts this store's executions from any thread.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.debug.interrupt.clone())
    }

    /// Drops an interrupt request that arrived after the execution had already stopped, so
    /// that the next [`Store::resume`] does not pause at once. Returns whether one was pending.
    pub fn cancel_interrupt(&mut self) -> bool {
        let pending = take_interrupt(self);
        if pending {
            restore_safepoints(self);
        }
        pending
    }

    /// Linear memory 0 of an instance.
    pub fn instance_memory(&self, instance: InstanceId) -> Option<MemAddr> {
        self.instances
            .get(instance.0 as usize)?
            .memories
            .first()
            .map(|&m| MemAddr(m))
    }

    /// Global `index` of an instance (its global index space, imports first).
    pub fn instance_global(&self, instance: InstanceId, index: u32) -> Option<crate::GlobalAddr> {
        self.instances
            .get(instance.0 as usize)?
            .globals
            .get(index as usize)
            .map(|&g| crate::GlobalAddr(g))
    }

    /// The function at `index` of table `table` of an instance, as (instance, function
    /// index): what a C function pointer names. None for null, non-funcref or out of bounds.
    pub fn table_function(
        &self,
        instance: InstanceId,
        table: u32,
        index: u32,
    ) -> Option<(InstanceId, u32)> {
        let inst = self.instances.get(instance.0 as usize)?;
        let t = self
            .tables
            .get(*inst.tables.get(table as usize)? as usize)?;
        if t.ty != ValType::FuncRef {
            return None;
        }
        let addr = t.elems.get(index as usize)?.checked_sub(1)?;
        let FuncInst::Wasm {
            instance: owner, ..
        } = self.funcs.get(addr as usize)?
        else {
            return None;
        };
        let owner_inst = self.instances.get(*owner as usize)?;
        let func = owner_inst.funcs.iter().position(|f| f.0 as u64 == addr)?;
        Some((InstanceId(*owner), func as u32))
    }

    /// All instances, in creation order.
    pub fn instances(&self) -> Vec<InstanceId> {
        (0..self.instances.len() as u32).map(InstanceId).collect()
    }
}
