//! The driver: enters wasm code, runs the handler chain and does what handlers leave to it
//! (host calls, calls into other instances, returns to the host, traps).

#[cfg(not(wdb_tail))]
use crate::code::Next;
use crate::code::{Cx, Exit, FrameKind, Op};
use crate::debug::{self, PauseReason};
use crate::handlers;
use crate::store::{Caller, FuncInst, Store};
use crate::trap::TrapCode;
use crate::values::{FuncAddr, Val, ValType};
use crate::{Trap, TrapFrame, TrapKind};

/// Runs the handler chain from `ip` until a handler leaves it.
///
/// # Safety
/// `ip` and `fp` must be a valid op and frame of the code `cx` describes.
#[inline(never)]
unsafe fn execute(ip: *const Op, fp: *mut u64, cx: &mut Cx) {
    #[cfg(wdb_tail)]
    unsafe {
        ((*ip).h.get())(ip, fp, cx);
    }
    #[cfg(not(wdb_tail))]
    unsafe {
        let mut next = Next { ip, fp };
        while !next.ip.is_null() {
            next = ((*next.ip).h.get())(next.ip, next.fp, cx);
        }
    }
}

/// Points `cx` at the hot data of `instance`.
pub(crate) fn load_instance(cx: &mut Cx, store: &mut Store, instance: u32) {
    let inst = &store.instances[instance as usize];
    cx.instance = instance;
    cx.globals = inst.global_ptrs.as_ptr();
    cx.funcs = inst.funcs.as_ptr();
    match inst.memories.first() {
        Some(&m) => {
            let mem = &mut store.memories[m as usize].data;
            cx.mem = mem.as_mut_ptr();
            cx.mem_len = mem.len() as u64;
        }
        None => {
            cx.mem = std::ptr::null_mut();
            cx.mem_len = 0;
        }
    }
}

/// A call from the host into wasm that can pause and resume: the interpreter's registers,
/// its frames, and where to continue.
pub(crate) struct Execution {
    pub cx: Cx,
    pub ip: *const Op,
    pub fp: *mut u64,
    /// Result types of the entry function.
    pub results: Vec<ValType>,
    /// The execution ended with this trap; its frames stay for post-mortem inspection
    /// until the store aborts it or starts another.
    pub trapped: Option<Trap>,
}

/// How far the driver runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Until the call returns, traps or pauses.
    Run,
    /// One wasm instruction.
    Step,
}

/// Why the driver stopped.
pub(crate) enum Outcome {
    Finished(Vec<u64>),
    Trapped(Trap),
    Paused(PauseReason),
}

/// Prepares a call of the wasm function `func`: the execution is paused before its first
/// instruction.
pub(crate) fn start(
    store: &mut Store,
    func: FuncAddr,
    args: &[Val],
) -> Result<Box<Execution>, Trap> {
    let FuncInst::Wasm { instance, body, .. } = store.funcs[func.0 as usize] else {
        unreachable!("host functions are called by Store::invoke")
    };
    if store.stack.len() != store.stack_slots {
        store.stack = vec![0; store.stack_slots];
    }
    let mut frames = std::mem::take(&mut store.frames);
    frames.clear();
    frames.reserve(store.max_frames.min(1 << 16));
    let base = store.stack.as_mut_ptr();
    for (i, a) in args.iter().enumerate() {
        store.stack[i] = a.to_cell();
    }
    let results = store.func_type(func).results;
    let mut cx = Cx {
        mem: std::ptr::null_mut(),
        mem_len: 0,
        globals: std::ptr::null(),
        funcs: std::ptr::null(),
        instance,
        frames,
        max_frames: store.max_frames,
        // SAFETY: one past the end of the stack.
        stack_end: unsafe { base.add(store.stack.len()) },
        store,
        exit: Exit::None,
        exit_ip: std::ptr::null(),
        exit_fp: base,
        fuel: store.fuel,
        watch_hit: None,
    };
    load_instance(&mut cx, store, instance);
    // SAFETY: the body belongs to a live module; `enter` checks the stack has room.
    let fp =
        unsafe { handlers::enter(std::ptr::null(), base, &mut cx, &*body, 0, FrameKind::Entry) }
            .map_err(|code| Trap::new(code.kind(cx.max_frames)))?;
    // SAFETY: `enter` pushed the entry frame.
    unsafe { cx.frames.last_mut().unwrap_unchecked().instance = instance };
    // SAFETY: as above.
    let ip = unsafe { (*body).code.as_ptr() };
    Ok(Box::new(Execution {
        cx,
        ip,
        fp,
        results,
        trapped: None,
    }))
}

/// Continues `ex` until it finishes, traps or pauses (after one instruction in `Mode::Step`).
pub(crate) fn drive(store: &mut Store, ex: &mut Execution, mode: Mode) -> Outcome {
    ex.cx.store = store;
    ex.cx.fuel = store.fuel;
    let instance = ex.cx.instance;
    load_instance(&mut ex.cx, store, instance);
    // SAFETY: `ex` holds a valid paused position of code owned by the store's modules.
    let outcome = unsafe { drive_inner(store, ex, mode) };
    store.fuel = ex.cx.fuel;
    outcome
}

/// What the driver does after a handler left the chain.
enum Flow {
    Continue(*const Op, *mut u64),
    Stop(Outcome),
}

unsafe fn drive_inner(store: *mut Store, ex: &mut Execution, mode: Mode) -> Outcome {
    unsafe {
        let cx = &mut ex.cx;
        let (mut ip, mut fp) = (ex.ip, ex.fp);
        // The op we are paused at may be patched (e.g. the breakpoint we stopped at): it always
        // runs in step mode, which ignores patches.
        let mut step = true;
        loop {
            let flow = if step {
                step = false;
                let (next, hit) = debug::step_op(&*store, cx, ip, fp);
                if next.ip.is_null() {
                    exit_flow(store, cx)
                } else if let Some(hit) = hit {
                    cx.exit_ip = next.ip;
                    cx.exit_fp = next.fp;
                    Flow::Stop(Outcome::Paused(PauseReason::Watch(hit)))
                } else if mode == Mode::Step {
                    cx.exit_ip = next.ip;
                    cx.exit_fp = next.fp;
                    Flow::Stop(Outcome::Paused(PauseReason::Step))
                } else {
                    Flow::Continue(next.ip, next.fp)
                }
            } else {
                execute(ip, fp, cx);
                exit_flow(store, cx)
            };
            match flow {
                Flow::Continue(i, f) => {
                    ip = i;
                    fp = f;
                    if mode == Mode::Step {
                        // A host call or a return across instances completed the step.
                        ex.ip = ip;
                        ex.fp = fp;
                        return Outcome::Paused(PauseReason::Step);
                    }
                }
                Flow::Stop(outcome) => {
                    if let Outcome::Paused(PauseReason::Interrupt) = outcome
                        && !debug::take_interrupt(&mut *store)
                    {
                        // Another store's interrupt patched shared code: not ours, go on.
                        ip = cx.exit_ip;
                        fp = cx.exit_fp;
                        step = true;
                        continue;
                    }
                    ex.ip = cx.exit_ip;
                    ex.fp = cx.exit_fp;
                    return outcome;
                }
            }
        }
    }
}

/// Handles the reason a handler left the chain with.
unsafe fn exit_flow(store: *mut Store, cx: &mut Cx) -> Flow {
    unsafe {
        match std::mem::replace(&mut cx.exit, Exit::None) {
            Exit::None => unreachable!("handler left without a reason"),
            Exit::Return => {
                let frame = cx.frames.pop().unwrap_unchecked();
                if frame.kind == FrameKind::Entry {
                    let body = &*frame.func;
                    let results = std::slice::from_raw_parts(cx.exit_fp, body.num_results as usize);
                    return Flow::Stop(Outcome::Finished(results.to_vec()));
                }
                // Back from another instance.
                let caller = cx.frames.last().map_or(cx.instance, |f| f.instance);
                load_instance(cx, &mut *store, caller);
                Flow::Continue(frame.ret, frame.caller_fp)
            }
            Exit::Trap(code) => {
                let kind = code.kind(cx.max_frames);
                Flow::Stop(Outcome::Trapped(trap_with_frames(cx, &*store, kind)))
            }
            Exit::Breakpoint => Flow::Stop(Outcome::Paused(PauseReason::Breakpoint)),
            Exit::Interrupt => {
                debug::restore_safepoints(&*store);
                Flow::Stop(Outcome::Paused(PauseReason::Interrupt))
            }
            Exit::Watch => match cx.watch_hit.take() {
                Some(hit) => Flow::Stop(Outcome::Paused(PauseReason::Watch(hit))),
                None => Flow::Continue(cx.exit_ip, cx.exit_fp),
            },
            Exit::Call { addr, base } => call_from_driver(store, cx, addr, base),
        }
    }
}

/// Calls a host function or enters a function of another instance for a `call` op at
/// `cx.exit_ip`.
unsafe fn call_from_driver(store: *mut Store, cx: &mut Cx, addr: FuncAddr, base: u32) -> Flow {
    unsafe {
        let call_ip = cx.exit_ip;
        let caller_fp = cx.exit_fp;
        match &(&(*store).funcs)[addr.0 as usize] {
            FuncInst::Host { ty, f, .. } => {
                let (f, ty) = (f.clone(), ty.clone());
                let args_ptr = caller_fp.add(base as usize);
                let args: Vec<Val> = ty
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, t)| Val::from_cell(*t, *args_ptr.add(i)))
                    .collect();
                let mut results: Vec<Val> =
                    ty.results.iter().map(|t| Val::default_for(*t)).collect();
                let outcome = f(
                    &mut Caller {
                        store: &mut *store,
                        instance: Some(cx.instance),
                    },
                    &args,
                    &mut results,
                );
                load_instance(cx, &mut *store, cx.instance);
                if let Err(mut trap) = outcome {
                    let with_frames = trap_with_frames(cx, &*store, trap.kind.clone());
                    trap.frames = with_frames.frames;
                    return Flow::Stop(Outcome::Trapped(trap));
                }
                for (i, r) in results.iter().enumerate() {
                    *args_ptr.add(i) = r.to_cell();
                }
                Flow::Continue(call_ip.add(1), caller_fp)
            }
            FuncInst::Wasm {
                instance: callee_instance,
                body,
                ..
            } => {
                let (callee_instance, body) = (*callee_instance, &**body);
                match handlers::enter(call_ip, caller_fp, cx, body, base, FrameKind::CrossInstance)
                {
                    Ok(new_fp) => {
                        cx.frames.last_mut().unwrap_unchecked().instance = callee_instance;
                        load_instance(cx, &mut *store, callee_instance);
                        Flow::Continue(body.code.as_ptr(), new_fp)
                    }
                    Err(code) => {
                        let kind = code.kind(cx.max_frames);
                        Flow::Stop(Outcome::Trapped(trap_with_frames(cx, &*store, kind)))
                    }
                }
            }
        }
    }
}

/// Builds the wasm backtrace of a trap at `cx.exit_ip`. The frames stay (post-mortem
/// inspection); `Store::abort` or the next `Store::start` drops them.
fn trap_with_frames(cx: &mut Cx, store: &Store, kind: TrapKind) -> Trap {
    let mut frames = Vec::new();
    let mut ip = cx.exit_ip;
    for frame in cx.frames.iter().rev() {
        // SAFETY: frames only hold bodies of live modules.
        let body = unsafe { &*frame.func };
        let offset = if ip.is_null() {
            0
        } else {
            let i = body.op_index(ip).min(body.offsets.len().saturating_sub(1));
            body.offsets.get(i).copied().unwrap_or(0)
        };
        let module = &store.instances[frame.instance as usize].module;
        frames.push(TrapFrame {
            instance: crate::InstanceId(frame.instance),
            func_index: body.func_index,
            func_name: module.func_names.get(&body.func_index).cloned(),
            offset,
        });
        if frame.kind == FrameKind::Entry {
            break;
        }
        // The caller stopped at its call op, one before the return address.
        ip = frame.ret.wrapping_sub(1);
    }
    Trap { kind, frames }
}

/// Operations that need the store. Each gets the op and the frame; slots as documented at the
/// translation of its instruction.
pub(crate) mod cold {
    use super::*;

    type R = Result<(), TrapCode>;

    fn store(cx: &mut Cx) -> &mut Store {
        // SAFETY: the store outlives the execution and nothing else touches it meanwhile.
        unsafe { &mut *cx.store }
    }

    unsafe fn get(fp: *mut u64, slot: u32, i: u32) -> u64 {
        unsafe { *fp.add(slot as usize + i as usize) }
    }

    unsafe fn set(fp: *mut u64, slot: u32, v: u64) {
        unsafe { *fp.add(slot as usize) = v }
    }

    fn range(start: u64, len: u64, size: usize) -> Option<std::ops::Range<usize>> {
        let end = start.checked_add(len)?;
        if end > size as u64 {
            None
        } else {
            Some(start as usize..end as usize)
        }
    }

    fn memory(cx: &mut Cx) -> &mut crate::store::MemInst {
        let instance = cx.instance as usize;
        let s = store(cx);
        let m = s.instances[instance].memories[0] as usize;
        &mut s.memories[m]
    }

    fn table(cx: &mut Cx, index: u32) -> &mut crate::store::TableInst {
        let instance = cx.instance as usize;
        let s = store(cx);
        let t = s.instances[instance].tables[index as usize] as usize;
        &mut s.tables[t]
    }

    pub(crate) unsafe fn memory_size(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        unsafe { set(fp, op.a, cx.mem_len / crate::PAGE_SIZE as u64) };
        Ok(())
    }

    pub(crate) unsafe fn memory_grow(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        unsafe {
            let delta = get(fp, op.a, 0) as u32 as u64;
            let old = memory(cx).grow(delta);
            set(fp, op.a, old.map_or(u32::MAX as u64, |o| o));
            let (instance, store) = (cx.instance, cx.store);
            load_instance(cx, &mut *store, instance);
        }
        Ok(())
    }

    pub(crate) unsafe fn memory_fill(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let (d, v, n) = unsafe {
            (
                get(fp, op.a, 0) as u32,
                get(fp, op.a, 1) as u8,
                get(fp, op.a, 2) as u32,
            )
        };
        let mem = &mut memory(cx).data;
        let r = range(d as u64, n as u64, mem.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
        mem[r].fill(v);
        Ok(())
    }

    pub(crate) unsafe fn memory_copy(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let (d, s, n) = unsafe {
            (
                get(fp, op.a, 0) as u32,
                get(fp, op.a, 1) as u32,
                get(fp, op.a, 2) as u32,
            )
        };
        let mem = &mut memory(cx).data;
        let src = range(s as u64, n as u64, mem.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
        range(d as u64, n as u64, mem.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
        mem.copy_within(src, d as usize);
        Ok(())
    }

    pub(crate) unsafe fn memory_init(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let (d, s, n) = unsafe {
            (
                get(fp, op.a, 0) as u32,
                get(fp, op.a, 1) as u32,
                get(fp, op.a, 2) as u32,
            )
        };
        let instance = cx.instance as usize;
        let st = store(cx);
        let inst = &st.instances[instance];
        let seg: &[u8] = if inst.datas_dropped[op.b as usize] {
            &[]
        } else {
            &inst.module.datas[op.b as usize].bytes
        };
        let mem = &mut st.memories[inst.memories[0] as usize].data;
        let src = range(s as u64, n as u64, seg.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
        let dst = range(d as u64, n as u64, mem.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
        mem[dst].copy_from_slice(&seg[src]);
        Ok(())
    }

    pub(crate) unsafe fn data_drop(cx: &mut Cx, op: &Op, _fp: *mut u64) -> R {
        let instance = cx.instance as usize;
        store(cx).instances[instance].datas_dropped[op.b as usize] = true;
        Ok(())
    }

    pub(crate) unsafe fn table_get(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let i = unsafe { get(fp, op.a, 0) } as u32 as usize;
        let v = *table(cx, op.b)
            .elems
            .get(i)
            .ok_or(TrapCode::TableOutOfBounds)?;
        unsafe { set(fp, op.a, v) };
        Ok(())
    }

    pub(crate) unsafe fn table_set(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let (i, v) = unsafe { (get(fp, op.a, 0) as u32 as usize, get(fp, op.a, 1)) };
        *table(cx, op.b)
            .elems
            .get_mut(i)
            .ok_or(TrapCode::TableOutOfBounds)? = v;
        Ok(())
    }

    pub(crate) unsafe fn table_size(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let len = table(cx, op.b).elems.len() as u64;
        unsafe { set(fp, op.a, len) };
        Ok(())
    }

    pub(crate) unsafe fn table_grow(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let (init, delta) = unsafe { (get(fp, op.a, 0), get(fp, op.a, 1) as u32 as u64) };
        let t = table(cx, op.b);
        let old = t.elems.len() as u64;
        let max = t.max.unwrap_or(u32::MAX as u64).min(10_000_000);
        let result = match old.checked_add(delta) {
            Some(new) if new <= max => {
                t.elems.resize(new as usize, init);
                old
            }
            _ => u32::MAX as u64,
        };
        unsafe { set(fp, op.a, result) };
        Ok(())
    }

    pub(crate) unsafe fn table_fill(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let (i, v, n) = unsafe {
            (
                get(fp, op.a, 0) as u32,
                get(fp, op.a, 1),
                get(fp, op.a, 2) as u32,
            )
        };
        let t = table(cx, op.b);
        let r = range(i as u64, n as u64, t.elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
        t.elems[r].fill(v);
        Ok(())
    }

    pub(crate) unsafe fn table_copy(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let (d, s, n) = unsafe {
            (
                get(fp, op.a, 0) as u32,
                get(fp, op.a, 1) as u32,
                get(fp, op.a, 2) as u32,
            )
        };
        let src_items: Vec<u64> = {
            let t = table(cx, op.c as u32);
            let r = range(s as u64, n as u64, t.elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
            t.elems[r].to_vec()
        };
        let t = table(cx, op.b);
        let r = range(d as u64, n as u64, t.elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
        t.elems[r].copy_from_slice(&src_items);
        Ok(())
    }

    pub(crate) unsafe fn table_init(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        let (d, s, n) = unsafe {
            (
                get(fp, op.a, 0) as u32,
                get(fp, op.a, 1) as u32,
                get(fp, op.a, 2) as u32,
            )
        };
        let instance = cx.instance as usize;
        let seg = store(cx).instances[instance].elems[op.c as usize].clone();
        let src = range(s as u64, n as u64, seg.len()).ok_or(TrapCode::TableOutOfBounds)?;
        let t = table(cx, op.b);
        let dst = range(d as u64, n as u64, t.elems.len()).ok_or(TrapCode::TableOutOfBounds)?;
        t.elems[dst].copy_from_slice(&seg[src]);
        Ok(())
    }

    pub(crate) unsafe fn elem_drop(cx: &mut Cx, op: &Op, _fp: *mut u64) -> R {
        let instance = cx.instance as usize;
        store(cx).instances[instance].elems[op.b as usize] = std::rc::Rc::new([]);
        Ok(())
    }

    pub(crate) unsafe fn ref_func(cx: &mut Cx, op: &Op, fp: *mut u64) -> R {
        unsafe {
            let addr = *cx.funcs.add(op.b as usize);
            set(fp, op.a, addr.0 as u64 + 1);
        }
        Ok(())
    }

    /// Resolves `table[index]` for `call_indirect`: the body to enter directly (same instance),
    /// or the function for the driver to call.
    pub(crate) fn resolve_indirect(
        cx: &mut Cx,
        table_index: u32,
        type_id: u32,
        index: u32,
    ) -> Result<Result<*const crate::code::FuncBody, FuncAddr>, TrapCode> {
        let instance = cx.instance;
        let elem = *table(cx, table_index)
            .elems
            .get(index as usize)
            .ok_or(TrapCode::UndefinedElement)?;
        let addr = elem.checked_sub(1).ok_or(TrapCode::UninitializedElement)?;
        let func = &store(cx).funcs[addr as usize];
        if func.type_id() != type_id {
            return Err(TrapCode::BadSignature);
        }
        match *func {
            FuncInst::Wasm {
                instance: i, body, ..
            } if i == instance => Ok(Ok(body)),
            _ => Ok(Err(FuncAddr(addr as u32))),
        }
    }
}
