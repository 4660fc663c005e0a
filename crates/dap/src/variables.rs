//! `variables` (lazy children, paging), `setVariable`, `setExpression`, `evaluate`,
//! `completions`.

use serde::Deserialize;
use serde_json::{Value as Json, json};
use wdb_session::{Type, Value, VarKind, VarView};

use crate::adapter::{Adapter, hex};
use crate::error::{Error, bail};
use crate::handles::{Handle, Scope, WasmGroup};
use crate::protocol::Request;

/// Without a `count`, at most this many array elements are sent.
const MAX_ELEMENTS: u64 = 10_000;

/// A variable as listed.
#[derive(Debug, Clone)]
pub struct Shown {
    pub name: String,
    pub value: String,
    pub type_name: String,
    /// The expression that names it (for `evaluateName`, assignments, watches).
    pub eval: Option<String>,
    /// Its value (None for wasm state, which has no source type).
    pub raw: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VariablesArgs {
    variables_reference: i64,
    start: Option<u64>,
    count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetVariableArgs {
    variables_reference: i64,
    name: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetExpressionArgs {
    expression: String,
    value: String,
    frame_id: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EvaluateArgs {
    expression: String,
    frame_id: Option<i64>,
    context: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompletionsArgs {
    frame_id: Option<i64>,
    text: String,
    column: i64,
}

impl Adapter {
    pub(crate) fn variables(&mut self, req: &Request) -> Result<Json, Error> {
        let args: VariablesArgs = req.args()?;
        self.stopped()?;
        let r = args.variables_reference;
        if let Handle::Scope(frame, Scope::Wasm) = self.handles.get(r)? {
            let frame = *frame;
            let groups = [
                ("locals", WasmGroup::Locals),
                ("operand stack", WasmGroup::Stack),
                ("globals", WasmGroup::Globals),
            ];
            let mut out = Vec::new();
            for (name, g) in groups {
                let n = self.wasm_values(frame, g)?.len();
                out.push(json!({
                    "name": name,
                    "value": format!("{n} value{}", if n == 1 { "" } else { "s" }),
                    "variablesReference": self.handles.insert(Handle::Wasm(frame, g)),
                    "indexedVariables": n,
                }));
            }
            return Ok(json!({"variables": out}));
        }
        let start = args.start.unwrap_or(0);
        let count = args.count.filter(|&c| c > 0).unwrap_or(MAX_ELEMENTS);
        let (frame, shown) = self.children_of(r, start, count)?;
        let vars: Vec<Json> = shown.into_iter().map(|s| self.var_json(frame, s)).collect();
        Ok(json!({"variables": vars}))
    }

    /// The variables under a reference: (frame, variables).
    pub(crate) fn children_of(
        &self,
        r: i64,
        start: u64,
        count: u64,
    ) -> Result<(usize, Vec<Shown>), Error> {
        let session = self.stopped()?;
        let named = |v: VarView| Shown {
            eval: Some(v.name.clone()),
            name: v.name,
            value: v.value,
            type_name: v.type_name,
            raw: Some(v.raw),
        };
        let page = |v: Vec<Shown>| -> Vec<Shown> {
            v.into_iter()
                .skip(usize::try_from(start).unwrap_or(usize::MAX))
                .take(usize::try_from(count).unwrap_or(usize::MAX))
                .collect()
        };
        Ok(match self.handles.get(r)? {
            Handle::Frame(_) => bail!("{r} is a frame id, not a variables reference"),
            Handle::Scope(frame, scope) => {
                let frame = *frame;
                let list = match scope {
                    Scope::Arguments => session.arguments(frame)?.into_iter().map(named).collect(),
                    Scope::Locals => {
                        let mut list: Vec<Shown> = Vec::new();
                        if frame == 0
                            && let Some((function, value)) = &self.returned
                        {
                            list.push(Shown {
                                name: format!("<{function} returned>"),
                                value: value.clone(),
                                type_name: String::new(),
                                eval: None,
                                raw: None,
                            });
                        }
                        list.extend(
                            session
                                .variables(frame)?
                                .into_iter()
                                .filter(|v| v.kind != VarKind::Param)
                                .map(named),
                        );
                        list
                    }
                    Scope::Globals => page(session.globals(frame).into_iter().map(named).collect()),
                    Scope::Wasm => Vec::new(),
                };
                (frame, list)
            }
            Handle::Wasm(frame, group) => {
                let prefix = match group {
                    WasmGroup::Locals => "$local",
                    WasmGroup::Stack => "$stack",
                    WasmGroup::Globals => "$global",
                };
                let list = self
                    .wasm_values(*frame, *group)?
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| Shown {
                        name: format!("{prefix}{i}"),
                        value: v.to_string(),
                        type_name: v.ty().to_string(),
                        eval: Some(format!("{prefix}{i}")),
                        raw: None,
                    })
                    .collect();
                (*frame, page(list))
            }
            Handle::Value { frame, value, path } => (
                *frame,
                self.value_children(*frame, value, path.as_deref(), start, count),
            ),
        })
    }

    /// Members, elements or pointee of a value. A pointer to a struct expands straight to
    /// the struct's members (`p->x`), as IDEs show it.
    fn value_children(
        &self,
        frame: usize,
        value: &Value,
        path: Option<&str>,
        start: u64,
        count: u64,
    ) -> Vec<Shown> {
        let Some(session) = &self.session else {
            return Vec::new();
        };
        let kids = session.children(value, frame, start, count);
        let is_pointer = matches!(
            &*session.symbols().strip(value.ty).1,
            Type::Pointer { .. } | Type::Reference { .. }
        );
        if is_pointer && let [only] = kids.as_slice() {
            let pointee = &only.raw;
            if matches!(
                &*session.symbols().strip(pointee.ty).1,
                Type::Aggregate { .. }
            ) {
                let inner = path.map(|p| format!("(*{})", paren(p)));
                return self.value_children(frame, pointee, inner.as_deref(), start, count);
            }
            let eval = path.map(|p| format!("*{}", paren(p)));
            return vec![Shown {
                name: eval.clone().unwrap_or_else(|| "*".into()),
                value: only.value.clone(),
                type_name: only.type_name.clone(),
                eval,
                raw: Some(only.raw.clone()),
            }];
        }
        kids.into_iter()
            .map(|k| Shown {
                eval: path.and_then(|p| child_path(p, &k.name)),
                name: k.name,
                value: k.value,
                type_name: k.type_name,
                raw: Some(k.raw),
            })
            .collect()
    }

    fn wasm_values(&self, frame: usize, group: WasmGroup) -> Result<Vec<wdb_session::Val>, Error> {
        let session = self.stopped()?;
        let Some(f) = session.frames().get(frame).cloned() else {
            bail!("no frame {frame}");
        };
        let dbg = session.debuggee();
        Ok(match group {
            WasmGroup::Locals => dbg.locals(f.wasm_frame).unwrap_or_default(),
            WasmGroup::Stack => dbg.operand_stack(f.wasm_frame).unwrap_or_default(),
            WasmGroup::Globals => (0..).map_while(|i| dbg.global(f.wasm_frame, i)).collect(),
        })
    }

    /// A DAP `Variable`.
    fn var_json(&mut self, frame: usize, s: Shown) -> Json {
        let mut j = json!({
            "name": s.name,
            "value": s.value,
            "type": s.type_name,
            "variablesReference": 0,
        });
        if let Some(e) = &s.eval {
            j["evaluateName"] = json!(e);
        }
        if let Some(v) = s.raw {
            self.value_fields(&mut j, frame, v, s.eval);
        }
        j
    }

    /// `variablesReference`, `indexedVariables`, `memoryReference` of a value.
    fn value_fields(&mut self, j: &mut Json, frame: usize, v: Value, path: Option<String>) {
        let Some(session) = &self.session else {
            return;
        };
        let symbols = session.symbols();
        let stripped = symbols.strip(v.ty).1;
        let memory = match &*stripped {
            // A function pointer holds a table index, not a memory address.
            Type::Pointer { target, .. }
                if !matches!(&*symbols.strip(*target).1, Type::Function { .. }) =>
            {
                session
                    .read_int(&v, frame)
                    .ok()
                    .map(|a| a as u64 & 0xffff_ffff)
            }
            _ => v.address(),
        };
        if let Some(m) = memory {
            j["memoryReference"] = json!(hex(m));
        }
        if let Type::Array { count: Some(n), .. } = &*stripped {
            j["indexedVariables"] = json!(n);
        }
        if symbols.has_children(&v) && !matches!(v.place, wdb_session::Place::Unavailable(_)) {
            j["variablesReference"] = json!(self.handles.insert(Handle::Value {
                frame,
                value: v,
                path,
            }));
        }
    }

    pub(crate) fn set_variable(&mut self, req: &Request) -> Result<Json, Error> {
        let args: SetVariableArgs = req.args()?;
        let (frame, list) = self.children_of(args.variables_reference, 0, u64::MAX)?;
        let Some(target) = list.into_iter().find(|s| s.name == args.name) else {
            bail!("no variable `{}` here", args.name);
        };
        let Some(lhs) = target.eval else {
            bail!("`{}` cannot be assigned", args.name);
        };
        self.assign(frame, &lhs, &args.value)
    }

    pub(crate) fn set_expression(&mut self, req: &Request) -> Result<Json, Error> {
        let args: SetExpressionArgs = req.args()?;
        let frame = self.frame_arg(args.frame_id)?;
        self.assign(frame, &args.expression, &args.value)
    }

    /// `lhs = rhs` in `frame`; the new value as `setVariable`/`setExpression` answer it.
    fn assign(&mut self, frame: usize, lhs: &str, rhs: &str) -> Result<Json, Error> {
        if rhs.trim().is_empty() {
            bail!("no value to assign");
        }
        self.stopped()?;
        let expr = format!("{lhs} = {rhs}");
        let session = self.sess_mut()?;
        let value = session.evaluate_mut(&expr, frame)?;
        session.cache_frames();
        if lhs.starts_with('$') {
            // Wasm state has no source type: show the engine's value.
            let v = session.evaluate(lhs, frame)?;
            return Ok(json!({"value": session.format_nested(&v, frame), "variablesReference": 0}));
        }
        let mut j = json!({
            "value": session.format_nested(&value, frame),
            "type": session.symbols().type_name(value.ty),
            "variablesReference": 0,
        });
        self.value_fields(&mut j, frame, value, Some(lhs.to_string()));
        Ok(j)
    }

    fn frame_arg(&self, frame_id: Option<i64>) -> Result<usize, Error> {
        match frame_id {
            Some(id) => self.handles.frame(id),
            None => Ok(0),
        }
    }

    pub(crate) fn evaluate(&mut self, req: &Request) -> Result<Json, Error> {
        let args: EvaluateArgs = req.args()?;
        let expr = args.expression.trim();
        if expr.is_empty() {
            bail!("empty expression");
        }
        let frame = self.frame_arg(args.frame_id)?;
        self.stopped()?;
        let repl = args.context.as_deref().is_none_or(|c| c == "repl");
        let assigns = has_assignment(expr);
        let session = self.sess_mut()?;
        // Only the debug console may change the program; hovers and watches never do.
        let value = if repl && assigns {
            let v = session.evaluate_mut(expr, frame)?;
            session.cache_frames();
            v
        } else {
            session.evaluate(expr, frame)?
        };
        let mut j = json!({
            "result": session.format(&value, frame),
            "type": session.symbols().type_name(value.ty),
            "variablesReference": 0,
        });
        self.value_fields(&mut j, frame, value, (!assigns).then(|| expr.to_string()));
        if assigns && self.client.invalidated_event {
            self.event("invalidated", json!({"areas": ["variables"]}));
        }
        Ok(j)
    }

    pub(crate) fn completions(&mut self, req: &Request) -> Result<Json, Error> {
        let args: CompletionsArgs = req.args()?;
        let frame = self.frame_arg(args.frame_id)?;
        let session = self.stopped()?;
        let chars: Vec<char> = args.text.chars().collect();
        let col = usize::try_from(args.column - i64::from(self.client.columns_start_at_1))
            .unwrap_or(0)
            .min(chars.len());
        let before = &chars[..col];
        let word_start = before
            .iter()
            .rposition(|c| !(c.is_alphanumeric() || *c == '_' || *c == '$'))
            .map_or(0, |i| i + 1);
        let prefix: String = before[word_start..].iter().collect();
        let head: String = before[..word_start].iter().collect();
        let mut items: Vec<(String, &str)> = Vec::new();
        if let Some(base) = head.strip_suffix("->").or_else(|| head.strip_suffix('.')) {
            // Members of a struct or of what a pointer points to.
            let base = base_expression(base);
            if let Ok(v) = session.evaluate(&base, frame) {
                let mut kids = session.children(&v, frame, 0, 0);
                if let [only] = kids.as_slice()
                    && only.name == "*"
                {
                    kids = session.children(&only.raw, frame, 0, 0);
                }
                items.extend(kids.into_iter().map(|k| (k.name, "property")));
            }
        } else {
            if let Ok(vars) = session.variables(frame) {
                items.extend(vars.into_iter().map(|v| (v.name, "variable")));
            }
            items.extend(
                session
                    .symbols()
                    .global_names()
                    .into_iter()
                    .map(|n| (n, "variable")),
            );
            items.extend(
                session
                    .symbols()
                    .function_names()
                    .into_iter()
                    .map(|n| (n, "function")),
            );
        }
        let mut seen = std::collections::HashSet::new();
        let targets: Vec<Json> = items
            .into_iter()
            .filter(|(n, _)| n.starts_with(&prefix) && !n.starts_with('[') && !n.starts_with('<'))
            .filter(|(n, _)| seen.insert(n.clone()))
            .take(500)
            .map(|(label, kind)| {
                json!({
                    "label": label,
                    "type": kind,
                    "start": word_start + usize::from(self.client.columns_start_at_1),
                    "length": prefix.chars().count(),
                })
            })
            .collect();
        Ok(json!({"targets": targets}))
    }
}

/// Wraps an expression in parentheses unless it is a plain name or postfix chain.
fn paren(p: &str) -> String {
    let simple = p
        .replace("->", ".")
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '[' | ']'));
    if simple || (p.starts_with("(*") && p.ends_with(')')) {
        p.to_string()
    } else {
        format!("({p})")
    }
}

/// The expression naming child `name` of the value named `parent`.
fn child_path(parent: &str, name: &str) -> Option<String> {
    if name.starts_with('[') {
        return Some(format!("{}{name}", paren(parent)));
    }
    if name.starts_with('<') || name == "*" {
        return None;
    }
    if let Some(inner) = parent.strip_prefix("(*").and_then(|s| s.strip_suffix(')')) {
        return Some(format!("{inner}->{name}"));
    }
    Some(format!("{}.{name}", paren(parent)))
}

/// The postfix chain before a member operator: `x + it->next` gives `it->next`.
fn base_expression(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut i = chars.len();
    while i > 0 {
        let c = chars[i - 1];
        if c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '[' | ']') {
            i -= 1;
        } else if c == '>' && i >= 2 && chars[i - 2] == '-' {
            i -= 2;
        } else {
            break;
        }
    }
    chars[i..].iter().collect()
}

/// Whether an expression assigns (`=`, `+=`..., not `==`, `<=`, `>=`, `!=`).
fn has_assignment(expr: &str) -> bool {
    let b = expr.as_bytes();
    let assigns_at = |i: usize| {
        if b.get(i + 1) == Some(&b'=') {
            return false;
        }
        match i.checked_sub(1).map(|j| b[j]) {
            Some(b'=' | b'!') => false,
            Some(c @ (b'<' | b'>')) => i >= 2 && b[i - 2] == c,
            _ => true,
        }
    };
    (0..b.len()).any(|i| b[i] == b'=' && assigns_at(i))
        || expr.contains("++")
        || expr.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_paths() {
        assert_eq!(child_path("it", "price").as_deref(), Some("it.price"));
        assert_eq!(child_path("(*it)", "price").as_deref(), Some("it->price"));
        assert_eq!(child_path("a[1]", "[2]").as_deref(), Some("a[1][2]"));
        assert_eq!(child_path("*p", "x").as_deref(), Some("(*p).x"));
        assert_eq!(child_path("s", "<Base>"), None);
    }

    #[test]
    fn assignments_are_told_from_comparisons() {
        for e in ["x = 1", "x += 2", "x <<= 1", "i++", "--i"] {
            assert!(has_assignment(e), "{e}");
        }
        for e in ["x == 1", "x <= 2", "x >= 3", "x != 4", "a->b", "x << 1"] {
            assert!(!has_assignment(e), "{e}");
        }
    }

    #[test]
    fn member_completion_base() {
        assert_eq!(base_expression("x + it->next"), "it->next");
        assert_eq!(base_expression("g_grid[1]"), "g_grid[1]");
    }
}
