//! The D-code form: one op per instruction, mapped to its wasm offset and operand height.

use wdb_engine::{Module, ValType};

/// (func (param i32) (result i32) (local i64)
///   local.get 0    ;; offset a, height 0
///   i32.const 2    ;; height 1
///   i32.mul        ;; height 2
///   nop            ;; (no op)
///   i32.const 1    ;; height 1
///   i32.add        ;; height 2
/// end)             ;; return, height 1
const MODULE: &[u8] = b"\0asm\x01\0\0\0\
    \x01\x06\x01\x60\x01\x7f\x01\x7f\
    \x03\x02\x01\x00\
    \x0a\x0f\x01\x0d\x01\x01\x7e\x20\x00\x41\x02\x6c\x01\x41\x01\x6a\x0b";

#[test]
fn instruction_map_has_offsets_and_heights() {
    let module = Module::new(MODULE).unwrap();
    let map = module.instruction_map(0).unwrap();
    // The body's instructions start after the locals declaration; find `local.get 0`.
    let start = MODULE.windows(2).position(|w| w == b"\x20\x00").unwrap() as u32;
    let expected = vec![
        (start, 0),     // local.get 0
        (start + 2, 1), // i32.const 2
        (start + 4, 2), // i32.mul
        (start + 6, 1), // i32.const 1 (the nop at start + 5 has no op)
        (start + 8, 2), // i32.add
        (start + 9, 1), // end: return
    ];
    assert_eq!(map, expected);
    for (offset, _) in &map {
        assert!(matches!(
            MODULE[*offset as usize],
            0x20 | 0x41 | 0x6c | 0x6a | 0x0b
        ));
    }
    assert_eq!(
        module.local_types(0).unwrap(),
        &[ValType::I32, ValType::I64]
    );
    assert!(module.instruction_map(1).is_none());
    assert_eq!(module.bytes(), MODULE);
}
