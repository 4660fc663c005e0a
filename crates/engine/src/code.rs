//! D-code: the debuggable internal form of a wasm function.
//!
//! Every reachable wasm instruction starts exactly one [`Op`] (a few structural instructions such
//! as `block`, `loop`, `nop`, `drop` produce none and map to the next op). An op is a handler
//! pointer plus two slot operands and an immediate. Locals occupy frame slots `0..num_locals`,
//! the operand-stack value at height `h` lives in slot `num_locals + h`, so at any op boundary the
//! whole wasm operand stack is in the frame. [`FuncBody::offsets`] maps each op to the
//! module-relative wasm offset of its instruction, [`FuncBody::heights`] to its operand height.

use std::sync::atomic::{AtomicPtr, Ordering};

use crate::values::FuncAddr;

/// A handler executes one op and continues with the next (see [`crate::exec`]).
pub(crate) type Handler = unsafe fn(*const Op, *mut u64, &mut Cx) -> Next;

/// A handler slot. The debugger patches it (breakpoints, watchpoints), an interrupt even from
/// another thread: relaxed atomic accesses, which compile to plain loads and stores.
#[repr(transparent)]
pub(crate) struct HandlerCell(AtomicPtr<()>);

impl HandlerCell {
    pub const fn new(h: Handler) -> HandlerCell {
        HandlerCell(AtomicPtr::new(h as *mut ()))
    }

    #[inline(always)]
    pub fn get(&self) -> Handler {
        // SAFETY: the cell only ever holds `Handler`s.
        unsafe { std::mem::transmute::<*mut (), Handler>(self.0.load(Ordering::Relaxed)) }
    }

    pub fn set(&self, h: Handler) {
        self.0.store(h as *mut (), Ordering::Relaxed);
    }
}

/// One D-code op.
#[repr(C)]
pub(crate) struct Op {
    /// The handler; the debugger patches it (breakpoints, watchpoints, interrupts).
    pub h: HandlerCell,
    pub a: u32,
    pub b: u32,
    pub c: u64,
}

/// What a handler returns in the loop back end, and what the outermost handler returns when
/// execution leaves the interpreter (`ip` null: the reason is in [`Cx::exit`]).
#[repr(C)]
pub(crate) struct Next {
    pub ip: *const Op,
    pub fp: *mut u64,
}

/// A compiled function.
pub(crate) struct FuncBody {
    pub code: Box<[Op]>,
    /// Module-relative wasm byte offset of the instruction each op starts.
    pub offsets: Box<[u32]>,
    /// Operand-stack height before each op.
    pub heights: Box<[u32]>,
    /// Kind of each op (its handler in run and step mode), whatever handler is patched in.
    pub kinds: Box<[crate::handlers::K]>,
    /// First op of every loop body: with op 0, where an interrupt can stop the function.
    pub loop_heads: Box<[u32]>,
    /// Index in the module's function index space.
    pub func_index: u32,
    /// Byte range of the body (locals and code) in the module.
    pub range: (u32, u32),
    /// Canonical (engine-wide) type id of the signature.
    pub type_id: u32,
    pub num_params: u32,
    pub num_results: u32,
    /// Params plus declared locals.
    pub num_locals: u32,
    /// Slots the frame needs: locals plus the maximum operand height.
    pub frame_size: u32,
    /// Value types of all locals (params first), for debuggers.
    pub local_types: Box<[crate::ValType]>,
}

impl FuncBody {
    /// Op index of the op at `ip`.
    pub fn op_index(&self, ip: *const Op) -> usize {
        (ip as usize - self.code.as_ptr() as usize) / std::mem::size_of::<Op>()
    }
}

/// How a frame was entered, i.e. what its `return` must do besides resuming the caller.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub(crate) enum FrameKind {
    /// A call inside one instance: return straight into the caller's code.
    Normal,
    /// Called from the host: return to the driver, which hands the results out.
    Entry,
    /// Called from another instance: return to the driver, which switches the instance back.
    CrossInstance,
}

/// A call-stack record: the frame's function, and the caller state to restore on return.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    pub ret: *const Op,
    pub caller_fp: *mut u64,
    pub func: *const FuncBody,
    /// The instance of `func`.
    pub instance: u32,
    pub kind: FrameKind,
}

/// Why the interpreter left the handler chain.
#[derive(Debug)]
pub(crate) enum Exit {
    None,
    /// An `Entry` or `CrossInstance` frame returned (it is still on the frame stack); results
    /// are at the callee's frame base.
    Return,
    Trap(crate::trap::TrapCode),
    /// A breakpoint op was reached (not executed).
    Breakpoint,
    /// An interrupt patch was reached (the op not executed).
    Interrupt,
    /// A watched memory access happened; the hit is in [`Cx::watch_hit`] (none: continue).
    Watch,
    /// Call a function the handlers cannot enter directly (host, other instance); the
    /// arguments are at `base` of the current frame and the results go there.
    Call {
        addr: FuncAddr,
        base: u32,
    },
}

/// The interpreter's registers and the current instance's hot data, shared by all handlers.
pub(crate) struct Cx {
    pub mem: *mut u8,
    pub mem_len: u64,
    pub globals: *const *mut u64,
    pub funcs: *const FuncAddr,
    pub instance: u32,
    pub frames: Vec<Frame>,
    pub max_frames: usize,
    pub stack_end: *mut u64,
    pub store: *mut crate::Store,
    pub exit: Exit,
    pub exit_ip: *const Op,
    pub exit_fp: *mut u64,
    /// Fuel left for code translated with fuel checks.
    pub fuel: u64,
    /// The watchpoint hit reported with [`Exit::Watch`].
    pub watch_hit: Option<crate::debug::WatchHit>,
}
