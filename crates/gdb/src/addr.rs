//! LLDB's synthetic 64-bit wasm address space, on top of `gdbstub_arch::wasm::addr`.
//!
//! ```text
//!  63 62 | 61 ............ 32 | 31 ............ 0
//!   tag  |  instance id       |  offset
//! ```
//! Tag 0 (`Memory`) is linear memory 0 of the instance, tag 1 (`Object`) the instance's module
//! image (its code addresses are file offsets). Tags 2 (globals, LLDB-internal) and 3 (invalid)
//! never name anything the stub can read.

use gdbstub_arch::wasm::addr::{WasmAddr, WasmAddrType};

use crate::target::CodeLoc;

/// A decoded address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Addr {
    /// `offset` in linear memory 0 of `instance`.
    Memory { instance: u32, offset: u32 },
    /// `offset` in the module image of `instance`.
    Object { instance: u32, offset: u32 },
    /// Tag 2 or 3: nothing the stub serves.
    Other,
}

/// Size of one instance's window in either space.
pub(crate) const WINDOW: u64 = 1 << 32;

impl Addr {
    /// Decodes a raw address.
    pub(crate) fn decode(raw: u64) -> Addr {
        match WasmAddr::from_raw(raw) {
            None => Addr::Other,
            Some(a) => match a.addr_type() {
                WasmAddrType::Memory => Addr::Memory {
                    instance: a.module_index(),
                    offset: a.offset(),
                },
                WasmAddrType::Object => Addr::Object {
                    instance: a.module_index(),
                    offset: a.offset(),
                },
            },
        }
    }
}

/// The `Object` address of a code location; `None` if the instance id does not fit in 30 bits.
pub(crate) fn code_addr(loc: CodeLoc) -> Option<u64> {
    WasmAddr::new(WasmAddrType::Object, loc.instance, loc.offset).map(WasmAddr::as_raw)
}

/// The `Memory` address of `offset` in `instance`; `None` if the id does not fit in 30 bits.
pub(crate) fn memory_addr(instance: u32, offset: u32) -> Option<u64> {
    WasmAddr::new(WasmAddrType::Memory, instance, offset).map(WasmAddr::as_raw)
}

/// The first address of the 4 GiB window `raw` lies in.
pub(crate) fn window_start(raw: u64) -> u64 {
    raw & !(WINDOW - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_spaces() {
        let loc = CodeLoc {
            instance: 3,
            offset: 0x4e28,
        };
        let raw = code_addr(loc).unwrap();
        assert_eq!(raw, 0x4000_0003_0000_4e28);
        assert_eq!(
            Addr::decode(raw),
            Addr::Object {
                instance: 3,
                offset: 0x4e28
            }
        );
        let raw = memory_addr(1, 0x1003be4).unwrap();
        assert_eq!(raw, 0x0000_0001_0100_3be4);
        assert_eq!(
            Addr::decode(raw),
            Addr::Memory {
                instance: 1,
                offset: 0x1003be4
            }
        );
    }

    #[test]
    fn global_and_invalid_tags_are_other() {
        assert_eq!(Addr::decode(0x8000_0000_0000_0001), Addr::Other);
        assert_eq!(Addr::decode(0xc000_0000_0000_0000), Addr::Other);
    }

    #[test]
    fn ids_beyond_30_bits_are_not_encodable() {
        assert_eq!(memory_addr(1 << 30, 0), None);
        assert_eq!(window_start(0x4000_0002_1234_5678), 0x4000_0002_0000_0000);
    }
}
