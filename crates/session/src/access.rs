//! [`FrameAccess`] over a paused [`Debuggee`]: how the symbols layer reads and writes the
//! locals, globals, operand stack and memory of one wasm frame.

use wdb_symbols::{FrameAccess, WasmValue};

use crate::{Debuggee, Val};

/// The debuggee, shared or exclusive (writes need the latter).
enum Target<'a> {
    Shared(&'a Debuggee),
    Exclusive(&'a mut Debuggee),
}

/// One wasm frame of the debuggee (`frame` 0 = innermost).
pub(crate) struct Access<'a> {
    target: Target<'a>,
    frame: usize,
    instance: u32,
}

impl<'a> Access<'a> {
    pub fn new(dbg: &'a Debuggee, frame: usize) -> Access<'a> {
        let instance = instance_of(dbg, frame);
        Access {
            target: Target::Shared(dbg),
            frame,
            instance,
        }
    }

    pub fn new_mut(dbg: &'a mut Debuggee, frame: usize) -> Access<'a> {
        let instance = instance_of(dbg, frame);
        Access {
            target: Target::Exclusive(dbg),
            frame,
            instance,
        }
    }

    fn dbg(&self) -> &Debuggee {
        match &self.target {
            Target::Shared(d) => d,
            Target::Exclusive(d) => d,
        }
    }

    fn dbg_mut(&mut self) -> Option<&mut Debuggee> {
        match &mut self.target {
            Target::Shared(_) => None,
            Target::Exclusive(d) => Some(d),
        }
    }
}

fn instance_of(dbg: &Debuggee, frame: usize) -> u32 {
    dbg.frames()
        .get(frame)
        .map_or_else(|| dbg.modules()[0].instance, |f| f.instance)
}

pub(crate) fn to_wasm(v: Val) -> Option<WasmValue> {
    Some(match v {
        Val::I32(v) => WasmValue::I32(v),
        Val::I64(v) => WasmValue::I64(v),
        Val::F32(v) => WasmValue::F32(f32::from_bits(v)),
        Val::F64(v) => WasmValue::F64(f64::from_bits(v)),
        _ => return None,
    })
}

fn from_wasm(v: WasmValue) -> Val {
    match v {
        WasmValue::I32(v) => Val::I32(v),
        WasmValue::I64(v) => Val::I64(v),
        WasmValue::F32(v) => Val::F32(v.to_bits()),
        WasmValue::F64(v) => Val::F64(v.to_bits()),
    }
}

impl FrameAccess for Access<'_> {
    fn local(&self, index: u32) -> Option<WasmValue> {
        to_wasm(*self.dbg().locals(self.frame)?.get(index as usize)?)
    }

    fn global(&self, index: u32) -> Option<WasmValue> {
        to_wasm(self.dbg().global(self.frame, index)?)
    }

    fn stack(&self, index: u32) -> Option<WasmValue> {
        to_wasm(*self.dbg().operand_stack(self.frame)?.get(index as usize)?)
    }

    fn read_memory(&self, addr: u64, buf: &mut [u8]) -> bool {
        let Ok(start) = u32::try_from(addr) else {
            return false;
        };
        if addr + buf.len() as u64 > self.dbg().memory_size(self.instance) {
            return false;
        }
        self.dbg().read_memory(self.instance, start, buf) == buf.len()
    }

    fn table_function(&self, index: u32) -> Option<u32> {
        self.dbg().table_function(self.instance, index)
    }

    fn write_memory(&mut self, addr: u64, bytes: &[u8]) -> bool {
        let instance = self.instance;
        match (u32::try_from(addr), self.dbg_mut()) {
            (Ok(addr), Some(d)) => d.write_memory(instance, addr, bytes),
            _ => false,
        }
    }

    fn set_local(&mut self, index: u32, value: WasmValue) -> bool {
        let frame = self.frame;
        self.dbg_mut()
            .is_some_and(|d| d.set_local(frame, index, from_wasm(value)))
    }

    fn set_global(&mut self, index: u32, value: WasmValue) -> bool {
        let frame = self.frame;
        self.dbg_mut()
            .is_some_and(|d| d.set_global(frame, index, from_wasm(value)))
    }
}
