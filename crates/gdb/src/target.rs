//! The interface between the stub and the engine: [`WasmTarget`].
//!
//! The stub never sees engine types. Everything it needs from the debuggee goes through this
//! trait, in wasm terms: module instances, code offsets in the original module files, frames,
//! locals, globals, operand-stack values and linear memory. Addresses of LLDB's synthetic 64-bit
//! space are decoded by the stub before a method is called.

use std::sync::Arc;

/// A wasm code location: module-instance id and byte offset in that module's original file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeLoc {
    /// The module-instance id (the same id names the instance's code, memory and globals).
    pub instance: u32,
    /// Byte offset in the instance's original `.wasm` file (0 = the `\0asm` magic).
    pub offset: u32,
}

/// What a watchpoint watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchKind {
    /// Stop after a store to the range.
    Write,
    /// Stop after a load from the range.
    Read,
    /// Stop after a load or a store.
    Access,
}

/// Why the program stopped (or ended).
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// Stopped before the first instruction of the program (initial state).
    Entry,
    /// A breakpoint was hit; the current pc is the instruction it slid to.
    Breakpoint,
    /// A single step completed.
    Step,
    /// A watchpoint hit; the access has been performed. `addr` is the linear-memory address of the watchpoint.
    Watch {
        /// The kind of the watchpoint that was hit.
        kind: WatchKind,
        /// The instance whose memory 0 is watched.
        instance: u32,
        /// The start address of the watchpoint, as it was added.
        addr: u32,
    },
    /// Stopped by the interrupter (Ctrl-C).
    Interrupt,
    /// A wasm trap; the program cannot continue. The message is e.g. "integer divide by zero".
    Trap(String),
    /// The program finished with this exit code.
    Exited(i32),
}

/// One module instance as LLDB sees it: a library whose image it reads through the stub.
#[derive(Debug, Clone)]
pub struct ModuleImage {
    /// The module-instance id (< 2^24 to stay addressable by every LLDB version).
    pub instance: u32,
    /// File path or name. If it is the path of a file that exists on the debugger's machine,
    /// LLDB loads the module from there (so prefer absolute paths); otherwise it reads
    /// [`bytes`](Self::bytes) through the stub.
    pub name: String,
    /// The original `.wasm` bytes, unmodified.
    pub bytes: Arc<[u8]>,
}

/// The debuggee, seen at the wasm level. Implemented by the engine (or a session on top of it).
///
/// The target lives on the thread that calls [`serve()`](crate::serve()); only the handle from
/// [`interrupter`](Self::interrupter) crosses threads.
pub trait WasmTarget {
    /// Every live module instance.
    fn modules(&self) -> Vec<ModuleImage>;
    /// Innermost first; frame 0 = the current pc, callers report their return address.
    fn call_stack(&self) -> Vec<CodeLoc>;
    /// Little-endian bytes of the value (4 for i32/f32, 8 for i64/f64); None if no such frame/local.
    fn local(&self, frame: usize, index: u32) -> Option<Vec<u8>>;
    /// Global `index` of the instance frame `frame` executes in, as [`local`](Self::local).
    fn global(&self, frame: usize, index: u32) -> Option<Vec<u8>>;
    /// Operand-stack value `index` of the frame, 0 = bottom.
    fn stack_value(&self, frame: usize, index: u32) -> Option<Vec<u8>>;
    /// Reads linear memory 0 of `instance`; returns bytes read (short at the end of memory).
    fn read_memory(&self, instance: u32, addr: u32, buf: &mut [u8]) -> usize;
    /// Writes linear memory 0 of `instance`; false if out of bounds or no such memory.
    fn write_memory(&mut self, instance: u32, addr: u32, data: &[u8]) -> bool;
    /// Breakpoints slide forward to the next instruction boundary; false if no code there.
    fn add_breakpoint(&mut self, loc: CodeLoc) -> bool;
    /// Removes a breakpoint added at `loc` (the requested location); false if there is none.
    fn remove_breakpoint(&mut self, loc: CodeLoc) -> bool;
    /// Watches `len` bytes at `addr` of memory 0 of `instance`; false if it cannot.
    fn add_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool;
    /// Removes a watchpoint added with the same arguments; false if there is none.
    fn remove_watchpoint(&mut self, instance: u32, addr: u32, len: u32, kind: WatchKind) -> bool;
    /// Runs until the next stop (blocking, on the calling thread).
    fn resume(&mut self) -> StopReason;
    /// Executes one wasm instruction (a call steps into the callee, a host call is one step).
    fn step(&mut self) -> StopReason;
    /// Thread-safe handle: calling it makes a running `resume` return `StopReason::Interrupt` soon.
    ///
    /// # Note
    ///
    /// The stub calls it only while a `resume` it started is running, but a call can land just
    /// after that `resume` returned for another reason. The engine should then either ignore it
    /// or stop the next `resume` at once; the request must not outlive one `Interrupt` stop.
    fn interrupter(&self) -> Arc<dyn Fn() + Send + Sync>;
    /// Ends the program (no further resumes).
    fn kill(&mut self);

    /// Size in bytes of linear memory 0 of `instance` (0 if it has none), for
    /// `qMemoryRegionInfo`.
    ///
    /// The default finds the size with [`read_memory`](Self::read_memory) probes, one per
    /// halving of the 4 GiB space (a memory is a whole number of 64 KiB pages); engines that
    /// know the size should override it.
    fn memory_size(&self, instance: u32) -> u64 {
        const PAGE: u64 = 0x1_0000;
        let readable = |page: u64| {
            let Ok(addr) = u32::try_from(page * PAGE - 1) else {
                return false;
            };
            let mut byte = [0u8];
            self.read_memory(instance, addr, &mut byte) == 1
        };
        // Invariant: `lo` pages are readable, `hi + 1` pages are not (or out of range).
        let (mut lo, mut hi) = (0u64, 0x1_0000u64);
        if readable(hi) {
            return hi * PAGE;
        }
        hi -= 1;
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if readable(mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo * PAGE
    }
}
