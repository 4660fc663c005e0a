//! [`Debuggee`]: the [`WasmTarget`] plus what the stub remembers about it between packets.
//!
//! It is the `Target` gdbstub drives (see `stub.rs`) and what the stub's own handlers read.

use crate::{
    addr,
    breakpoints::Breakpoints,
    libraries,
    target::{CodeLoc, ModuleImage, WasmTarget},
};

/// The debuggee seen by the stub.
pub(crate) struct Debuggee<'t, T: WasmTarget> {
    pub(crate) target: &'t mut T,
    /// The module instances at the last stop, in the target's order.
    pub(crate) modules: Vec<ModuleImage>,
    /// The library list for `modules`.
    pub(crate) libraries_xml: String,
    pub(crate) breakpoints: Breakpoints,
    /// While stopped at a breakpoint that slid forward: (actual pc, pc LLDB asked for). Frame 0
    /// is reported at the requested location so LLDB recognises its breakpoint.
    pub(crate) pc_override: Option<(CodeLoc, CodeLoc)>,
}

impl<T: WasmTarget> std::fmt::Debug for Debuggee<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Debuggee")
            .field("modules", &self.modules)
            .field("breakpoints", &self.breakpoints)
            .field("pc_override", &self.pc_override)
            .finish_non_exhaustive()
    }
}

impl<'t, T: WasmTarget> Debuggee<'t, T> {
    pub(crate) fn new(target: &'t mut T) -> Debuggee<'t, T> {
        let modules = target.modules();
        let libraries_xml = libraries::library_list_xml(&modules);
        Debuggee {
            target,
            modules,
            libraries_xml,
            breakpoints: Breakpoints::default(),
            pc_override: None,
        }
    }

    /// Re-reads the module list; true if it changed.
    pub(crate) fn refresh_modules(&mut self) -> bool {
        let modules = self.target.modules();
        if libraries::same_modules(&modules, &self.modules) {
            return false;
        }
        self.libraries_xml = libraries::library_list_xml(&modules);
        self.modules = modules;
        true
    }

    /// The module image of `instance`.
    pub(crate) fn module(&self, instance: u32) -> Option<&ModuleImage> {
        self.modules.iter().find(|m| m.instance == instance)
    }

    /// The call stack as reported to the client (frame 0 adjusted for a slid breakpoint).
    pub(crate) fn call_stack(&self) -> Vec<CodeLoc> {
        let mut frames = self.target.call_stack();
        if let (Some(first), Some((actual, requested))) = (frames.first_mut(), self.pc_override)
            && *first == actual
        {
            *first = requested;
        }
        frames
    }

    /// The pc as reported to the client, if there is a frame.
    pub(crate) fn pc(&self) -> Option<u64> {
        self.call_stack().first().copied().and_then(addr::code_addr)
    }

    /// Decides the pc override after a breakpoint stop.
    pub(crate) fn note_breakpoint_stop(&mut self) {
        self.pc_override = self
            .target
            .call_stack()
            .first()
            .and_then(|&pc| Some((pc, self.breakpoints.requested_for(pc)?)));
    }
}
