//! Name indexes over every unit, built on the first query that needs them: functions (with
//! their inlined copies), global variables and named types.

use std::collections::HashMap;

use gimli::Reader as _;

use crate::dwarf::{DieRef, Dwarf};

/// One walk of every unit's DIE tree.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// Qualified function name -> concrete subprograms with code.
    pub functions: HashMap<String, Vec<DieRef>>,
    /// Qualified function name -> inlined copies (`DW_TAG_inlined_subroutine`).
    pub inlined: HashMap<String, Vec<DieRef>>,
    /// Qualified name -> global or namespace-scope variables with a location.
    pub globals: HashMap<String, Vec<DieRef>>,
    /// Enumerator name -> its enumeration type.
    pub enumerators: HashMap<String, Vec<DieRef>>,
    /// Type name as written in C (`struct node`, `size_t`, `Shape`) -> definitions.
    pub types: HashMap<String, Vec<DieRef>>,
}

impl Index {
    pub fn build(dwarf: &Dwarf) -> Index {
        let mut index = Index::default();
        for u in 0..dwarf.unit_count() {
            if let Err(e) = index.add_unit(dwarf, u) {
                dwarf.warn(format!("stopped indexing DWARF unit {u}: {e}"));
            }
        }
        index
    }

    fn add_unit(&mut self, dwarf: &Dwarf, u: usize) -> gimli::Result<()> {
        let Some(unit) = dwarf.unit(u) else {
            return Ok(());
        };
        let mut cursor = unit.unit.entries();
        // Enclosing namespace/class names, by depth.
        let mut scopes: Vec<(isize, String)> = Vec::new();
        // Depth of the innermost function being walked (its locals are not globals).
        let mut in_function: Option<isize> = None;
        let mut depth = 0isize;
        // Qualified names of every subprogram DIE with a name, and the DIEs whose name comes
        // from another one (resolved after the walk, in one pass).
        let mut names: HashMap<DieRef, String> = HashMap::new();
        let mut deferred: Vec<(DieRef, DieRef, bool)> = Vec::new();
        let mut current_enum: Option<(isize, DieRef)> = None;
        while let Some(entry) = cursor.next_dfs()? {
            depth = entry.depth();
            while scopes.last().is_some_and(|(d, _)| *d >= depth) {
                scopes.pop();
            }
            if in_function.is_some_and(|d| d >= depth) {
                in_function = None;
            }
            let tag = entry.tag();
            let die = dwarf.die_ref(u, entry.offset());
            let name = dwarf.attr_str(&unit, entry, gimli::DW_AT_name);
            let qualify = |name: &str| {
                let mut q = String::new();
                for (_, scope) in &scopes {
                    q.push_str(scope);
                    q.push_str("::");
                }
                q.push_str(name);
                q
            };
            if tag == gimli::DW_TAG_enumerator
                && let (Some(name), Some((d, e))) = (&name, current_enum)
                && d + 1 == depth
            {
                self.enumerators.entry(name.clone()).or_default().push(e);
            }
            if tag == gimli::DW_TAG_enumeration_type {
                current_enum = Some((depth, die));
            }
            match tag {
                gimli::DW_TAG_namespace
                | gimli::DW_TAG_structure_type
                | gimli::DW_TAG_class_type
                | gimli::DW_TAG_union_type => {
                    if tag != gimli::DW_TAG_namespace
                        && let Some(name) = &name
                        && in_function.is_none()
                        && !entry.has_attr(gimli::DW_AT_declaration)
                    {
                        let keyword = match tag {
                            gimli::DW_TAG_structure_type => "struct",
                            gimli::DW_TAG_class_type => "class",
                            _ => "union",
                        };
                        let q = qualify(name);
                        self.types
                            .entry(format!("{keyword} {q}"))
                            .or_default()
                            .push(die);
                        self.types.entry(q).or_default().push(die);
                    }
                    if entry.has_children() {
                        let scope = name.unwrap_or_else(|| "(anonymous namespace)".into());
                        scopes.push((depth, scope));
                    }
                }
                gimli::DW_TAG_enumeration_type
                | gimli::DW_TAG_typedef
                | gimli::DW_TAG_base_type => {
                    if let Some(name) = &name
                        && in_function.is_none()
                    {
                        let q = qualify(name);
                        if tag == gimli::DW_TAG_enumeration_type {
                            self.types.entry(format!("enum {q}")).or_default().push(die);
                        }
                        self.types.entry(q).or_default().push(die);
                    }
                }
                gimli::DW_TAG_subprogram => {
                    let linkage = if entry.has_attr(gimli::DW_AT_linkage_name) {
                        linkage_name(dwarf, die)
                    } else {
                        None
                    };
                    let q = linkage.or_else(|| name.as_deref().map(qualify));
                    if let Some(q) = &q {
                        names.insert(die, q.clone());
                    }
                    if entry.has_attr(gimli::DW_AT_low_pc) || entry.has_attr(gimli::DW_AT_ranges) {
                        match q {
                            Some(q) => self.functions.entry(q).or_default().push(die),
                            None => {
                                if let Some(origin) = dwarf
                                    .attr_ref(u, entry, gimli::DW_AT_specification)
                                    .or_else(|| {
                                        dwarf.attr_ref(u, entry, gimli::DW_AT_abstract_origin)
                                    })
                                {
                                    deferred.push((die, origin, false));
                                }
                            }
                        }
                    }
                    if entry.has_children() && in_function.is_none() {
                        in_function = Some(depth);
                    }
                }
                gimli::DW_TAG_inlined_subroutine => {
                    if let Some(origin) = dwarf.attr_ref(u, entry, gimli::DW_AT_abstract_origin) {
                        deferred.push((die, origin, true));
                    }
                }
                gimli::DW_TAG_variable
                    if in_function.is_none() && entry.has_attr(gimli::DW_AT_location) =>
                {
                    let name = match name {
                        Some(name) => Some(qualify(&name)),
                        // A definition of a declaration inside a class or namespace.
                        None => dwarf
                            .attr_ref(u, entry, gimli::DW_AT_specification)
                            .and_then(|spec| qualified_name(dwarf, spec)),
                    };
                    if let Some(name) = name {
                        self.globals.entry(name).or_default().push(die);
                    }
                }
                _ => {}
            }
        }
        let _ = depth;
        for (die, origin, inlined) in deferred {
            let q = match names.get(&origin) {
                Some(q) => Some(q.clone()),
                None => function_name(dwarf, origin),
            };
            if let Some(q) = q {
                let map = if inlined {
                    &mut self.inlined
                } else {
                    &mut self.functions
                };
                map.entry(q).or_default().push(die);
            }
        }
        Ok(())
    }
}

/// The qualified name of a function DIE: its demangled linkage name without parameters, or
/// its DWARF name qualified by the enclosing scopes.
pub(crate) fn function_name(dwarf: &Dwarf, die: DieRef) -> Option<String> {
    linkage_name(dwarf, die).or_else(|| qualified_name(dwarf, die))
}

/// A function's name without walking the unit for its enclosing scopes: the demangled
/// linkage name (C++, Rust: already qualified), else the plain DWARF name (C). For frames,
/// which are named at every stop.
pub(crate) fn function_name_fast(dwarf: &Dwarf, die: DieRef) -> Option<String> {
    linkage_name(dwarf, die).or_else(|| dwarf.name(die))
}

/// The demangled linkage name of a function, without its parameter list.
fn linkage_name(dwarf: &Dwarf, die: DieRef) -> Option<String> {
    let (d, value) = dwarf.inherited_attr(die, gimli::DW_AT_linkage_name)?;
    let (unit, _) = dwarf.entry(d)?;
    let mangled = dwarf.sections.attr_string(&unit.unit, value).ok()?;
    crate::names::demangle_function(&mangled.to_string_lossy().ok()?)
}

/// A DIE's name with the namespaces and classes around it (`ns::Shape::area`).
pub(crate) fn qualified_name(dwarf: &Dwarf, die: DieRef) -> Option<String> {
    let name = dwarf.name(die)?;
    // Follow a specification to the declaration, whose parents are the scopes.
    let mut decl = die;
    for _ in 0..4 {
        let (_, entry) = dwarf.entry(decl)?;
        match dwarf
            .attr_ref(decl.unit, &entry, gimli::DW_AT_specification)
            .or_else(|| dwarf.attr_ref(decl.unit, &entry, gimli::DW_AT_abstract_origin))
        {
            Some(next) => decl = next,
            None => break,
        }
    }
    let mut parts = parent_scopes(dwarf, decl);
    parts.push(name);
    Some(parts.join("::"))
}

/// Names of the namespaces/classes enclosing a DIE, outermost first.
fn parent_scopes(dwarf: &Dwarf, die: DieRef) -> Vec<String> {
    let Some(unit) = dwarf.unit(die.unit) else {
        return Vec::new();
    };
    let target = dwarf.unit_offset(die);
    let mut cursor = unit.unit.entries();
    let mut stack: Vec<(isize, Option<String>)> = Vec::new();
    while let Ok(Some(entry)) = cursor.next_dfs() {
        let depth = entry.depth();
        while stack.last().is_some_and(|(d, _)| *d >= depth) {
            stack.pop();
        }
        if entry.offset() == target {
            return stack.into_iter().filter_map(|(_, n)| n).collect();
        }
        if entry.offset() > target {
            break;
        }
        let scope = matches!(
            entry.tag(),
            gimli::DW_TAG_namespace
                | gimli::DW_TAG_structure_type
                | gimli::DW_TAG_class_type
                | gimli::DW_TAG_union_type
        );
        if entry.has_children() {
            let name = if scope {
                Some(
                    dwarf
                        .attr_str(&unit, entry, gimli::DW_AT_name)
                        .unwrap_or_else(|| "(anonymous namespace)".into()),
                )
            } else {
                None
            };
            stack.push((depth, name));
        }
    }
    Vec::new()
}
