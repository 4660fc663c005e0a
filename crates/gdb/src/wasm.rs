//! LLDB's wasm queries: `qWasmCallStack`, `qWasmLocal`, `qWasmGlobal`, `qWasmStackValue`.
//!
//! `qWasmCallStack` goes through gdbstub's `Wasm` extension. The three value queries are
//! answered by the stub: gdbstub can only answer a missing value with an empty reply (which
//! LLDB takes for "unsupported") and only parses the frame form of `qWasmGlobal`, while LLDB
//! needs `E..` for a value that does not exist.
//!
//! Values are little-endian at their natural width. Operand-stack index 0 is the bottom of the
//! stack (DWARF's and LLDB's convention; gdbstub's doc comment says the opposite).

use gdbstub::{common::Tid, target::ext::wasm::Wasm};

use crate::{
    addr,
    debuggee::Debuggee,
    error::ReplyError,
    request::{GlobalScope, ValueQuery},
    target::WasmTarget,
};

impl<T: WasmTarget> Debuggee<'_, T> {
    /// The bytes of the value `q` names.
    pub(crate) fn wasm_value(&self, q: ValueQuery) -> Result<Vec<u8>, ReplyError> {
        let value = match q {
            ValueQuery::Local { frame, index } => self.target.local(frame, index),
            ValueQuery::StackValue { frame, index } => self.target.stack_value(frame, index),
            ValueQuery::Global {
                scope: GlobalScope::Frame(frame),
                index,
            } => self.target.global(frame, index),
            ValueQuery::Global {
                scope: GlobalScope::Instance(instance),
                index,
            } => {
                // Globals are read through a frame of the instance: the innermost one.
                let frame = self
                    .target
                    .call_stack()
                    .iter()
                    .position(|loc| loc.instance == instance)
                    .ok_or(ReplyError::NoInstance)?;
                self.target.global(frame, index)
            }
        };
        value.filter(|v| !v.is_empty()).ok_or(ReplyError::NotFound)
    }

    /// Copies a value into gdbstub's buffer; 0 (gdbstub's "does not exist") if there is none.
    fn value_into(&self, q: ValueQuery, buf: &mut [u8]) -> usize {
        match self.wasm_value(q) {
            Ok(v) if v.len() <= buf.len() => {
                buf[..v.len()].copy_from_slice(&v);
                v.len()
            }
            _ => 0,
        }
    }
}

impl<T: WasmTarget> Wasm for Debuggee<'_, T> {
    fn wasm_call_stack(&self, _tid: Tid, next_pc: &mut dyn FnMut(u64)) -> Result<(), Self::Error> {
        // Instance ids beyond 30 bits cannot be addressed; the stack ends before such a frame.
        self.call_stack()
            .into_iter()
            .map_while(addr::code_addr)
            .for_each(next_pc);
        Ok(())
    }

    fn read_wasm_local(
        &self,
        _tid: Tid,
        frame: usize,
        local: usize,
        buf: &mut [u8],
    ) -> Result<usize, Self::Error> {
        Ok(u32::try_from(local).map_or(0, |index| {
            self.value_into(ValueQuery::Local { frame, index }, buf)
        }))
    }

    fn read_wasm_stack(
        &self,
        _tid: Tid,
        frame: usize,
        index: usize,
        buf: &mut [u8],
    ) -> Result<usize, Self::Error> {
        Ok(u32::try_from(index).map_or(0, |index| {
            self.value_into(ValueQuery::StackValue { frame, index }, buf)
        }))
    }

    fn read_wasm_global(
        &self,
        _tid: Tid,
        frame: usize,
        global: usize,
        buf: &mut [u8],
    ) -> Result<usize, Self::Error> {
        Ok(u32::try_from(global).map_or(0, |index| {
            let scope = GlobalScope::Frame(frame);
            self.value_into(ValueQuery::Global { scope, index }, buf)
        }))
    }
}
