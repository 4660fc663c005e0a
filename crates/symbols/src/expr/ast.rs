//! Syntax tree produced by [`crate::expr::parse::parse`].
//!
//! Function-call syntax (`f(x)`), increment/decrement (`++x`, `x--`) and
//! compound assignment (`x += 1`) are not represented: the parser rejects
//! them with a [`crate::expr::parse::ParseError`].

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Integer literal: value, and C's literal type after suffix rules
    /// (decimal: int, long, long long...; hex/octal/binary may be unsigned).
    /// wasm32: int=32, long=32, long long=64 bits. An unsuffixed decimal
    /// literal too large for `long long` gets `ULongLong` (as GCC does).
    Int { value: u64, ty: IntLitType },
    /// Floating literal; `single` for an `f`/`F` suffix (`l`/`L` gives a
    /// plain double).
    Float { value: f64, single: bool },
    /// Character literal 'a', '\n', '\x41', '\0', '\\', '\''
    Char(u8),
    /// String literal with escapes decoded (adjacent literals concatenated).
    Str(Vec<u8>),
    /// Identifier; may be `::`-qualified (`ns::var`, `::g`) or start with `$`
    /// (`$pc`, `$local3`, `$global0`, `$sp`) for debugger specials.
    Ident(String),
    /// `base.field` (`arrow == false`) or `base->field` (`arrow == true`).
    Member {
        base: Box<Expr>,
        field: String,
        arrow: bool,
    },
    /// `base[index]`
    Index { base: Box<Expr>, index: Box<Expr> },
    /// Prefix operator applied to `operand`.
    Unary { op: UnOp, operand: Box<Expr> },
    /// Binary operator.
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `c ? a : b`
    Cond {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `(ty)operand`
    Cast { ty: TypeName, operand: Box<Expr> },
    /// `sizeof(type)`
    SizeofType(TypeName),
    /// `sizeof expr`
    SizeofExpr(Box<Expr>),
    /// `lhs = rhs`. Only plain assignment; compound assignments (`+=` etc.)
    /// are rejected with a parse error. Right-associative, lowest precedence.
    Assign { lhs: Box<Expr>, rhs: Box<Expr> },
}

/// C type of an integer literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntLitType {
    Int,
    UInt,
    Long,
    ULong,
    LongLong,
    ULongLong,
}

/// Prefix operators. Pre-increment/decrement (`++x`, `--x`) are not
/// supported and produce a parse error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `+x`
    Plus,
    /// `!x`
    Not,
    /// `~x`
    BitNot,
    /// `*x`
    Deref,
    /// `&x`
    AddrOf,
}

/// Binary operators (all left-associative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    LogAnd,
    LogOr,
}

/// A type name as written in a cast or sizeof: base spelled canonically, then
/// pointer levels and optional array suffixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeName {
    /// Canonical spelling: "int", "unsigned int", "char", "signed char",
    /// "unsigned char", "short", "unsigned short", "long", "unsigned long",
    /// "long long", "unsigned long long", "float", "double", "long double",
    /// "_Bool" (also from `bool`), "void", "struct NAME", "union NAME",
    /// "enum NAME", "class NAME", or a typedef / C++ name as written (may
    /// include `::`). `const`/`volatile`/`restrict` qualifiers are accepted and
    /// dropped. `unsigned` alone => "unsigned int", `short int` => "short",
    /// `long int` => "long", `signed` => "int", `long unsigned` =>
    /// "unsigned long", any order of specifiers.
    pub base: String,
    /// Number of `*` after the base.
    pub pointers: u32,
    /// Array dimensions written after the pointers, outermost (leftmost)
    /// first: `sizeof(int *[2][3])` gives `[2, 3]`. Only allowed in
    /// `sizeof(type)`; a cast to an array type is a parse error.
    pub array: Vec<u64>,
}
