//! The oracle behind the fuzz targets and the smoke test: decode, validate, instantiate (with
//! every import satisfied by a stand-in) and run every exported function with fuel, expecting
//! errors and traps but never a panic or a hang.

use crate::{Config, Extern, ExternType, Linker, Module, Store, Val};

/// Fuel for each exported function.
const FUEL: u64 = 20_000;

/// Runs `bytes` as described in the module docs; returns how many exports ran to completion.
pub fn exercise(bytes: &[u8]) -> usize {
    let Ok(module) = Module::with_config(bytes, &Config { fuel: true }) else {
        return 0;
    };
    let mut store = Store::new();
    store.set_max_call_depth(500);
    let mut linker = Linker::new();
    for (module_name, name, ty) in module.imports() {
        let ext = match ty {
            ExternType::Func(ft) => {
                let results: Vec<Val> = ft.results.iter().map(|t| Val::default_for(*t)).collect();
                let f = store.host_func(ft.clone(), move |_, _, out| {
                    out.copy_from_slice(&results);
                    Ok(())
                });
                Extern::Func(f)
            }
            ExternType::Table { elem, min, max } => {
                let min = (*min).min(1000) as u32;
                Extern::Table(store.alloc_table(
                    *elem,
                    min,
                    max.map(|m| m.min(u32::MAX as u64) as u32),
                ))
            }
            ExternType::Memory { min, max } => {
                let Ok(m) =
                    store.alloc_memory((*min).min(16) as u32, max.map(|m| m.min(65536) as u32))
                else {
                    return 0;
                };
                Extern::Memory(m)
            }
            ExternType::Global { ty, mutable } => {
                Extern::Global(store.alloc_global(Val::default_for(*ty), *mutable))
            }
        };
        linker.define(module_name, name, ext);
    }
    store.set_fuel(FUEL);
    let Ok(instance) = linker.instantiate(&mut store, &module) else {
        return 0;
    };
    let mut completed = 0;
    for (_, ext) in store.exports(instance) {
        let Extern::Func(f) = ext else { continue };
        let args: Vec<Val> = store
            .func_type(f)
            .params
            .iter()
            .map(|t| Val::default_for(*t))
            .collect();
        store.set_fuel(FUEL);
        if store.invoke(f, &args).is_ok() {
            completed += 1;
        }
    }
    completed
}
