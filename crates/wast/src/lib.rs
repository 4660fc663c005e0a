//! Runs `.wast` spec test scripts against the wdb engine and counts passed and failed
//! directives. Used by `wdb wast` and by the spec conformance test.

use std::collections::HashMap;
use std::fmt;

use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};
use wdb_engine::{Extern, FuncType, InstanceId, Linker, Module, Store, Trap, Val, ValType};

/// The outcome of one script.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub passed: usize,
    pub failed: usize,
    /// One line per failed directive: `line: what went wrong`.
    pub failures: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

/// Runs the script `text`; `name` is used in messages only. A script that cannot be parsed
/// counts as one failure.
pub fn run(name: &str, text: &str) -> Report {
    let mut report = Report::default();
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            report.fail(format!("{name}: {e}"));
            return report;
        }
    };
    let script = match parser::parse::<Wast>(&buf) {
        Ok(s) => s,
        Err(mut e) => {
            e.set_text(text);
            report.fail(format!("{name}: {e}"));
            return report;
        }
    };
    let mut runner = Runner::new();
    for directive in script.directives {
        let (line, _) = directive.span().linecol_in(text);
        match runner.directive(directive) {
            Ok(()) => report.passed += 1,
            Err(msg) => report.fail(format!("{name}:{}: {msg}", line + 1)),
        }
    }
    report
}

impl Report {
    fn fail(&mut self, msg: String) {
        self.failed += 1;
        self.failures.push(msg);
    }
}

struct Runner {
    store: Store,
    linker: Linker,
    /// Instances by `$id`, and the most recent one.
    named: HashMap<String, InstanceId>,
    current: Option<InstanceId>,
    /// Module definitions by `$id` (for `module definition` / `module instance`).
    definitions: HashMap<String, Module>,
}

type Outcome = Result<(), String>;

impl Runner {
    fn new() -> Runner {
        let mut store = Store::new();
        let mut linker = Linker::new();
        spectest(&mut store, &mut linker);
        Runner {
            store,
            linker,
            named: HashMap::new(),
            current: None,
            definitions: HashMap::new(),
        }
    }

    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Result<InstanceId, String> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("unknown module ${}", id.name())),
            None => self
                .current
                .ok_or_else(|| "no module instantiated".to_string()),
        }
    }

    fn compile(wat: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = wat
            .encode()
            .map_err(|e| format!("cannot encode module: {e}"))?;
        Module::new(bytes).map_err(|e| e.to_string())
    }

    fn instantiate(&mut self, module: &Module, id: Option<&str>) -> Outcome {
        let instance = self
            .linker
            .instantiate(&mut self.store, module)
            .map_err(|e| e.to_string())?;
        self.current = Some(instance);
        if let Some(id) = id {
            self.named.insert(id.to_string(), instance);
        }
        Ok(())
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(mut wat) => {
                let id = quote_id(&wat);
                let module = Self::compile(&mut wat)?;
                self.instantiate(&module, id.as_deref())
            }
            WastDirective::ModuleDefinition(mut wat) => {
                let id = quote_id(&wat);
                let module = Self::compile(&mut wat)?;
                if let Some(id) = id {
                    self.definitions.insert(id, module);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let module = module
                    .and_then(|m| self.definitions.get(m.name()).cloned())
                    .ok_or("unknown module definition")?;
                self.instantiate(&module, instance.map(|i| i.name()))
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module)?;
                self.linker.define_instance(&self.store, name, instance);
                Ok(())
            }
            WastDirective::Invoke(invoke) => {
                self.invoke(&invoke).map(drop).map_err(|t| t.to_string())
            }
            WastDirective::AssertMalformed { mut module, .. }
            | WastDirective::AssertInvalid { mut module, .. }
            | WastDirective::AssertMalformedCustom { mut module, .. }
            | WastDirective::AssertInvalidCustom { mut module, .. } => {
                let Ok(bytes) = module.encode() else {
                    return Ok(()); // rejected by the text format already
                };
                match Module::new(bytes) {
                    Ok(_) => Err("module was accepted but should be rejected".into()),
                    Err(_) => Ok(()),
                }
            }
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let mut wat = QuoteWat::Wat(module);
                let module = Self::compile(&mut wat)?;
                match self.linker.instantiate(&mut self.store, &module) {
                    Ok(_) => Err(format!("module linked but should fail with \"{message}\"")),
                    Err(_) => Ok(()),
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(values) => Err(format!("expected trap \"{message}\", got {values:?}")),
                Err(e) => check_message(&e, message),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(values) => Err(format!("expected exhaustion \"{message}\", got {values:?}")),
                Err(t) => check_message(&t.to_string(), message),
            },
            WastDirective::AssertReturn { exec, results, .. } => {
                let values = self.execute(exec)?;
                if values.len() != results.len() {
                    return Err(format!(
                        "expected {} results, got {values:?}",
                        results.len()
                    ));
                }
                for (v, r) in values.iter().zip(&results) {
                    if !matches_ret(v, r) {
                        return Err(format!("expected {results:?}, got {values:?}"));
                    }
                }
                Ok(())
            }
            other => Err(format!("unsupported directive {other:?}")),
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>, Trap> {
        let instance = self.instance(invoke.module).map_err(Trap::host)?;
        let func = self
            .store
            .export(instance, invoke.name)
            .and_then(Extern::into_func)
            .ok_or_else(|| Trap::host(format!("no exported function \"{}\"", invoke.name)))?;
        let args = invoke
            .args
            .iter()
            .map(arg)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Trap::host)?;
        self.store.invoke(func, &args)
    }

    /// Runs an action; errors are messages (traps at run time or instantiation).
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke).map_err(|t| t.to_string()),
            WastExecute::Wat(wat) => {
                let mut wat = QuoteWat::Wat(wat);
                let module = Self::compile(&mut wat)?;
                self.linker
                    .instantiate(&mut self.store, &module)
                    .map_err(|e| e.to_string())?;
                Ok(Vec::new())
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module)?;
                let g = self
                    .store
                    .export(instance, global)
                    .and_then(Extern::into_global)
                    .ok_or_else(|| format!("no exported global \"{global}\""))?;
                Ok(vec![self.store.global_get(g)])
            }
        }
    }
}

fn quote_id(wat: &QuoteWat<'_>) -> Option<String> {
    match wat {
        QuoteWat::Wat(Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
        _ => None,
    }
}

/// A trap message matches when either contains the other ("uninitialized element 2" vs ours).
fn check_message(actual: &str, expected: &str) -> Outcome {
    if actual.contains(expected)
        || expected.contains(actual.split(" at wasm pc").next().unwrap_or(actual))
    {
        Ok(())
    } else {
        Err(format!("expected trap \"{expected}\", got \"{actual}\""))
    }
}

fn arg(arg: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(core) = arg else {
        return Err("component values are not supported".into());
    };
    Ok(match core {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(v.bits),
        WastArgCore::F64(v) => Val::F64(v.bits),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        }) => Val::FuncRef(None),
        WastArgCore::RefNull(_) => Val::ExternRef(None),
        WastArgCore::RefExtern(v) => Val::ExternRef(Some(*v)),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

fn matches_ret(value: &Val, ret: &WastRet<'_>) -> bool {
    let WastRet::Core(core) = ret else {
        return false;
    };
    matches_core(value, core)
}

fn matches_core(value: &Val, ret: &WastRetCore<'_>) -> bool {
    match (ret, value) {
        (WastRetCore::I32(e), Val::I32(v)) => e == v,
        (WastRetCore::I64(e), Val::I64(v)) => e == v,
        (WastRetCore::F32(p), Val::F32(v)) => match p {
            NanPattern::CanonicalNan => v & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => f32::from_bits(*v).is_nan() && v & 0x0040_0000 != 0,
            NanPattern::Value(e) => e.bits == *v,
        },
        (WastRetCore::F64(p), Val::F64(v)) => match p {
            NanPattern::CanonicalNan => v & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => {
                f64::from_bits(*v).is_nan() && v & 0x0008_0000_0000_0000 != 0
            }
            NanPattern::Value(e) => e.bits == *v,
        },
        (WastRetCore::RefNull(_), Val::FuncRef(None) | Val::ExternRef(None)) => true,
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(e)), Val::ExternRef(Some(v))) => e == v,
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => true,
        (WastRetCore::Either(options), v) => options.iter().any(|o| matches_core(v, o)),
        _ => false,
    }
}

/// The `spectest` module every script may import from.
fn spectest(store: &mut Store, linker: &mut Linker) {
    let print = |params: Vec<ValType>| FuncType::new(params, []);
    for (name, params) in [
        ("print", vec![]),
        ("print_i32", vec![ValType::I32]),
        ("print_i64", vec![ValType::I64]),
        ("print_f32", vec![ValType::F32]),
        ("print_f64", vec![ValType::F64]),
        ("print_i32_f32", vec![ValType::I32, ValType::F32]),
        ("print_f64_f64", vec![ValType::F64, ValType::F64]),
    ] {
        linker.func("spectest", name, print(params), |_, _, _| Ok(()));
    }
    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(666.6f32.to_bits())),
        ("global_f64", Val::F64(666.6f64.to_bits())),
    ];
    for (name, value) in globals {
        let g = store.alloc_global(value, false);
        linker.define("spectest", name, Extern::Global(g));
    }
    let table = store.alloc_table(ValType::FuncRef, 10, Some(20));
    linker.define("spectest", "table", Extern::Table(table));
    if let Ok(memory) = store.alloc_memory(1, Some(2)) {
        linker.define("spectest", "memory", Extern::Memory(memory));
    }
}
