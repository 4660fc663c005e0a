//! The gdbstub `Target` implementation: what gdbstub answers for the stub.
//!
//! gdbstub (with `gdbstub_arch::wasm::Wasm`) handles `QStartNoAckMode`, `qRegisterInfo`,
//! `qfThreadInfo`/`qsThreadInfo`, `p`/`g`, `m`/`M`, `Z`/`z` 0, 2, 3, 4,
//! `qXfer:libraries:read` and `qWasmCallStack`; `serve.rs` hands it those packets once
//! `request.rs` has validated them. Resuming is not routed through gdbstub (see `serve.rs`),
//! so the target offers no resume operations.

use std::convert::Infallible;

use gdbstub::{
    arch::lldb::{Encoding, Format, Generic, Register},
    target::{
        Target, TargetError, TargetResult,
        ext::{
            base::{
                BaseOps,
                single_register_access::{SingleRegisterAccess, SingleRegisterAccessOps},
                singlethread::SingleThreadBase,
            },
            breakpoints::{
                Breakpoints, HwWatchpoint, HwWatchpointOps, SwBreakpoint, SwBreakpointOps,
                WatchKind as GdbWatchKind,
            },
            libraries::{Libraries, LibrariesOps},
            lldb_register_info_override::{
                Callback, CallbackToken, LldbRegisterInfoOverride, LldbRegisterInfoOverrideOps,
            },
            wasm::WasmOps,
        },
    },
};
use gdbstub_arch::wasm::{Wasm as WasmArch, reg::WasmRegisters, reg::id::WasmRegId};

use crate::{
    addr::Addr,
    breakpoints::Watch,
    debuggee::Debuggee,
    error::ReplyError,
    target::{CodeLoc, WasmTarget, WatchKind},
};

impl<T: WasmTarget> Target for Debuggee<'_, T> {
    type Arch = WasmArch;
    type Error = Infallible;

    fn base_ops(&mut self) -> BaseOps<'_, WasmArch, Infallible> {
        BaseOps::SingleThread(self)
    }

    fn support_breakpoints(
        &mut self,
    ) -> Option<gdbstub::target::ext::breakpoints::BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_libraries(&mut self) -> Option<LibrariesOps<'_, Self>> {
        Some(self)
    }

    fn support_lldb_register_info_override(
        &mut self,
    ) -> Option<LldbRegisterInfoOverrideOps<'_, Self>> {
        Some(self)
    }

    fn support_wasm(&mut self) -> Option<WasmOps<'_, Self>> {
        Some(self)
    }

    /// Replies are not run-length encoded (some clients, and our tests, read them literally).
    fn use_rle(&self) -> bool {
        false
    }

    fn use_x_upcase_packet(&self) -> bool {
        false
    }

    fn use_resume_stub(&self) -> bool {
        false
    }

    fn use_target_description_xml(&self) -> bool {
        false
    }
}

impl<T: WasmTarget> SingleThreadBase for Debuggee<'_, T> {
    fn read_registers(&mut self, regs: &mut WasmRegisters) -> TargetResult<(), Self> {
        match self.pc() {
            Some(pc) => {
                regs.pc = pc;
                Ok(())
            }
            None => Err(TargetError::Errno(ReplyError::NotFound.code())),
        }
    }

    fn write_registers(&mut self, _regs: &WasmRegisters) -> TargetResult<(), Self> {
        Err(TargetError::Errno(ReplyError::ReadOnly.code()))
    }

    fn support_single_register_access(&mut self) -> Option<SingleRegisterAccessOps<'_, (), Self>> {
        Some(self)
    }

    fn read_addrs(&mut self, start_addr: u64, data: &mut [u8]) -> TargetResult<usize, Self> {
        self.read(start_addr, data)
            .map_err(|e| TargetError::Errno(e.code()))
    }

    fn write_addrs(&mut self, start_addr: u64, data: &[u8]) -> TargetResult<(), Self> {
        self.write(start_addr, data)
            .map_err(|e| TargetError::Errno(e.code()))
    }
}

impl<T: WasmTarget> SingleRegisterAccess<()> for Debuggee<'_, T> {
    fn read_register(
        &mut self,
        _tid: (),
        reg_id: WasmRegId,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        match (reg_id, self.pc()) {
            (WasmRegId::Pc, Some(pc)) if buf.len() >= 8 => {
                buf[..8].copy_from_slice(&pc.to_le_bytes());
                Ok(8)
            }
            // No frame: gdbstub reports the register as unavailable (`xx...`).
            _ => Ok(0),
        }
    }

    fn write_register(
        &mut self,
        _tid: (),
        _reg_id: WasmRegId,
        _val: &[u8],
    ) -> TargetResult<(), Self> {
        Err(TargetError::Errno(ReplyError::ReadOnly.code()))
    }
}

impl<T: WasmTarget> Breakpoints for Debuggee<'_, T> {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

impl<T: WasmTarget> Debuggee<'_, T> {
    fn code_loc(addr: u64) -> Option<CodeLoc> {
        match Addr::decode(addr) {
            Addr::Object { instance, offset } => Some(CodeLoc { instance, offset }),
            _ => None,
        }
    }

    fn watch(addr: u64, len: u64, kind: GdbWatchKind) -> Option<Watch> {
        let Addr::Memory { instance, offset } = Addr::decode(addr) else {
            return None;
        };
        let len = u32::try_from(len).ok().filter(|&l| l > 0)?;
        // The watched range must lie in the instance's 32-bit memory space.
        offset.checked_add(len - 1)?;
        let kind = match kind {
            GdbWatchKind::Write => WatchKind::Write,
            GdbWatchKind::Read => WatchKind::Read,
            GdbWatchKind::ReadWrite => WatchKind::Access,
        };
        Some(Watch {
            instance,
            addr: offset,
            len,
            kind,
        })
    }
}

impl<T: WasmTarget> SwBreakpoint for Debuggee<'_, T> {
    fn add_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        Ok(Self::code_loc(addr).is_some_and(|loc| self.breakpoints.add(self.target, loc)))
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        Ok(Self::code_loc(addr).is_some_and(|loc| self.breakpoints.remove(self.target, loc)))
    }
}

impl<T: WasmTarget> HwWatchpoint for Debuggee<'_, T> {
    fn add_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: GdbWatchKind,
    ) -> TargetResult<bool, Self> {
        Ok(
            Self::watch(addr, len, kind)
                .is_some_and(|w| self.breakpoints.add_watch(self.target, w)),
        )
    }

    fn remove_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: GdbWatchKind,
    ) -> TargetResult<bool, Self> {
        Ok(Self::watch(addr, len, kind)
            .is_some_and(|w| self.breakpoints.remove_watch(self.target, w)))
    }
}

impl<T: WasmTarget> Libraries for Debuggee<'_, T> {
    fn get_libraries(
        &self,
        offset: u64,
        length: usize,
        buf: &mut [u8],
    ) -> TargetResult<usize, Self> {
        let xml = self.libraries_xml.as_bytes();
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(xml.len());
        let n = (xml.len() - start).min(length).min(buf.len());
        buf[..n].copy_from_slice(&xml[start..start + n]);
        Ok(n)
    }
}

impl<T: WasmTarget> LldbRegisterInfoOverride for Debuggee<'_, T> {
    /// The one register, `pc`, exactly as the reference stubs describe it.
    fn lldb_register_info<'a>(
        &mut self,
        reg_id: usize,
        reg_info: Callback<'a>,
    ) -> Result<CallbackToken<'a>, Infallible> {
        Ok(match reg_id {
            0 => reg_info.write(Register {
                name: "pc",
                alt_name: Some("pc"),
                bitsize: 64,
                offset: 0,
                encoding: Encoding::Uint,
                format: Format::Hex,
                set: "General Purpose Registers",
                gcc: Some(16),
                dwarf: Some(16),
                generic: Some(Generic::Pc),
                container_regs: None,
                invalidate_regs: None,
            }),
            _ => reg_info.done(),
        })
    }
}
