//! The store (all runtime objects), instances, the linker and host functions.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::code::{Frame, FuncBody};
use crate::error::{Error, Result};
use crate::module::{ConstExpr, ConstOp, ExportKind, ExternType, Module, ModuleInner, SegmentMode};
use crate::values::{FuncAddr, FuncType, Val, ValType};
use crate::{HostFn, PAGE_SIZE, Trap, TrapKind};

/// An instance in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceId(pub(crate) u32);

impl InstanceId {
    pub fn index(self) -> u32 {
        self.0
    }
}

/// A table in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableAddr(pub(crate) u32);
/// A linear memory in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemAddr(pub(crate) u32);
/// A global in a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalAddr(pub(crate) u32);

/// An exported or importable entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    Func(FuncAddr),
    Table(TableAddr),
    Memory(MemAddr),
    Global(GlobalAddr),
}

impl Extern {
    pub fn into_func(self) -> Option<FuncAddr> {
        if let Extern::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }
    pub fn into_global(self) -> Option<GlobalAddr> {
        if let Extern::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }
    pub fn into_memory(self) -> Option<MemAddr> {
        if let Extern::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }
}

pub(crate) enum FuncInst {
    Wasm {
        instance: u32,
        module: Arc<ModuleInner>,
        body: *const FuncBody,
        type_id: u32,
    },
    Host {
        ty: FuncType,
        type_id: u32,
        f: Rc<HostFn>,
    },
}

impl FuncInst {
    pub(crate) fn type_id(&self) -> u32 {
        match self {
            FuncInst::Wasm { type_id, .. } | FuncInst::Host { type_id, .. } => *type_id,
        }
    }
}

pub(crate) struct TableInst {
    pub elems: Vec<u64>,
    pub ty: ValType,
    pub max: Option<u64>,
}

pub(crate) struct MemInst {
    pub data: Vec<u8>,
    /// Declared maximum in pages, or the 4 GiB limit.
    pub max_pages: u64,
    pub declared_max: Option<u64>,
}

impl MemInst {
    pub(crate) fn pages(&self) -> u64 {
        (self.data.len() / PAGE_SIZE) as u64
    }

    /// Grows by `delta` pages; the old size in pages, or `None` if it cannot grow.
    pub(crate) fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        let bytes = (new as usize).checked_mul(PAGE_SIZE)?;
        self.data.try_reserve(bytes - self.data.len()).ok()?;
        self.data.resize(bytes, 0);
        Some(old)
    }
}

pub(crate) struct GlobalInst {
    pub value: u64,
    pub ty: ValType,
    pub mutable: bool,
}

pub(crate) struct Instance {
    pub module: Arc<ModuleInner>,
    pub funcs: Vec<FuncAddr>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    pub global_ptrs: Vec<*mut u64>,
    /// Element segments' items; emptied by `elem.drop`.
    pub elems: Vec<Rc<[u64]>>,
    pub datas_dropped: Vec<bool>,
}

/// Holds every runtime object: functions, tables, memories, globals, instances, and the
/// execution stacks.
pub struct Store {
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) memories: Vec<MemInst>,
    /// Boxed: instances keep pointers to the values, which must not move when globals are added.
    #[allow(clippy::vec_box)]
    pub(crate) globals: Vec<Box<GlobalInst>>,
    pub(crate) instances: Vec<Instance>,
    pub(crate) stack: Vec<u64>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) max_frames: usize,
    pub(crate) stack_slots: usize,
    pub(crate) fuel: u64,
    /// The paused execution, if any.
    pub(crate) exec: Option<Box<crate::exec::Execution>>,
    pub(crate) debug: crate::debug::DebugState,
}

impl Default for Store {
    fn default() -> Store {
        Store::new()
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("instances", &self.instances.len())
            .field("funcs", &self.funcs.len())
            .finish_non_exhaustive()
    }
}

/// Default limit of nested wasm calls.
pub const DEFAULT_MAX_CALL_DEPTH: usize = 100_000;
/// Default size of the value stack in 8-byte slots (locals and operands of all frames).
pub const DEFAULT_STACK_SLOTS: usize = 4 << 20;

impl Store {
    pub fn new() -> Store {
        Store {
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            instances: Vec::new(),
            stack: Vec::new(),
            frames: Vec::new(),
            max_frames: DEFAULT_MAX_CALL_DEPTH,
            stack_slots: DEFAULT_STACK_SLOTS,
            fuel: u64::MAX,
            exec: None,
            debug: Default::default(),
        }
    }

    /// Sets the limit of nested wasm calls; deeper recursion traps with "call stack exhausted".
    pub fn set_max_call_depth(&mut self, depth: usize) {
        self.max_frames = depth.max(1);
    }

    pub fn max_call_depth(&self) -> usize {
        self.max_frames
    }

    /// Sets the fuel for code translated with [`Config::fuel`](crate::Config): one unit per
    /// function entry and loop iteration; at zero, execution traps with
    /// [`TrapKind::OutOfFuel`].
    pub fn set_fuel(&mut self, fuel: u64) {
        self.fuel = fuel;
    }

    /// Fuel left.
    pub fn fuel(&self) -> u64 {
        self.fuel
    }

    /// Creates a host function outside any linker.
    pub fn host_func(
        &mut self,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> FuncAddr {
        self.alloc_host(ty, Rc::new(f))
    }

    fn alloc_host(&mut self, ty: FuncType, f: Rc<HostFn>) -> FuncAddr {
        let type_id = crate::module::canonical_type_id(&ty);
        self.funcs.push(FuncInst::Host { ty, type_id, f });
        FuncAddr(self.funcs.len() as u32 - 1)
    }

    /// Creates a global.
    pub fn alloc_global(&mut self, value: Val, mutable: bool) -> GlobalAddr {
        self.globals.push(Box::new(GlobalInst {
            value: value.to_cell(),
            ty: value.ty(),
            mutable,
        }));
        GlobalAddr(self.globals.len() as u32 - 1)
    }

    /// Creates a table of `min` null references.
    pub fn alloc_table(&mut self, ty: ValType, min: u32, max: Option<u32>) -> TableAddr {
        self.tables.push(TableInst {
            elems: vec![0; min as usize],
            ty,
            max: max.map(u64::from),
        });
        TableAddr(self.tables.len() as u32 - 1)
    }

    /// Creates a zeroed memory of `min` pages.
    pub fn alloc_memory(&mut self, min: u32, max: Option<u32>) -> Result<MemAddr> {
        self.alloc_memory_inner(min as u64, max.map(u64::from))
    }

    fn alloc_memory_inner(&mut self, min: u64, max: Option<u64>) -> Result<MemAddr> {
        let limit = 65536;
        let mut data = Vec::new();
        let bytes = (min as usize)
            .checked_mul(PAGE_SIZE)
            .filter(|_| min <= limit)
            .ok_or_else(|| Error::Link(format!("memory of {min} pages is too large")))?;
        data.try_reserve_exact(bytes)
            .map_err(|_| Error::Link(format!("cannot allocate {min} pages")))?;
        data.resize(bytes, 0);
        self.memories.push(MemInst {
            data,
            max_pages: max.unwrap_or(limit).min(limit),
            declared_max: max,
        });
        Ok(MemAddr(self.memories.len() as u32 - 1))
    }

    /// The signature of a function.
    pub fn func_type(&self, func: FuncAddr) -> FuncType {
        match &self.funcs[func.0 as usize] {
            FuncInst::Wasm { module, body, .. } => {
                // SAFETY: bodies live as long as their module.
                module.func_type(unsafe { (**body).func_index }).clone()
            }
            FuncInst::Host { ty, .. } => ty.clone(),
        }
    }

    /// The name of a wasm function from its module's name section.
    pub fn func_name(&self, func: FuncAddr) -> Option<&str> {
        match &self.funcs[func.0 as usize] {
            // SAFETY: bodies live as long as their module.
            FuncInst::Wasm { module, body, .. } => module
                .func_names
                .get(&unsafe { (**body).func_index })
                .map(String::as_str),
            FuncInst::Host { .. } => None,
        }
    }

    pub fn global_get(&self, global: GlobalAddr) -> Val {
        let g = &self.globals[global.0 as usize];
        Val::from_cell(g.ty, g.value)
    }

    /// Writes a global (mutable or not: debuggers may write any).
    pub fn global_set(&mut self, global: GlobalAddr, value: Val) {
        self.globals[global.0 as usize].value = value.to_cell();
    }

    pub fn memory(&self, mem: MemAddr) -> &[u8] {
        &self.memories[mem.0 as usize].data
    }

    pub fn memory_mut(&mut self, mem: MemAddr) -> &mut [u8] {
        &mut self.memories[mem.0 as usize].data
    }

    /// The module an instance was created from.
    pub fn instance_module(&self, instance: InstanceId) -> Module {
        Module {
            inner: self.instances[instance.0 as usize].module.clone(),
        }
    }

    /// Looks up an export of an instance.
    pub fn export(&self, instance: InstanceId, name: &str) -> Option<Extern> {
        let inst = self.instances.get(instance.0 as usize)?;
        let &(_, kind, index) = inst.module.exports.iter().find(|e| e.0 == name)?;
        let i = index as usize;
        Some(match kind {
            ExportKind::Func => Extern::Func(inst.funcs[i]),
            ExportKind::Table => Extern::Table(TableAddr(inst.tables[i])),
            ExportKind::Memory => Extern::Memory(MemAddr(inst.memories[i])),
            ExportKind::Global => Extern::Global(GlobalAddr(inst.globals[i])),
        })
    }

    /// All exports of an instance, in order.
    pub fn exports(&self, instance: InstanceId) -> Vec<(String, Extern)> {
        let inst = &self.instances[instance.0 as usize];
        inst.module
            .exports
            .iter()
            .filter_map(|e| Some((e.0.clone(), self.export(instance, &e.0)?)))
            .collect()
    }

    fn extern_type(&self, ext: Extern) -> ExternType {
        match ext {
            Extern::Func(f) => ExternType::Func(self.func_type(f)),
            Extern::Table(t) => {
                let t = &self.tables[t.0 as usize];
                ExternType::Table {
                    elem: t.ty,
                    min: t.elems.len() as u64,
                    max: t.max,
                }
            }
            Extern::Memory(m) => {
                let m = &self.memories[m.0 as usize];
                ExternType::Memory {
                    min: m.pages(),
                    max: m.declared_max,
                }
            }
            Extern::Global(g) => {
                let g = &self.globals[g.0 as usize];
                ExternType::Global {
                    ty: g.ty,
                    mutable: g.mutable,
                }
            }
        }
    }

    fn eval_const(&self, inst: &Instance, expr: &ConstExpr) -> u64 {
        let mut stack: Vec<u64> = Vec::with_capacity(2);
        for op in expr {
            let v = match *op {
                ConstOp::Const(v) => v,
                ConstOp::GlobalGet(g) => self.globals[inst.globals[g as usize] as usize].value,
                ConstOp::RefFunc(f) => inst.funcs[f as usize].0 as u64 + 1,
                _ => {
                    let (y, x) = (stack.pop().unwrap_or(0), stack.pop().unwrap_or(0));
                    match *op {
                        ConstOp::I32Add => (x as u32).wrapping_add(y as u32) as u64,
                        ConstOp::I32Sub => (x as u32).wrapping_sub(y as u32) as u64,
                        ConstOp::I32Mul => (x as u32).wrapping_mul(y as u32) as u64,
                        ConstOp::I64Add => x.wrapping_add(y),
                        ConstOp::I64Sub => x.wrapping_sub(y),
                        _ => x.wrapping_mul(y),
                    }
                }
            };
            stack.push(v);
        }
        stack.pop().unwrap_or(0)
    }

    /// Instantiates `module` with resolved imports (in import order), runs its start function.
    pub fn instantiate(&mut self, module: &Module, imports: &[Extern]) -> Result<InstanceId> {
        let m = &module.inner;
        if imports.len() != m.imports.len() {
            return Err(Error::Link(format!(
                "expected {} imports, got {}",
                m.imports.len(),
                imports.len()
            )));
        }
        crate::debug::register_module(self, &m.clone());
        let id = self.instances.len() as u32;
        let mut inst = Instance {
            module: m.clone(),
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            global_ptrs: Vec::new(),
            elems: Vec::new(),
            datas_dropped: vec![false; m.datas.len()],
        };
        for (import, &ext) in m.imports.iter().zip(imports) {
            let actual = self.extern_type(ext);
            if !import_matches(&import.ty, &actual) {
                return Err(Error::Link(format!(
                    "incompatible import type for `{}::{}`: expected {:?}, found {:?}",
                    import.module, import.name, import.ty, actual
                )));
            }
            match ext {
                Extern::Func(f) => inst.funcs.push(f),
                Extern::Table(t) => inst.tables.push(t.0),
                Extern::Memory(mem) => inst.memories.push(mem.0),
                Extern::Global(g) => inst.globals.push(g.0),
            }
        }
        for body in m.bodies.iter() {
            self.funcs.push(FuncInst::Wasm {
                instance: id,
                module: m.clone(),
                body,
                type_id: body.type_id,
            });
            inst.funcs.push(FuncAddr(self.funcs.len() as u32 - 1));
        }
        for &(min, max) in &m.memories[m.num_imported_memories as usize..] {
            let mem = self.alloc_memory_inner(min, max)?;
            inst.memories.push(mem.0);
        }
        for (i, init) in m.global_inits.iter().enumerate() {
            let (ty, mutable) = m.globals[m.num_imported_globals as usize + i];
            let value = self.eval_const(&inst, init);
            self.globals
                .push(Box::new(GlobalInst { value, ty, mutable }));
            inst.globals.push(self.globals.len() as u32 - 1);
        }
        for (i, &(ty, min, max)) in m.tables[m.num_imported_tables as usize..]
            .iter()
            .enumerate()
        {
            let init = m.table_inits[i]
                .as_ref()
                .map_or(0, |e| self.eval_const(&inst, e));
            if min > 10_000_000 {
                return Err(Error::Link(format!("table of {min} elements is too large")));
            }
            self.tables.push(TableInst {
                elems: vec![init; min as usize],
                ty,
                max,
            });
            inst.tables.push(self.tables.len() as u32 - 1);
        }
        inst.global_ptrs = inst
            .globals
            .iter()
            .map(|&g| &mut self.globals[g as usize].value as *mut u64)
            .collect();
        inst.elems = m
            .elems
            .iter()
            .map(|seg| {
                seg.items
                    .iter()
                    .map(|e| self.eval_const(&inst, e))
                    .collect()
            })
            .collect();
        self.instances.push(inst);

        // Segments are applied in order; a failing one traps, keeping the earlier effects.
        let empty: Rc<[u64]> = Rc::new([]);
        for (i, seg) in m.elems.iter().enumerate() {
            let inst = &self.instances[id as usize];
            match &seg.mode {
                SegmentMode::Active { index, offset } => {
                    let offset = self.eval_const(inst, offset) as u32 as usize;
                    let table = inst.tables[*index as usize] as usize;
                    let items = inst.elems[i].clone();
                    let elems = &mut self.tables[table].elems;
                    if offset
                        .checked_add(items.len())
                        .is_none_or(|end| end > elems.len())
                    {
                        return Err(Error::Instantiate(TrapKind::TableOutOfBounds.into()));
                    }
                    elems[offset..offset + items.len()].copy_from_slice(&items);
                }
                SegmentMode::Declared => {}
                SegmentMode::Passive => continue,
            }
            self.instances[id as usize].elems[i] = empty.clone();
        }
        for (i, seg) in m.datas.iter().enumerate() {
            let inst = &self.instances[id as usize];
            if let SegmentMode::Active { index, offset } = &seg.mode {
                let offset = self.eval_const(inst, offset) as u32 as usize;
                let mem = &mut self.memories[inst.memories[*index as usize] as usize].data;
                if offset
                    .checked_add(seg.bytes.len())
                    .is_none_or(|end| end > mem.len())
                {
                    return Err(Error::Instantiate(TrapKind::MemoryOutOfBounds.into()));
                }
                mem[offset..offset + seg.bytes.len()].copy_from_slice(&seg.bytes);
                self.instances[id as usize].datas_dropped[i] = true;
            }
        }
        if let Some(start) = m.start {
            let f = self.instances[id as usize].funcs[start as usize];
            self.invoke(f, &[]).map_err(Error::Instantiate)?;
        }
        Ok(InstanceId(id))
    }

    pub(crate) fn check_args(&self, func: FuncAddr, args: &[Val]) -> Result<FuncType, Trap> {
        let Some(ty) = self
            .funcs
            .get(func.0 as usize)
            .map(|_| self.func_type(func))
        else {
            return Err(Trap::host(format!("no function {}", func.0)));
        };
        if args.len() != ty.params.len() || args.iter().zip(&ty.params).any(|(a, t)| a.ty() != *t) {
            let given: Vec<String> = args.iter().map(|a| a.ty().to_string()).collect();
            return Err(Trap::host(format!(
                "wrong arguments for a function of type {ty}: ({})",
                given.join(", ")
            )));
        }
        Ok(ty)
    }

    pub(crate) fn is_wasm(&self, func: FuncAddr) -> bool {
        matches!(self.funcs.get(func.0 as usize), Some(FuncInst::Wasm { .. }))
    }

    /// Calls `func` with `args` to completion (breakpoints and other pauses are passed over);
    /// returns its results or the trap.
    pub fn invoke(&mut self, func: FuncAddr, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let ty = self.check_args(func, args)?;
        if let FuncInst::Host { f, .. } = &self.funcs[func.0 as usize] {
            let f = f.clone();
            let mut results: Vec<Val> = ty.results.iter().map(|t| Val::default_for(*t)).collect();
            let mut caller = Caller {
                store: self,
                instance: None,
            };
            f(&mut caller, args, &mut results)?;
            return Ok(results);
        }
        if self.is_paused() {
            return Err(Trap::host(
                "cannot call into wasm while an execution is paused",
            ));
        }
        self.start(func, args)?;
        loop {
            match self.resume() {
                crate::Event::Finished(values) => return Ok(values),
                crate::Event::Trapped(trap) => {
                    self.abort();
                    return Err(trap);
                }
                crate::Event::Paused(_) => {}
            }
        }
    }
}

fn limits_match(min: u64, max: Option<u64>, actual_min: u64, actual_max: Option<u64>) -> bool {
    actual_min >= min
        && match max {
            None => true,
            Some(max) => actual_max.is_some_and(|am| am <= max),
        }
}

fn import_matches(expected: &ExternType, actual: &ExternType) -> bool {
    match (expected, actual) {
        (ExternType::Func(a), ExternType::Func(b)) => a == b,
        (
            ExternType::Table { elem, min, max },
            ExternType::Table {
                elem: e,
                min: am,
                max: amax,
            },
        ) => elem == e && limits_match(*min, *max, *am, *amax),
        (ExternType::Memory { min, max }, ExternType::Memory { min: am, max: amax }) => {
            limits_match(*min, *max, *am, *amax)
        }
        (ExternType::Global { ty, mutable }, ExternType::Global { ty: t, mutable: m }) => {
            ty == t && mutable == m
        }
        _ => false,
    }
}

/// What a host function sees of its caller.
pub struct Caller<'a> {
    pub(crate) store: &'a mut Store,
    pub(crate) instance: Option<u32>,
}

impl Caller<'_> {
    /// The calling instance's linear memory 0, if any.
    pub fn memory(&mut self) -> Option<&mut [u8]> {
        let inst = &self.store.instances[self.instance? as usize];
        let mem = *inst.memories.first()?;
        Some(&mut self.store.memories[mem as usize].data)
    }

    /// The calling instance, if called from wasm.
    pub fn instance(&self) -> Option<InstanceId> {
        self.instance.map(InstanceId)
    }
}

enum Definition {
    Extern(Extern),
    Host(FuncType, Rc<HostFn>),
}

/// Resolves imports by (module, name) and instantiates modules.
#[derive(Default)]
pub struct Linker {
    defs: HashMap<(String, String), Definition>,
}

impl std::fmt::Debug for Linker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker")
            .field("definitions", &self.defs.len())
            .finish()
    }
}

impl Linker {
    pub fn new() -> Linker {
        Linker::default()
    }

    /// Defines a host function.
    pub fn func(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + 'static,
    ) -> &mut Linker {
        self.defs.insert(
            (module.into(), name.into()),
            Definition::Host(ty, Rc::new(f)),
        );
        self
    }

    /// Defines an existing entity.
    pub fn define(&mut self, module: &str, name: &str, ext: Extern) -> &mut Linker {
        self.defs
            .insert((module.into(), name.into()), Definition::Extern(ext));
        self
    }

    /// Defines every export of `instance` under the module name `name`.
    pub fn define_instance(
        &mut self,
        store: &Store,
        name: &str,
        instance: InstanceId,
    ) -> &mut Linker {
        for (export, ext) in store.exports(instance) {
            self.define(name, &export, ext);
        }
        self
    }

    /// Resolves the imports of `module` and instantiates it.
    pub fn instantiate(&self, store: &mut Store, module: &Module) -> Result<InstanceId> {
        let mut imports = Vec::with_capacity(module.inner.imports.len());
        for import in &module.inner.imports {
            let def = self
                .defs
                .get(&(import.module.clone(), import.name.clone()))
                .ok_or_else(|| {
                    Error::Link(format!(
                        "unknown import `{}::{}`",
                        import.module, import.name
                    ))
                })?;
            imports.push(match def {
                Definition::Extern(e) => *e,
                Definition::Host(ty, f) => Extern::Func(store.alloc_host(ty.clone(), f.clone())),
            });
        }
        store.instantiate(module, &imports)
    }
}
