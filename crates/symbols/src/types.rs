//! DWARF types, read one DIE at a time on demand, plus the few types expressions create
//! (`int` for literals, `T *` for `&x`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gimli::AttributeValue;

use crate::dwarf::{DieRef, Dwarf, R, sdata, udata};

/// A type: in the DWARF, made up by an expression, or `void`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Void,
    Die(DieRef),
    Synth(u32),
}

/// How a base type's bits are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Signed,
    Unsigned,
    SignedChar,
    UnsignedChar,
    Float,
    Bool,
    /// Anything else (complex, decimal float...): shown as raw bytes.
    Other,
}

/// `struct`, `class` or `union`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Struct,
    Class,
    Union,
}

impl Aggregate {
    pub fn keyword(self) -> &'static str {
        match self {
            Aggregate::Struct => "struct",
            Aggregate::Class => "class",
            Aggregate::Union => "union",
        }
    }
}

/// A data member (or a base class) of an aggregate.
#[derive(Debug, Clone)]
pub struct Member {
    /// None for anonymous members (unnamed unions/structs) and base classes.
    pub name: Option<String>,
    pub ty: TypeRef,
    /// Offset from the start of the aggregate, in bits.
    pub bit_offset: u64,
    /// For bitfields: the width in bits.
    pub bit_size: Option<u32>,
    /// A C++ base class subobject.
    pub base_class: bool,
}

/// `const`, `volatile`, `restrict`, `_Atomic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    Const,
    Volatile,
    Restrict,
    Atomic,
}

/// A type's shape.
#[derive(Debug, Clone)]
pub enum Type {
    Void,
    Base {
        name: String,
        encoding: Encoding,
        size: u32,
    },
    Pointer {
        target: TypeRef,
        size: u32,
    },
    /// C++ `T&` / `T&&`.
    Reference {
        target: TypeRef,
        rvalue: bool,
    },
    Aggregate {
        kind: Aggregate,
        name: Option<String>,
        size: u32,
        members: Vec<Member>,
        /// Only declared here (its definition may be in another unit).
        declaration: bool,
        die: Option<DieRef>,
    },
    Array {
        elem: TypeRef,
        /// Element count (None: unknown bound, `int a[]`).
        count: Option<u64>,
    },
    Enum {
        name: Option<String>,
        size: u32,
        signed: bool,
        values: Vec<(String, i64)>,
    },
    Typedef {
        name: String,
        target: TypeRef,
    },
    Qualified {
        qualifier: Qualifier,
        target: TypeRef,
    },
    Function {
        ret: TypeRef,
        params: Vec<TypeRef>,
        variadic: bool,
    },
    /// A DWARF type we do not model (pointer to member, ...): its tag, for messages.
    Unsupported(String),
}

/// The type table of a module: DWARF types by DIE plus synthesized ones.
#[derive(Debug, Default)]
pub(crate) struct Types {
    dies: RefCell<HashMap<DieRef, Rc<Type>>>,
    synth: RefCell<Vec<Rc<Type>>>,
    synth_index: RefCell<HashMap<String, u32>>,
}

impl Types {
    /// Adds (or finds) a synthesized type; `key` identifies it structurally.
    pub fn synth(&self, key: String, make: impl FnOnce() -> Type) -> TypeRef {
        if let Some(&i) = self.synth_index.borrow().get(&key) {
            return TypeRef::Synth(i);
        }
        let mut synth = self.synth.borrow_mut();
        let i = synth.len() as u32;
        synth.push(Rc::new(make()));
        self.synth_index.borrow_mut().insert(key, i);
        TypeRef::Synth(i)
    }

    /// The type `r` (DWARF types are read on first use and cached).
    pub fn get(&self, dwarf: Option<&Dwarf>, r: TypeRef) -> Rc<Type> {
        match r {
            TypeRef::Void => Rc::new(Type::Void),
            TypeRef::Synth(i) => self.get_synth(i),
            TypeRef::Die(die) => {
                if let Some(t) = self.dies.borrow().get(&die) {
                    return t.clone();
                }
                let t = match dwarf {
                    Some(dwarf) => Rc::new(read_type(dwarf, self, die)),
                    None => Rc::new(Type::Unsupported("no DWARF".into())),
                };
                self.dies.borrow_mut().insert(die, t.clone());
                t
            }
        }
    }

    fn get_synth(&self, i: u32) -> Rc<Type> {
        self.synth
            .borrow()
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| Rc::new(Type::Unsupported("unknown type".into())))
    }
}

/// Reads the type at `die` (not cached; the caller caches).
fn read_type(dwarf: &Dwarf, types: &Types, die: DieRef) -> Type {
    let Some((unit, entry)) = dwarf.entry(die) else {
        return Type::Unsupported("unreadable type".into());
    };
    let target = || match dwarf.attr_ref(die.unit, &entry, gimli::DW_AT_type) {
        Some(t) => TypeRef::Die(t),
        None => TypeRef::Void,
    };
    let name = || dwarf.attr_str(&unit, &entry, gimli::DW_AT_name);
    let size = || {
        entry
            .attr_value(gimli::DW_AT_byte_size)
            .as_ref()
            .and_then(udata)
            .unwrap_or(0) as u32
    };
    match entry.tag() {
        gimli::DW_TAG_base_type => {
            let encoding = match entry.attr_value(gimli::DW_AT_encoding) {
                Some(AttributeValue::Encoding(e)) => match e {
                    gimli::DW_ATE_signed => Encoding::Signed,
                    gimli::DW_ATE_unsigned => Encoding::Unsigned,
                    gimli::DW_ATE_signed_char => Encoding::SignedChar,
                    gimli::DW_ATE_unsigned_char | gimli::DW_ATE_UTF => Encoding::UnsignedChar,
                    gimli::DW_ATE_float => Encoding::Float,
                    gimli::DW_ATE_boolean => Encoding::Bool,
                    _ => Encoding::Other,
                },
                _ => Encoding::Other,
            };
            Type::Base {
                name: name().unwrap_or_else(|| "?".into()),
                encoding,
                size: size(),
            }
        }
        gimli::DW_TAG_unspecified_type => Type::Void,
        gimli::DW_TAG_pointer_type => Type::Pointer {
            target: target(),
            size: match size() {
                0 => 4,
                n => n,
            },
        },
        gimli::DW_TAG_reference_type | gimli::DW_TAG_rvalue_reference_type => Type::Reference {
            target: target(),
            rvalue: entry.tag() == gimli::DW_TAG_rvalue_reference_type,
        },
        gimli::DW_TAG_typedef => Type::Typedef {
            name: name().unwrap_or_default(),
            target: target(),
        },
        gimli::DW_TAG_const_type
        | gimli::DW_TAG_volatile_type
        | gimli::DW_TAG_restrict_type
        | gimli::DW_TAG_atomic_type => Type::Qualified {
            qualifier: match entry.tag() {
                gimli::DW_TAG_const_type => Qualifier::Const,
                gimli::DW_TAG_volatile_type => Qualifier::Volatile,
                gimli::DW_TAG_restrict_type => Qualifier::Restrict,
                _ => Qualifier::Atomic,
            },
            target: target(),
        },
        gimli::DW_TAG_structure_type | gimli::DW_TAG_class_type | gimli::DW_TAG_union_type => {
            let kind = match entry.tag() {
                gimli::DW_TAG_structure_type => Aggregate::Struct,
                gimli::DW_TAG_class_type => Aggregate::Class,
                _ => Aggregate::Union,
            };
            let declaration = matches!(
                entry.attr_value(gimli::DW_AT_declaration),
                Some(AttributeValue::Flag(true))
            );
            Type::Aggregate {
                kind,
                name: name(),
                size: size(),
                members: read_members(dwarf, die).unwrap_or_default(),
                declaration,
                die: Some(die),
            }
        }
        gimli::DW_TAG_enumeration_type => {
            let mut values = Vec::new();
            let underlying = target();
            // The underlying base type's encoding, read directly: going through the type
            // cache could recurse forever on malformed DWARF (an enum based on itself).
            let signed = match underlying {
                TypeRef::Die(u) if u != die => dwarf.entry(u).is_none_or(|(_, e)| {
                    e.tag() != gimli::DW_TAG_base_type
                        || matches!(
                            e.attr_value(gimli::DW_AT_encoding),
                            Some(AttributeValue::Encoding(
                                gimli::DW_ATE_signed | gimli::DW_ATE_signed_char
                            ))
                        )
                }),
                _ => true,
            };
            let _ = children(dwarf, die, |child, entry| {
                if entry.tag() == gimli::DW_TAG_enumerator {
                    let n = dwarf.name(child).unwrap_or_default();
                    let v = entry.attr_value(gimli::DW_AT_const_value);
                    let v = if signed {
                        v.as_ref().and_then(sdata)
                    } else {
                        v.as_ref().and_then(udata).map(|v| v as i64)
                    };
                    values.push((n, v.unwrap_or(0)));
                }
            });
            Type::Enum {
                name: name(),
                size: match size() {
                    0 => 4,
                    n => n,
                },
                signed,
                values,
            }
        }
        gimli::DW_TAG_array_type => {
            let mut dims = Vec::new();
            let _ = children(dwarf, die, |_, entry| {
                if entry.tag() == gimli::DW_TAG_subrange_type {
                    let count = entry
                        .attr_value(gimli::DW_AT_count)
                        .as_ref()
                        .and_then(udata)
                        .or_else(|| {
                            let upper = entry.attr_value(gimli::DW_AT_upper_bound)?;
                            let lower = entry
                                .attr_value(gimli::DW_AT_lower_bound)
                                .as_ref()
                                .and_then(sdata)
                                .unwrap_or(0);
                            let upper = sdata(&upper)?;
                            u64::try_from(upper.checked_sub(lower)?.checked_add(1)?).ok()
                        });
                    dims.push(count);
                }
            });
            if dims.is_empty() {
                dims.push(None);
            }
            // `int a[2][3]` is an array of 2 arrays of 3: build from the innermost out.
            let mut elem = target();
            for (i, count) in dims.iter().enumerate().skip(1).rev() {
                let inner = Type::Array {
                    elem,
                    count: *count,
                };
                elem = types.synth(format!("dim{i}:{die:?}"), || inner);
            }
            Type::Array {
                elem,
                count: dims[0],
            }
        }
        gimli::DW_TAG_subroutine_type => {
            let mut params = Vec::new();
            let mut variadic = false;
            let _ = children(dwarf, die, |_, entry| match entry.tag() {
                gimli::DW_TAG_formal_parameter => {
                    if let Some(t) = dwarf.attr_ref(die.unit, entry, gimli::DW_AT_type) {
                        params.push(TypeRef::Die(t));
                    }
                }
                gimli::DW_TAG_unspecified_parameters => variadic = true,
                _ => {}
            });
            Type::Function {
                ret: target(),
                params,
                variadic,
            }
        }
        tag => Type::Unsupported(tag.static_string().unwrap_or("unknown tag").to_string()),
    }
}

/// The data members and base classes of an aggregate.
fn read_members(dwarf: &Dwarf, die: DieRef) -> gimli::Result<Vec<Member>> {
    let mut members = Vec::new();
    children(dwarf, die, |_, entry| {
        let base_class = entry.tag() == gimli::DW_TAG_inheritance;
        if entry.tag() != gimli::DW_TAG_member && !base_class {
            return;
        }
        // C++ static members are declarations without a location.
        if entry.has_attr(gimli::DW_AT_external)
            && !entry.has_attr(gimli::DW_AT_data_member_location)
            && !entry.has_attr(gimli::DW_AT_data_bit_offset)
        {
            return;
        }
        let Some(ty) = dwarf.attr_ref(die.unit, entry, gimli::DW_AT_type) else {
            return;
        };
        let byte_offset = entry
            .attr_value(gimli::DW_AT_data_member_location)
            .as_ref()
            .and_then(udata)
            .unwrap_or(0);
        let bit_size = entry
            .attr_value(gimli::DW_AT_bit_size)
            .as_ref()
            .and_then(udata)
            .map(|b| b as u32);
        let bit_offset = if let Some(bits) = entry
            .attr_value(gimli::DW_AT_data_bit_offset)
            .as_ref()
            .and_then(udata)
        {
            bits
        } else if let (Some(size), Some(old)) = (
            bit_size,
            entry
                .attr_value(gimli::DW_AT_bit_offset)
                .as_ref()
                .and_then(udata),
        ) {
            // DWARF 2: bit_offset counts from the storage unit's most significant bit.
            let storage = entry
                .attr_value(gimli::DW_AT_byte_size)
                .as_ref()
                .and_then(udata)
                .unwrap_or(4);
            byte_offset * 8 + (storage * 8).saturating_sub(old + u64::from(size))
        } else {
            byte_offset * 8
        };
        let name = if base_class {
            None
        } else {
            let unit = dwarf.unit(die.unit);
            unit.and_then(|u| dwarf.attr_str(&u, entry, gimli::DW_AT_name))
        };
        members.push(Member {
            name,
            ty: TypeRef::Die(ty),
            bit_offset,
            bit_size,
            base_class,
        });
    })?;
    Ok(members)
}

/// Calls `f` on each direct child of `die`.
pub(crate) fn children(
    dwarf: &Dwarf,
    die: DieRef,
    mut f: impl FnMut(DieRef, &gimli::DebuggingInformationEntry<R>),
) -> gimli::Result<()> {
    let Some(unit) = dwarf.unit(die.unit) else {
        return Ok(());
    };
    let mut tree = unit.unit.entries_tree(Some(dwarf.unit_offset(die)))?;
    let root = tree.root()?;
    let mut kids = root.children();
    while let Some(child) = kids.next()? {
        let entry = child.entry();
        f(dwarf.die_ref(die.unit, entry.offset()), entry);
    }
    Ok(())
}
