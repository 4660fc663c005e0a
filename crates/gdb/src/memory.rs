//! Memory packets over the two readable spaces: `m`/`M` (through gdbstub's `read_addrs` /
//! `write_addrs`) and `qMemoryRegionInfo`.
//!
//! * `Object` addresses read the instance's original module bytes (read-only); LLDB downloads
//!   modules and their DWARF this way when it has no local copy.
//! * `Memory` addresses read and write linear memory 0 of the instance.
//!
//! A read that starts outside every region is an error (`E03`, or `E04` for an unknown module
//! instance); one that runs past the end is short, as LLDB expects.

use crate::{
    addr::{self, Addr, WINDOW},
    debuggee::Debuggee,
    error::ReplyError,
    hex,
    target::WasmTarget,
};

impl<T: WasmTarget> Debuggee<'_, T> {
    /// Reads at `raw` into `buf`; the number of bytes read is at least 1.
    pub(crate) fn read(&self, raw: u64, buf: &mut [u8]) -> Result<usize, ReplyError> {
        let n = match Addr::decode(raw) {
            Addr::Object { instance, offset } => {
                let bytes = &self.module(instance).ok_or(ReplyError::NoInstance)?.bytes;
                let start = offset as usize;
                let avail = bytes.len().saturating_sub(start).min(buf.len());
                if avail > 0 {
                    buf[..avail].copy_from_slice(&bytes[start..start + avail]);
                }
                avail
            }
            Addr::Memory { instance, offset } => {
                // Stay inside this instance's 4 GiB window.
                let room = usize::try_from(WINDOW - u64::from(offset)).unwrap_or(usize::MAX);
                let len = buf.len().min(room);
                self.target
                    .read_memory(instance, offset, &mut buf[..len])
                    .min(len)
            }
            Addr::Other => 0,
        };
        if n == 0 && !buf.is_empty() {
            return Err(ReplyError::NotFound);
        }
        Ok(n)
    }

    /// Writes `data` at `raw` (linear memory only).
    pub(crate) fn write(&mut self, raw: u64, data: &[u8]) -> Result<(), ReplyError> {
        match Addr::decode(raw) {
            Addr::Memory { instance, offset } => {
                if u64::from(offset) + data.len() as u64 > WINDOW {
                    return Err(ReplyError::NotFound);
                }
                if data.is_empty() || self.target.write_memory(instance, offset, data) {
                    Ok(())
                } else {
                    Err(ReplyError::NotFound)
                }
            }
            Addr::Object { .. } => Err(ReplyError::ReadOnly),
            Addr::Other => Err(ReplyError::NotFound),
        }
    }

    /// The `qMemoryRegionInfo` reply for `raw`: the region containing it, or the unmapped gap
    /// around it (never of size 0: LLDB rejects those, llvm#179913).
    pub(crate) fn region_info(&self, raw: u64) -> String {
        let base = addr::window_start(raw);
        let (size, perms, name): (u64, &str, &str) = match Addr::decode(raw) {
            Addr::Object { instance, .. } => match self.module(instance) {
                Some(m) => (m.bytes.len() as u64, "rx", &m.name),
                None => (0, "", ""),
            },
            Addr::Memory { instance, .. } => (
                self.target.memory_size(instance).min(WINDOW),
                "rw",
                "memory",
            ),
            Addr::Other => (0, "", ""),
        };
        if raw - base < size {
            let mut s = format!("start:{base:x};size:{size:x};permissions:{perms};name:");
            hex::push_hex(&mut s, name.as_bytes());
            s.push(';');
            s
        } else {
            format!("start:{:x};size:{:x};", base + size, WINDOW - size)
        }
    }
}
