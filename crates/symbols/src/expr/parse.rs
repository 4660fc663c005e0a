//! Recursive-descent parser for C-like debugger expressions.
//!
//! Grammar (C precedence, loosest first):
//!
//! ```text
//! expr     := cond ( '=' expr )?                      right-assoc
//! cond     := binary ( '?' expr ':' cond )?           right-assoc
//! binary   := cast ( binop cast )*                    || && | ^ & ==,!= <,<=,>,>= <<,>> +,- *,/,%
//! cast     := '(' type-name ')' cast | unary
//! unary    := ('-'|'+'|'!'|'~'|'*'|'&') cast
//!           | 'sizeof' '(' type-name ')' | 'sizeof' unary | postfix
//! postfix  := primary ( '[' expr ']' | '.' name | '->' name )*
//! primary  := literal | string+ | name | '(' expr ')'
//! ```
//!
//! The left side of `=` is not checked for being an lvalue: `a + b = c`
//! parses as an assignment to `a + b` and the evaluator is expected to reject
//! it (as it must anyway for `1 = 2`).
//! `a ? b : c = d` assigns to the conditional, as in GCC's C front end.
//!
//! Nesting (both parser recursion and the depth of the resulting tree) is
//! capped at [`MAX_DEPTH`], so no input can overflow the stack, here or in a
//! recursive consumer of the tree. Every recursive step counts, so e.g.
//! 255 nested parentheses are accepted but only about half as many levels of
//! `1 * (1 * (...))`. At the cap the parser uses at most about 0.6 MiB of stack
//! in an unoptimized build and about 0.15 MiB optimized.

use std::fmt;

use crate::expr::ast::{BinOp, Expr, TypeName, UnOp};
use crate::expr::lex::{P, Tok, Token, tokenize};

/// Maximum nesting depth of an expression.
pub const MAX_DEPTH: u32 = 256;

/// A syntax error with the byte offset in the source where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

impl ParseError {
    pub(crate) fn new(message: impl Into<String>, offset: usize) -> Self {
        ParseError {
            message: message.into(),
            offset,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at column {})",
            self.message,
            self.offset.saturating_add(1)
        )
    }
}

impl std::error::Error for ParseError {}

/// Parses one expression. `is_type` says whether a plain identifier names a
/// type (typedef, or a C++ class name) so `(T)x` / `sizeof(T)` / `(T *)p` can
/// be told from `(x)`; keywords (int, unsigned, struct X, ...) are always
/// types. `is_type` is also asked about `::`-qualified names (`ns::T`).
pub fn parse(src: &str, is_type: &dyn Fn(&str) -> bool) -> Result<Expr, ParseError> {
    let toks = tokenize(src)?;
    if toks.is_empty() {
        return Err(ParseError::new("empty expression", 0));
    }
    let mut p = Parser {
        src,
        toks,
        eof: Token {
            kind: Tok::Eof,
            start: src.len(),
            end: src.len(),
        },
        pos: 0,
        depth: 0,
        is_type,
        error: None,
    };
    let Ok(node) = p.parse_expr() else {
        return Err(p
            .error
            .take()
            .unwrap_or_else(|| ParseError::new("invalid expression", 0)));
    };
    let t = p.peek();
    if t.kind != Tok::Eof {
        return Err(ParseError::new(
            format!("unexpected `{}` after expression", p.text(t)),
            t.start,
        ));
    }
    Ok(*node.expr)
}

/// Specifier keywords that can start a type name.
fn is_type_keyword(s: &str) -> bool {
    matches!(
        s,
        "void"
            | "char"
            | "short"
            | "int"
            | "long"
            | "float"
            | "double"
            | "signed"
            | "unsigned"
            | "_Bool"
            | "bool"
            | "struct"
            | "union"
            | "enum"
            | "class"
            | "const"
            | "volatile"
            | "restrict"
    )
}

/// Words that can never be identifiers.
fn is_keyword(s: &str) -> bool {
    s == "sizeof" || is_type_keyword(s)
}

fn binop(t: &Tok) -> Option<(BinOp, u8)> {
    let Tok::Punct(p) = t else { return None };
    let r = match p {
        P::Star => (BinOp::Mul, 10),
        P::Slash => (BinOp::Div, 10),
        P::Percent => (BinOp::Rem, 10),
        P::Plus => (BinOp::Add, 9),
        P::Minus => (BinOp::Sub, 9),
        P::Shl => (BinOp::Shl, 8),
        P::Shr => (BinOp::Shr, 8),
        P::Lt => (BinOp::Lt, 7),
        P::Le => (BinOp::Le, 7),
        P::Gt => (BinOp::Gt, 7),
        P::Ge => (BinOp::Ge, 7),
        P::EqEq => (BinOp::Eq, 6),
        P::Ne => (BinOp::Ne, 6),
        P::Amp => (BinOp::BitAnd, 5),
        P::Caret => (BinOp::BitXor, 4),
        P::Pipe => (BinOp::BitOr, 3),
        P::AndAnd => (BinOp::LogAnd, 2),
        P::OrOr => (BinOp::LogOr, 1),
        _ => return None,
    };
    Some(r)
}

/// An expression and the depth of its tree.
struct Node {
    expr: Box<Expr>,
    depth: u32,
}

/// Result of looking for a possibly `::`-qualified name.
enum QName {
    NotAName,
    /// The name and the token index after it.
    Found(String, usize),
    Bad(ParseError),
}

/// Type specifiers seen so far in a type name.
#[derive(Default)]
struct Specs {
    void: bool,
    bool_: bool,
    char_: bool,
    short: bool,
    int: bool,
    long: u8,
    float: bool,
    double: bool,
    signed: bool,
    unsigned: bool,
    /// Specifiers as written (without qualifiers), for error messages.
    written: Vec<String>,
}

impl Specs {
    fn add(&mut self, kw: &str, offset: usize) -> Result<(), ParseError> {
        self.written.push(kw.to_string());
        let flag = match kw {
            "long" => {
                if self.long == 2 {
                    return Err(ParseError::new("`long long long` is too long", offset));
                }
                self.long += 1;
                return Ok(());
            }
            "void" => &mut self.void,
            "_Bool" | "bool" => &mut self.bool_,
            "char" => &mut self.char_,
            "short" => &mut self.short,
            "int" => &mut self.int,
            "float" => &mut self.float,
            "double" => &mut self.double,
            "signed" => &mut self.signed,
            _ => &mut self.unsigned,
        };
        if *flag {
            return Err(ParseError::new(
                format!("duplicate `{kw}` in type name"),
                offset,
            ));
        }
        *flag = true;
        Ok(())
    }

    /// The canonical spelling, or `None` for an invalid combination.
    fn canonical(&self) -> Option<String> {
        let kinds = [
            self.void,
            self.bool_,
            self.float,
            self.double,
            self.char_,
            self.short,
        ]
        .iter()
        .filter(|&&k| k)
        .count();
        let sign = self.signed || self.unsigned;
        let u = if self.unsigned { "unsigned " } else { "" };
        let invalid = kinds > 1
            || (self.signed && self.unsigned)
            || ((self.void || self.bool_ || self.float) && (self.int || self.long > 0 || sign))
            || (self.double && (self.int || sign || self.long > 1))
            || (self.char_ && (self.int || self.long > 0))
            || (self.short && self.long > 0);
        if invalid {
            return None;
        }
        let s = if self.void {
            "void".to_string()
        } else if self.bool_ {
            "_Bool".to_string()
        } else if self.float {
            "float".to_string()
        } else if self.double {
            if self.long > 0 {
                "long double"
            } else {
                "double"
            }
            .to_string()
        } else if self.char_ {
            match (self.signed, self.unsigned) {
                (true, _) => "signed char".to_string(),
                (_, true) => "unsigned char".to_string(),
                _ => "char".to_string(),
            }
        } else if self.short {
            format!("{u}short")
        } else if self.long == 1 {
            format!("{u}long")
        } else if self.long == 2 {
            format!("{u}long long")
        } else {
            format!("{u}int")
        };
        Some(s)
    }
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    eof: Token,
    pos: usize,
    /// Current recursion depth.
    depth: u32,
    is_type: &'a dyn Fn(&str) -> bool,
    /// The error behind a [`Failed`].
    error: Option<ParseError>,
}

/// Marks a failure whose [`ParseError`] is stored in [`Parser::error`]. Using
/// a zero-sized error keeps the recursive functions' stack frames small.
#[derive(Debug)]
struct Failed;

type PResult = Result<Node, Failed>;

// Stack discipline: the functions on the recursive path (`parse_expr` ...
// `parse_primary`) hold only small values (`Node` is a box and a depth, errors
// are zero-sized) and leave building trees, literals and error messages to
// non-recursive helpers marked `#[inline(never)]`, so that each nesting level
// costs little stack even in unoptimized builds.
impl Parser<'_> {
    fn tok(&self, i: usize) -> &Token {
        self.toks.get(i).unwrap_or(&self.eof)
    }

    fn peek(&self) -> &Token {
        self.tok(self.pos)
    }

    fn peek_punct(&self) -> Option<P> {
        match self.peek().kind {
            Tok::Punct(p) => Some(p),
            _ => None,
        }
    }

    /// Moves past the current token, returning its start offset.
    fn advance(&mut self) -> usize {
        let start = self.peek().start;
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        start
    }

    fn is_punct_at(&self, i: usize, p: P) -> bool {
        self.tok(i).kind == Tok::Punct(p)
    }

    fn at(&self, p: P) -> bool {
        self.is_punct_at(self.pos, p)
    }

    /// Records `e` (keeping the first error) and returns the marker.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: ParseError) -> Failed {
        if self.error.is_none() {
            self.error = Some(e);
        }
        Failed
    }

    /// Fails with `message` at byte `offset`.
    #[cold]
    #[inline(never)]
    fn fail_at(&mut self, message: &'static str, offset: usize) -> Failed {
        self.fail(ParseError::new(message, offset))
    }

    #[inline(never)]
    fn lift<T>(&mut self, r: Result<T, ParseError>) -> Result<T, Failed> {
        r.map_err(|e| self.fail(e))
    }

    /// Source text of a token for messages, shortened if long.
    fn text(&self, t: &Token) -> String {
        if t.kind == Tok::Eof {
            return "end of expression".to_string();
        }
        let s = self.src.get(t.start..t.end).unwrap_or("?");
        if s.chars().count() > 32 {
            let mut short: String = s.chars().take(29).collect();
            short.push_str("...");
            short
        } else {
            s.to_string()
        }
    }

    /// Consumes the punctuator `p` or fails with `message` at the next token.
    fn expect(&mut self, p: P, message: &'static str) -> Result<(), Failed> {
        if self.at(p) {
            self.advance();
            Ok(())
        } else {
            Err(self.fail_at(message, self.peek().start))
        }
    }

    /// Goes one recursion level deeper, failing beyond [`MAX_DEPTH`]. Every
    /// successful `enter` is paired with a `leave`.
    fn enter(&mut self) -> Result<(), Failed> {
        if self.depth >= MAX_DEPTH {
            return Err(self.fail(too_deep(self.peek().start)));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---- The recursive path ----

    fn parse_expr(&mut self) -> PResult {
        self.enter()?;
        let r = self.parse_assign();
        self.leave();
        r
    }

    fn parse_assign(&mut self) -> PResult {
        let lhs = self.parse_cond()?;
        match self.peek_punct() {
            Some(P::Assign) => {
                let at = self.advance();
                let rhs = self.parse_expr()?;
                self.mk_assign(lhs, rhs, at)
            }
            Some(P::CompoundAssign) => Err(self.compound_assign_error()),
            _ => Ok(lhs),
        }
    }

    fn parse_cond(&mut self) -> PResult {
        let cond = self.parse_binary(1)?;
        if !self.at(P::Question) {
            return Ok(cond);
        }
        let at = self.advance();
        let then = self.parse_expr()?;
        self.expect(P::Colon, "expected `:` in conditional expression")?;
        self.enter()?;
        let otherwise = self.parse_cond();
        self.leave();
        self.mk_cond(cond, then, otherwise?, at)
    }

    /// Precedence climbing over the left-associative binary operators. The
    /// right operand's recursion counts towards the depth limit too, or
    /// `a || b && c | ... * (` repeated would nest ten frames per level.
    fn parse_binary(&mut self, min_prec: u8) -> PResult {
        let mut lhs = self.parse_cast()?;
        while let Some((op, prec)) = binop(&self.peek().kind)
            && prec >= min_prec
        {
            let at = self.advance();
            self.enter()?;
            let rhs = self.parse_binary(prec + 1);
            self.leave();
            lhs = self.mk_binary(op, lhs, rhs?, at)?;
        }
        Ok(lhs)
    }

    fn parse_cast(&mut self) -> PResult {
        if !(self.at(P::LParen) && self.type_starts_at(self.pos + 1)) {
            return self.parse_unary();
        }
        let at = self.peek().start;
        let ty = self.parenthesized_type(false)?;
        self.enter()?;
        let operand = self.parse_cast();
        self.leave();
        self.mk_cast(ty, operand?, at)
    }

    fn parse_unary(&mut self) -> PResult {
        let op = match self.peek_punct() {
            Some(P::Minus) => UnOp::Neg,
            Some(P::Plus) => UnOp::Plus,
            Some(P::Bang) => UnOp::Not,
            Some(P::Tilde) => UnOp::BitNot,
            Some(P::Star) => UnOp::Deref,
            Some(P::Amp) => UnOp::AddrOf,
            Some(P::PlusPlus | P::MinusMinus) => return Err(self.inc_dec_error()),
            _ if self.peek_is_word("sizeof") => return self.parse_sizeof(),
            _ => return self.parse_postfix(),
        };
        let at = self.advance();
        self.enter()?;
        let operand = self.parse_cast();
        self.leave();
        self.mk_unary(op, operand?, at)
    }

    fn parse_sizeof(&mut self) -> PResult {
        let at = self.advance();
        if self.at(P::LParen) && self.type_starts_at(self.pos + 1) {
            return self.sizeof_type(at);
        }
        self.enter()?;
        let operand = self.parse_unary();
        self.leave();
        self.mk_sizeof_expr(operand?, at)
    }

    fn parse_postfix(&mut self) -> PResult {
        let mut node = self.parse_primary()?;
        loop {
            match self.peek_punct() {
                Some(P::LBracket) => {
                    let at = self.advance();
                    let index = self.parse_expr()?;
                    self.expect(P::RBracket, "expected `]` after index expression")?;
                    node = self.mk_index(node, index, at)?;
                }
                Some(P::Dot | P::Arrow) => node = self.member(node)?,
                Some(P::LParen) => {
                    let at = self.peek().start;
                    return Err(self.fail_at("function calls are not supported", at));
                }
                Some(P::PlusPlus | P::MinusMinus) => return Err(self.inc_dec_error()),
                _ => return Ok(node),
            }
        }
    }

    fn parse_primary(&mut self) -> PResult {
        if !self.at(P::LParen) {
            return self.atom();
        }
        self.advance();
        let inner = self.parse_expr()?;
        self.expect(P::RParen, "expected `)` after expression")?;
        Ok(inner)
    }

    // ---- Non-recursive helpers ----

    fn peek_is_word(&self, w: &str) -> bool {
        matches!(&self.peek().kind, Tok::Ident(s) if s == w)
    }

    /// Whether a type name starts at token index `i`.
    #[inline(never)]
    fn type_starts_at(&self, i: usize) -> bool {
        match &self.tok(i).kind {
            Tok::Ident(s) if is_type_keyword(s) => true,
            Tok::Ident(_) | Tok::Punct(P::ColonColon) => {
                matches!(self.scan_qualified(i), QName::Found(name, _) if (self.is_type)(&name))
            }
            _ => false,
        }
    }

    /// Looks for `[::] name (:: name)*` at token index `i`.
    fn scan_qualified(&self, mut i: usize) -> QName {
        let mut name = String::new();
        if self.is_punct_at(i, P::ColonColon) {
            name.push_str("::");
            i += 1;
        }
        loop {
            match &self.tok(i).kind {
                Tok::Ident(s) if !is_keyword(s) => {
                    name.push_str(s);
                    i += 1;
                }
                _ if name.is_empty() => return QName::NotAName,
                _ => {
                    return QName::Bad(ParseError::new(
                        "expected a name after `::`",
                        self.tok(i).start,
                    ));
                }
            }
            if self.is_punct_at(i, P::ColonColon) {
                name.push_str("::");
                i += 1;
            } else {
                return QName::Found(name, i);
            }
        }
    }

    /// Parses `( type-name )`.
    #[inline(never)]
    fn parenthesized_type(&mut self, allow_array: bool) -> Result<Box<TypeName>, Failed> {
        self.expect(P::LParen, "expected `(`")?;
        let ty = self.parse_type_name(allow_array);
        let ty = self.lift(ty)?;
        self.expect(P::RParen, "expected `)` after type name")?;
        Ok(Box::new(ty))
    }

    /// Parses the `(type-name)` of `sizeof(type-name)`; `sizeof` is consumed.
    #[inline(never)]
    fn sizeof_type(&mut self, at: usize) -> PResult {
        let ty = self.parenthesized_type(true)?;
        self.wrap(Expr::SizeofType(*ty), 0, at)
    }

    /// Parses `.field` or `->field` applied to `base`.
    #[inline(never)]
    fn member(&mut self, base: Node) -> PResult {
        let arrow = self.at(P::Arrow);
        let at = self.advance();
        let f = self.peek();
        let field = match &f.kind {
            Tok::Ident(s) if !is_keyword(s) => s.clone(),
            _ => {
                let op = if arrow { "->" } else { "." };
                let e = ParseError::new(format!("expected a field name after `{op}`"), f.start);
                return Err(self.fail(e));
            }
        };
        self.advance();
        let expr = Expr::Member {
            base: base.expr,
            field,
            arrow,
        };
        self.wrap(expr, base.depth, at)
    }

    /// Parses a literal or a name.
    #[inline(never)]
    fn atom(&mut self) -> PResult {
        let r = self.atom_expr();
        let (expr, at) = self.lift(r)?;
        self.wrap(expr, 0, at)
    }

    fn atom_expr(&mut self) -> Result<(Expr, usize), ParseError> {
        let t = self.peek();
        let at = t.start;
        let expr = match &t.kind {
            Tok::Int { value, ty } => Expr::Int {
                value: *value,
                ty: *ty,
            },
            Tok::Float { value, single } => Expr::Float {
                value: *value,
                single: *single,
            },
            Tok::Char(c) => Expr::Char(*c),
            Tok::Str(_) => {
                let mut bytes = Vec::new();
                while let Tok::Str(s) = &self.peek().kind {
                    bytes.extend_from_slice(s);
                    self.advance();
                }
                return Ok((Expr::Str(bytes), at));
            }
            Tok::Ident(s) if is_keyword(s) => {
                return Err(ParseError::new(
                    format!("expected an expression, found keyword `{s}`"),
                    at,
                ));
            }
            Tok::Ident(_) | Tok::Punct(P::ColonColon) => {
                return match self.scan_qualified(self.pos) {
                    QName::Found(name, next) => {
                        self.pos = next;
                        Ok((Expr::Ident(name), at))
                    }
                    QName::Bad(e) => Err(e),
                    QName::NotAName => Err(ParseError::new("expected a name after `::`", at)),
                };
            }
            Tok::Eof => return Err(ParseError::new("unexpected end of expression", at)),
            _ => {
                return Err(ParseError::new(
                    format!("expected an expression, found `{}`", self.text(t)),
                    at,
                ));
            }
        };
        self.advance();
        Ok((expr, at))
    }

    #[cold]
    #[inline(never)]
    fn compound_assign_error(&mut self) -> Failed {
        let t = self.peek();
        let e = ParseError::new(
            format!(
                "compound assignment `{}` is not supported; use plain `=`",
                self.text(t)
            ),
            t.start,
        );
        self.fail(e)
    }

    #[cold]
    #[inline(never)]
    fn inc_dec_error(&mut self) -> Failed {
        let at = self.peek().start;
        self.fail_at("increment and decrement operators are not supported", at)
    }

    /// Boxes `expr`, whose deepest child has depth `child_depth`.
    #[inline(never)]
    fn wrap(&mut self, expr: Expr, child_depth: u32, offset: usize) -> PResult {
        let depth = child_depth + 1;
        if depth > MAX_DEPTH {
            return Err(self.fail(too_deep(offset)));
        }
        Ok(Node {
            expr: Box::new(expr),
            depth,
        })
    }

    #[inline(never)]
    fn mk_assign(&mut self, lhs: Node, rhs: Node, at: usize) -> PResult {
        let d = lhs.depth.max(rhs.depth);
        let expr = Expr::Assign {
            lhs: lhs.expr,
            rhs: rhs.expr,
        };
        self.wrap(expr, d, at)
    }

    #[inline(never)]
    fn mk_cond(&mut self, cond: Node, then: Node, otherwise: Node, at: usize) -> PResult {
        let d = cond.depth.max(then.depth).max(otherwise.depth);
        let expr = Expr::Cond {
            cond: cond.expr,
            then: then.expr,
            otherwise: otherwise.expr,
        };
        self.wrap(expr, d, at)
    }

    #[inline(never)]
    fn mk_binary(&mut self, op: BinOp, lhs: Node, rhs: Node, at: usize) -> PResult {
        let d = lhs.depth.max(rhs.depth);
        let expr = Expr::Binary {
            op,
            lhs: lhs.expr,
            rhs: rhs.expr,
        };
        self.wrap(expr, d, at)
    }

    // The type stays boxed while `parse_cast` recurses, to keep its frame small.
    #[allow(clippy::boxed_local)]
    #[inline(never)]
    fn mk_cast(&mut self, ty: Box<TypeName>, operand: Node, at: usize) -> PResult {
        let expr = Expr::Cast {
            ty: *ty,
            operand: operand.expr,
        };
        self.wrap(expr, operand.depth, at)
    }

    #[inline(never)]
    fn mk_unary(&mut self, op: UnOp, operand: Node, at: usize) -> PResult {
        let expr = Expr::Unary {
            op,
            operand: operand.expr,
        };
        self.wrap(expr, operand.depth, at)
    }

    #[inline(never)]
    fn mk_sizeof_expr(&mut self, operand: Node, at: usize) -> PResult {
        self.wrap(Expr::SizeofExpr(operand.expr), operand.depth, at)
    }

    #[inline(never)]
    fn mk_index(&mut self, base: Node, index: Node, at: usize) -> PResult {
        let d = base.depth.max(index.depth);
        let expr = Expr::Index {
            base: base.expr,
            index: index.expr,
        };
        self.wrap(expr, d, at)
    }
    /// Parses a type name (the part between the parentheses of a cast or
    /// `sizeof`). Array suffixes are accepted only if `allow_array`.
    fn parse_type_name(&mut self, allow_array: bool) -> Result<TypeName, ParseError> {
        let start = self.peek().start;
        let mut specs = Specs::default();
        let mut named: Option<String> = None;
        loop {
            let t = self.peek();
            let offset = t.start;
            let word = match &t.kind {
                Tok::Ident(s) => s.clone(),
                Tok::Punct(P::ColonColon) => String::new(),
                _ => break,
            };
            match word.as_str() {
                "const" | "volatile" | "restrict" => {
                    self.advance();
                }
                "struct" | "union" | "enum" | "class" => {
                    self.advance();
                    let name = match self.scan_qualified(self.pos) {
                        QName::Found(name, next) => {
                            self.pos = next;
                            name
                        }
                        QName::Bad(e) => return Err(e),
                        QName::NotAName => {
                            return Err(ParseError::new(
                                format!("expected a name after `{word}`"),
                                self.peek().start,
                            ));
                        }
                    };
                    let full = format!("{word} {name}");
                    specs.written.push(full.clone());
                    if named.is_some() || specs.written.len() > 1 {
                        return Err(bad_combination(&specs, start));
                    }
                    named = Some(full);
                }
                w if is_type_keyword(w) => {
                    self.advance();
                    specs.add(w, offset)?;
                    if named.is_some() {
                        return Err(bad_combination(&specs, start));
                    }
                }
                // A typedef name, only if nothing else names the type yet.
                w if !is_keyword(w) && specs.written.is_empty() => {
                    match self.scan_qualified(self.pos) {
                        QName::Found(name, next) => {
                            if !(self.is_type)(&name) {
                                return Err(ParseError::new(
                                    format!("unknown type name `{name}`"),
                                    offset,
                                ));
                            }
                            self.pos = next;
                            specs.written.push(name.clone());
                            named = Some(name);
                        }
                        QName::Bad(e) => return Err(e),
                        QName::NotAName => break,
                    }
                }
                _ => break,
            }
        }
        let base = match named {
            Some(n) => n,
            None if specs.written.is_empty() => {
                return Err(ParseError::new("expected a type name", start));
            }
            None => specs
                .canonical()
                .ok_or_else(|| bad_combination(&specs, start))?,
        };
        let mut pointers: u32 = 0;
        loop {
            match &self.peek().kind {
                Tok::Punct(P::Star) => pointers = pointers.saturating_add(1),
                Tok::Ident(s) if matches!(s.as_str(), "const" | "volatile" | "restrict") => {}
                _ => break,
            }
            self.advance();
        }
        let mut array = Vec::new();
        while self.at(P::LBracket) {
            if !allow_array {
                return Err(ParseError::new(
                    "array types are only supported in `sizeof`",
                    self.peek().start,
                ));
            }
            self.advance();
            let t = self.peek();
            match t.kind {
                Tok::Int { value, .. } => array.push(value),
                Tok::Punct(P::RBracket) => {
                    return Err(ParseError::new("expected an array size", t.start));
                }
                _ => {
                    return Err(ParseError::new(
                        "array size must be an integer literal",
                        t.start,
                    ));
                }
            }
            self.advance();
            if !self.at(P::RBracket) {
                return Err(ParseError::new(
                    "expected `]` after array size",
                    self.peek().start,
                ));
            }
            self.advance();
        }
        Ok(TypeName {
            base,
            pointers,
            array,
        })
    }
}

#[cold]
#[inline(never)]
fn too_deep(offset: usize) -> ParseError {
    ParseError::new(
        format!("expression is nested too deeply (limit {MAX_DEPTH})"),
        offset,
    )
}

#[cold]
fn bad_combination(specs: &Specs, offset: usize) -> ParseError {
    ParseError::new(
        format!(
            "invalid combination of type specifiers `{}`",
            specs.written.join(" ")
        ),
        offset,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ast::IntLitType;

    fn is_type(s: &str) -> bool {
        matches!(s, "size_t" | "Node" | "ns::T" | "::G")
    }

    fn p(src: &str) -> Expr {
        parse(src, &is_type).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    fn e(src: &str) -> ParseError {
        match parse(src, &is_type) {
            Ok(x) => panic!("{src}: expected an error, got {x:?}"),
            Err(e) => e,
        }
    }

    fn ty_str(t: &TypeName) -> String {
        let mut s = t.base.clone();
        for _ in 0..t.pointers {
            s.push('*');
        }
        for n in &t.array {
            s.push_str(&format!("[{n}]"));
        }
        s
    }

    /// Compact S-expression rendering for precedence tests.
    fn sx(e: &Expr) -> String {
        match e {
            Expr::Int { value, .. } => value.to_string(),
            Expr::Float { value, .. } => format!("{value:?}"),
            Expr::Char(c) => format!("'{}'", *c as char),
            Expr::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
            Expr::Ident(s) => s.clone(),
            Expr::Member { base, field, arrow } => {
                format!("({} {} {field})", if *arrow { "->" } else { "." }, sx(base))
            }
            Expr::Index { base, index } => format!("([] {} {})", sx(base), sx(index)),
            Expr::Unary { op, operand } => {
                let o = match op {
                    UnOp::Neg => "neg",
                    UnOp::Plus => "pos",
                    UnOp::Not => "!",
                    UnOp::BitNot => "~",
                    UnOp::Deref => "deref",
                    UnOp::AddrOf => "addr",
                };
                format!("({o} {})", sx(operand))
            }
            Expr::Binary { op, lhs, rhs } => {
                let o = match op {
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    BinOp::Rem => "%",
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Shl => "<<",
                    BinOp::Shr => ">>",
                    BinOp::Lt => "<",
                    BinOp::Le => "<=",
                    BinOp::Gt => ">",
                    BinOp::Ge => ">=",
                    BinOp::Eq => "==",
                    BinOp::Ne => "!=",
                    BinOp::BitAnd => "&",
                    BinOp::BitXor => "^",
                    BinOp::BitOr => "|",
                    BinOp::LogAnd => "&&",
                    BinOp::LogOr => "||",
                };
                format!("({o} {} {})", sx(lhs), sx(rhs))
            }
            Expr::Cond {
                cond,
                then,
                otherwise,
            } => format!("(? {} {} {})", sx(cond), sx(then), sx(otherwise)),
            Expr::Cast { ty, operand } => format!("(cast {} {})", ty_str(ty), sx(operand)),
            Expr::SizeofType(t) => format!("(sizeof-type {})", ty_str(t)),
            Expr::SizeofExpr(x) => format!("(sizeof {})", sx(x)),
            Expr::Assign { lhs, rhs } => format!("(= {} {})", sx(lhs), sx(rhs)),
        }
    }

    fn check(cases: &[(&str, &str)]) {
        for (src, want) in cases {
            assert_eq!(sx(&p(src)), *want, "{src}");
        }
    }

    fn check_errors(cases: &[(&str, &str, usize)]) {
        for &(src, msg, off) in cases {
            assert_eq!(e(src), ParseError::new(msg, off), "{src}");
        }
    }

    fn id(s: &str) -> Box<Expr> {
        Box::new(Expr::Ident(s.to_string()))
    }

    fn sizeof_ty(src: &str) -> TypeName {
        match p(src) {
            Expr::SizeofType(t) => t,
            x => panic!("{src}: {x:?}"),
        }
    }

    #[test]
    fn binary_precedence_table() {
        check(&[
            ("1 + 2 * 3", "(+ 1 (* 2 3))"),
            ("1 * 2 + 3", "(+ (* 1 2) 3)"),
            ("a * b / c % d", "(% (/ (* a b) c) d)"),
            ("a - b - c", "(- (- a b) c)"),
            ("a - b + c", "(+ (- a b) c)"),
            ("1 << 2 + 3", "(<< 1 (+ 2 3))"),
            ("a >> b << c", "(<< (>> a b) c)"),
            ("a < b << c", "(< a (<< b c))"),
            ("a < b > c", "(> (< a b) c)"),
            ("a <= b >= c", "(>= (<= a b) c)"),
            ("a == b < c", "(== a (< b c))"),
            ("a != b == c", "(== (!= a b) c)"),
            ("a & b == c", "(& a (== b c))"),
            ("a ^ b & c", "(^ a (& b c))"),
            ("a | b ^ c", "(| a (^ b c))"),
            ("a && b | c", "(&& a (| b c))"),
            ("a || b && c", "(|| a (&& b c))"),
            ("a && b || c && d", "(|| (&& a b) (&& c d))"),
            ("!x && y || z", "(|| (&& (! x) y) z)"),
            (
                "a || b && c | d ^ e & f == g < h << i + j * k",
                "(|| a (&& b (| c (^ d (& e (== f (< g (<< h (+ i (* j k))))))))))",
            ),
            (
                "a * b + c << d < e == f & g ^ h | i && j || k",
                "(|| (&& (| (^ (& (== (< (<< (+ (* a b) c) d) e) f) g) h) i) j) k)",
            ),
            ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
            ("a - (b - c)", "(- a (- b c))"),
        ]);
    }

    #[test]
    fn conditional_and_assignment() {
        check(&[
            ("a ? b : c", "(? a b c)"),
            ("a ? b : c ? d : e", "(? a b (? c d e))"),
            ("a ? b ? c : d : e", "(? a (? b c d) e)"),
            ("a || b ? c : d", "(? (|| a b) c d)"),
            ("a ? b = 1 : c", "(? a (= b 1) c)"),
            ("x = y = 3", "(= x (= y 3))"),
            ("x = a ? b : c", "(= x (? a b c))"),
            ("x = y + 1", "(= x (+ y 1))"),
            ("*p = a[1] = 0", "(= (deref p) (= ([] a 1) 0))"),
            ("a == b", "(== a b)"),
            // Lvalue-ness is left to the evaluator.
            ("a + b = c", "(= (+ a b) c)"),
            ("a ? b : c = d", "(= (? a b c) d)"),
        ]);
        assert_eq!(
            p("x = y = 3"),
            Expr::Assign {
                lhs: id("x"),
                rhs: Box::new(Expr::Assign {
                    lhs: id("y"),
                    rhs: Box::new(Expr::Int {
                        value: 3,
                        ty: IntLitType::Int
                    }),
                }),
            }
        );
    }

    #[test]
    fn unary_and_postfix() {
        check(&[
            ("-1", "(neg 1)"),
            ("- -1", "(neg (neg 1))"),
            ("-a * b", "(* (neg a) b)"),
            ("-a[1]", "(neg ([] a 1))"),
            ("*p->q", "(deref (-> p q))"),
            ("&a.b", "(addr (. a b))"),
            ("*&x", "(deref (addr x))"),
            ("~-!+x", "(~ (neg (! (pos x))))"),
            ("**pp", "(deref (deref pp))"),
            ("a - -b", "(- a (neg b))"),
            ("a & &b", "(& a (addr b))"),
            ("a * *b", "(* a (deref b))"),
            ("a[i].b->c", "(-> (. ([] a i) b) c)"),
            ("a[b[c]]", "([] a ([] b c))"),
            ("a[1 + 2][3]", "([] ([] a (+ 1 2)) 3)"),
            ("(*p).x", "(. (deref p) x)"),
            ("\"abc\"[1]", "([] \"abc\" 1)"),
            ("p -> next . val", "(. (-> p next) val)"),
        ]);
        assert_eq!(
            p("-1"),
            Expr::Unary {
                op: UnOp::Neg,
                operand: Box::new(Expr::Int {
                    value: 1,
                    ty: IntLitType::Int
                }),
            }
        );
        assert_eq!(
            p("a[i].b->c"),
            Expr::Member {
                base: Box::new(Expr::Member {
                    base: Box::new(Expr::Index {
                        base: id("a"),
                        index: id("i"),
                    }),
                    field: "b".into(),
                    arrow: false,
                }),
                field: "c".into(),
                arrow: true,
            }
        );
        assert_eq!(
            p("*&x"),
            Expr::Unary {
                op: UnOp::Deref,
                operand: Box::new(Expr::Unary {
                    op: UnOp::AddrOf,
                    operand: id("x"),
                }),
            }
        );
    }

    #[test]
    fn sizeof_forms() {
        check(&[
            ("sizeof x", "(sizeof x)"),
            ("sizeof x + 1", "(+ (sizeof x) 1)"),
            ("sizeof(x)", "(sizeof x)"),
            ("sizeof (x)[0]", "(sizeof ([] x 0))"),
            ("sizeof *p", "(sizeof (deref p))"),
            ("sizeof -x", "(sizeof (neg x))"),
            ("sizeof p->a", "(sizeof (-> p a))"),
            ("sizeof sizeof x", "(sizeof (sizeof x))"),
            ("sizeof(int) * 2", "(* (sizeof-type int) 2)"),
            ("sizeof(int[4])", "(sizeof-type int[4])"),
            ("sizeof(size_t)", "(sizeof-type size_t)"),
            ("sizeof(Node *)", "(sizeof-type Node*)"),
            ("sizeof(char *[2][3])", "(sizeof-type char*[2][3])"),
            ("sizeof (struct node)", "(sizeof-type struct node)"),
            (
                "sizeof(x) / sizeof(x[0])",
                "(/ (sizeof x) (sizeof ([] x 0)))",
            ),
            ("-sizeof(int)", "(neg (sizeof-type int))"),
        ]);
        assert_eq!(
            sizeof_ty("sizeof(int[4])"),
            TypeName {
                base: "int".into(),
                pointers: 0,
                array: vec![4],
            }
        );
        assert_eq!(p("sizeof x"), Expr::SizeofExpr(id("x")));
    }

    #[test]
    fn casts_vs_parenthesized_expressions() {
        check(&[
            ("(int)x", "(cast int x)"),
            ("(int)a + b", "(+ (cast int a) b)"),
            ("(int)-1", "(cast int (neg 1))"),
            ("(size_t)-1", "(cast size_t (neg 1))"),
            ("(x)-1", "(- x 1)"),
            ("(x)", "x"),
            ("((x))", "x"),
            ("(x)*y", "(* x y)"),
            ("(Node)*y", "(cast Node (deref y))"),
            ("(Node *)p", "(cast Node* p)"),
            ("(Node*)p->next", "(cast Node* (-> p next))"),
            ("(struct node *)p->next", "(cast struct node* (-> p next))"),
            ("(char)x[1]", "(cast char ([] x 1))"),
            ("(int)(char)x", "(cast int (cast char x))"),
            ("(unsigned)(x + 1)", "(cast unsigned int (+ x 1))"),
            ("-(int)x", "(neg (cast int x))"),
            ("*(int **)p", "(deref (cast int** p))"),
            ("(const char * const *)p", "(cast char** p)"),
            ("(ns::T)x", "(cast ns::T x)"),
            ("(ns::U)", "ns::U"),
            ("(::G *)x", "(cast ::G* x)"),
            ("(size_t)sizeof(int)", "(cast size_t (sizeof-type int))"),
            ("(int)x ? 1 : 2", "(? (cast int x) 1 2)"),
            ("(struct node)x", "(cast struct node x)"),
            ("(enum color)2", "(cast enum color 2)"),
            ("(union u *)&x", "(cast union u* (addr x))"),
            ("(class C *)this", "(cast class C* this)"),
            ("(bool)x", "(cast _Bool x)"),
        ]);
        assert_eq!(
            p("(struct node *)p->next"),
            Expr::Cast {
                ty: TypeName {
                    base: "struct node".into(),
                    pointers: 1,
                    array: vec![],
                },
                operand: Box::new(Expr::Member {
                    base: id("p"),
                    field: "next".into(),
                    arrow: true,
                }),
            }
        );
    }

    #[test]
    fn type_name_canonicalization() {
        let cases = [
            ("int", "int"),
            ("signed", "int"),
            ("signed int", "int"),
            ("int signed", "int"),
            ("unsigned", "unsigned int"),
            ("unsigned int", "unsigned int"),
            ("char", "char"),
            ("signed char", "signed char"),
            ("char signed", "signed char"),
            ("unsigned char", "unsigned char"),
            ("short", "short"),
            ("short int", "short"),
            ("signed short", "short"),
            ("short unsigned int", "unsigned short"),
            ("long", "long"),
            ("long int", "long"),
            ("long unsigned", "unsigned long"),
            ("int long unsigned", "unsigned long"),
            ("long long", "long long"),
            ("long int long", "long long"),
            ("unsigned long long", "unsigned long long"),
            ("long unsigned long int", "unsigned long long"),
            ("float", "float"),
            ("double", "double"),
            ("long double", "long double"),
            ("double long", "long double"),
            ("_Bool", "_Bool"),
            ("bool", "_Bool"),
            ("void", "void"),
            ("const volatile int", "int"),
            ("int const", "int"),
            ("struct node", "struct node"),
            ("const struct node", "struct node"),
            ("struct ns::node", "struct ns::node"),
            ("union u", "union u"),
            ("enum e", "enum e"),
            ("class C", "class C"),
            ("size_t", "size_t"),
            ("const size_t", "size_t"),
            ("ns :: T", "ns::T"),
        ];
        for (written, want) in cases {
            let t = sizeof_ty(&format!("sizeof({written})"));
            assert_eq!(t.base, want, "{written}");
            assert_eq!((t.pointers, t.array.len()), (0, 0), "{written}");
        }
        let t = sizeof_ty("sizeof(unsigned char * const * volatile)");
        assert_eq!(
            t,
            TypeName {
                base: "unsigned char".into(),
                pointers: 2,
                array: vec![],
            }
        );
        let t = sizeof_ty("sizeof(int *[2][0x3])");
        assert_eq!((t.pointers, t.array), (1, vec![2, 3]));
    }

    #[test]
    fn type_name_errors() {
        check_errors(&[
            ("(int", "expected `)` after type name", 4),
            ("(int x)", "expected `)` after type name", 5),
            ("(unsigned Node)x", "expected `)` after type name", 10),
            ("sizeof(int", "expected `)` after type name", 10),
            ("(int[4])x", "array types are only supported in `sizeof`", 4),
            ("sizeof(int[])", "expected an array size", 11),
            (
                "sizeof(int[n])",
                "array size must be an integer literal",
                11,
            ),
            ("sizeof(int[4)", "expected `]` after array size", 12),
            (
                "(unsigned double)x",
                "invalid combination of type specifiers `unsigned double`",
                1,
            ),
            (
                "(signed unsigned)x",
                "invalid combination of type specifiers `signed unsigned`",
                1,
            ),
            (
                "(short long)x",
                "invalid combination of type specifiers `short long`",
                1,
            ),
            (
                "(char int)x",
                "invalid combination of type specifiers `char int`",
                1,
            ),
            (
                "(void int)x",
                "invalid combination of type specifiers `void int`",
                1,
            ),
            (
                "(long long double)x",
                "invalid combination of type specifiers `long long double`",
                1,
            ),
            (
                "(float double)x",
                "invalid combination of type specifiers `float double`",
                1,
            ),
            (
                "(unsigned struct s)x",
                "invalid combination of type specifiers `unsigned struct s`",
                1,
            ),
            (
                "(struct s int)x",
                "invalid combination of type specifiers `struct s int`",
                1,
            ),
            ("(long long long)x", "`long long long` is too long", 11),
            ("(int int)x", "duplicate `int` in type name", 5),
            (
                "(unsigned unsigned)x",
                "duplicate `unsigned` in type name",
                10,
            ),
            ("(struct)x", "expected a name after `struct`", 7),
            ("(struct 1)x", "expected a name after `struct`", 8),
            ("(union int)x", "expected a name after `union`", 7),
            ("(struct a::)x", "expected a name after `::`", 11),
            ("(const foo)x", "unknown type name `foo`", 7),
            ("(const)x", "expected a type name", 1),
            ("(const *)x", "expected a type name", 1),
            ("(int)", "unexpected end of expression", 5),
            ("(int) + ", "unexpected end of expression", 8),
            ("sizeof(int) x", "unexpected `x` after expression", 12),
        ]);
    }

    #[test]
    fn identifiers() {
        check(&[
            ("$pc", "$pc"),
            ("$local3 + $global0", "(+ $local3 $global0)"),
            ("$sp", "$sp"),
            ("ns::var", "ns::var"),
            ("::g", "::g"),
            ("a::b::c", "a::b::c"),
            ("ns :: var", "ns::var"),
            ("-::g", "(neg ::g)"),
            ("_x1", "_x1"),
            ("this->x", "(-> this x)"),
            ("Node", "Node"),
        ]);
        assert_eq!(p("ns::var"), Expr::Ident("ns::var".into()));
    }

    #[test]
    fn literals() {
        assert_eq!(
            p("0"),
            Expr::Int {
                value: 0,
                ty: IntLitType::Int
            }
        );
        assert_eq!(
            p("0xffffffff"),
            Expr::Int {
                value: 0xffff_ffff,
                ty: IntLitType::UInt
            }
        );
        assert_eq!(
            p("2147483648"),
            Expr::Int {
                value: 2147483648,
                ty: IntLitType::LongLong
            }
        );
        assert_eq!(
            p("18446744073709551615ull"),
            Expr::Int {
                value: u64::MAX,
                ty: IntLitType::ULongLong
            }
        );
        assert_eq!(
            p("1.f"),
            Expr::Float {
                value: 1.0,
                single: true
            }
        );
        assert_eq!(
            p(".5"),
            Expr::Float {
                value: 0.5,
                single: false
            }
        );
        assert_eq!(
            p("0x1p3"),
            Expr::Float {
                value: 8.0,
                single: false
            }
        );
        assert_eq!(p("'a'"), Expr::Char(b'a'));
        assert_eq!(p(r"'\n'"), Expr::Char(b'\n'));
        assert_eq!(p(r"'\x41'"), Expr::Char(0x41));
        assert_eq!(p(r"'\0'"), Expr::Char(0));
        assert_eq!(p(r"'\\'"), Expr::Char(b'\\'));
        assert_eq!(p(r"'\''"), Expr::Char(b'\''));
        assert_eq!(p(r#""a\tb""#), Expr::Str(b"a\tb".to_vec()));
        assert_eq!(p(r#""ab" "cd"  "ef""#), Expr::Str(b"abcdef".to_vec()));
        assert_eq!(p(r#""" """#), Expr::Str(Vec::new()));
        assert_eq!(p(r#""\x41" "B""#), Expr::Str(b"AB".to_vec()));
        check(&[
            ("1.5 * 2", "(* 1.5 2)"),
            ("1e3", "1000.0"),
            ("0x1e+1", "(+ 30 1)"),
            ("1-1", "(- 1 1)"),
            ("x-1", "(- x 1)"),
            ("'a' + 1", "(+ 'a' 1)"),
            ("\"a\" \"b\"[0]", "([] \"ab\" 0)"),
        ]);
    }

    #[test]
    fn literal_errors() {
        check_errors(&[
            ("18446744073709551616", "integer literal is too large", 0),
            (
                "1 + 99999999999999999999",
                "integer literal is too large",
                4,
            ),
            ("1lL", "invalid suffix `lL` on integer literal", 1),
            ("09", "invalid digit `9` in octal literal", 1),
            ("1e", "exponent has no digits", 1),
            ("''", "empty character literal", 0),
            (
                "'ab'",
                "multi-character character literals are not supported",
                0,
            ),
            ("\"abc", "unterminated string literal", 0),
            ("x == \"abc", "unterminated string literal", 5),
            ("'a", "unterminated character literal", 0),
            ("1.x", "invalid suffix `x` on floating literal", 2),
        ]);
    }

    #[test]
    fn syntax_errors_and_offsets() {
        check_errors(&[
            ("", "empty expression", 0),
            ("   ", "empty expression", 0),
            ("@", "unknown character `@`", 0),
            ("a @ b", "unknown character `@`", 2),
            ("1 +", "unexpected end of expression", 3),
            ("1 + ", "unexpected end of expression", 4),
            ("-", "unexpected end of expression", 1),
            ("x =", "unexpected end of expression", 3),
            ("(", "unexpected end of expression", 1),
            ("(a + b", "expected `)` after expression", 6),
            ("(a + b]", "expected `)` after expression", 6),
            ("((a)", "expected `)` after expression", 4),
            ("a[1", "expected `]` after index expression", 3),
            ("a[1)", "expected `]` after index expression", 3),
            ("a[]", "expected an expression, found `]`", 2),
            ("a ? b", "expected `:` in conditional expression", 5),
            ("a ? b c", "expected `:` in conditional expression", 6),
            ("a ? b :", "unexpected end of expression", 7),
            ("p->", "expected a field name after `->`", 3),
            ("p.", "expected a field name after `.`", 2),
            ("p->1", "expected a field name after `->`", 3),
            ("p.int", "expected a field name after `.`", 2),
            ("p->*q", "expected a field name after `->`", 3),
            ("1 + )", "expected an expression, found `)`", 4),
            (")", "expected an expression, found `)`", 0),
            ("* / 2", "expected an expression, found `/`", 2),
            ("a b", "unexpected `b` after expression", 2),
            ("foo bar", "unexpected `bar` after expression", 4),
            ("a)", "unexpected `)` after expression", 1),
            ("a, b", "unexpected `,` after expression", 1),
            ("a; b", "unexpected `;` after expression", 1),
            ("x {", "unexpected `{` after expression", 2),
            ("f(x)", "function calls are not supported", 1),
            ("p->f(1, 2)", "function calls are not supported", 4),
            ("(f)(x)", "function calls are not supported", 3),
            ("f ()", "function calls are not supported", 2),
            (
                "++x",
                "increment and decrement operators are not supported",
                0,
            ),
            (
                "--x",
                "increment and decrement operators are not supported",
                0,
            ),
            (
                "x++",
                "increment and decrement operators are not supported",
                1,
            ),
            (
                "a[i]--",
                "increment and decrement operators are not supported",
                4,
            ),
            (
                "a--b",
                "increment and decrement operators are not supported",
                1,
            ),
            (
                "x += 1",
                "compound assignment `+=` is not supported; use plain `=`",
                2,
            ),
            (
                "a = b <<= 2",
                "compound assignment `<<=` is not supported; use plain `=`",
                6,
            ),
            (
                "(x |= 1)",
                "compound assignment `|=` is not supported; use plain `=`",
                3,
            ),
            ("int", "expected an expression, found keyword `int`", 0),
            (
                "sizeof int",
                "expected an expression, found keyword `int`",
                7,
            ),
            (
                "x + struct",
                "expected an expression, found keyword `struct`",
                4,
            ),
            ("sizeof", "unexpected end of expression", 6),
            ("ns::", "expected a name after `::`", 4),
            ("::", "expected a name after `::`", 2),
            ("a::1", "expected a name after `::`", 3),
            ("x : y", "unexpected `:` after expression", 2),
            (
                "a averyveryveryveryveryveryverylongname",
                "unexpected `averyveryveryveryveryveryvery...` after expression",
                2,
            ),
        ]);
    }

    #[test]
    fn whitespace_insensitive() {
        let a = p("(struct node*)p->next[ 2 ]+-1*sizeof(int)");
        let b = p("  ( struct\tnode * ) p -> next [2] + - 1 * sizeof ( int )\n");
        assert_eq!(a, b);
        assert_eq!(p("a<<b==c"), p("a << b == c"));
    }

    #[test]
    fn error_display_and_trait() {
        let err = e("a @ b");
        assert_eq!(err.to_string(), "unknown character `@` (at column 3)");
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert_eq!(boxed.to_string(), "unknown character `@` (at column 3)");
        assert_eq!(
            e("(a + b").to_string(),
            "expected `)` after expression (at column 7)"
        );
    }

    #[test]
    fn is_type_is_consulted_only_for_names() {
        let calls = std::cell::RefCell::new(Vec::new());
        let is_t = |s: &str| {
            calls.borrow_mut().push(s.to_string());
            s == "T"
        };
        assert_eq!(
            sx(&parse("(T)(a) + (b) + sizeof(c) + (int)d", &is_t).unwrap()),
            "(+ (+ (+ (cast T a) b) (sizeof c)) (cast int d))"
        );
        let mut asked = calls.borrow().clone();
        asked.dedup();
        assert_eq!(asked, vec!["T", "a", "b", "c"]);
    }

    fn repeat(unit: &str, n: usize, tail: &str) -> String {
        let mut s = unit.repeat(n);
        s.push_str(tail);
        s
    }

    /// Cases nested `n` levels deep, each of which is valid if `n` is small.
    fn deep_cases(n: usize) -> Vec<String> {
        vec![
            repeat("(", n, "x") + &")".repeat(n),
            repeat("- ", n, "x"),
            repeat("! ", n, "x"),
            repeat("~", n, "x"),
            repeat("*", n, "p"),
            repeat("& ", n, "x"),
            repeat("sizeof ", n, "x"),
            repeat("(int)", n, "x"),
            repeat("a[", n, "0") + &"]".repeat(n),
            repeat("x = ", n, "1"),
            repeat("a ? b : ", n, "c"),
            repeat("a ? ", n, "b") + &" : c".repeat(n),
            repeat("1 + ", n, "1"),
            repeat("1 * (", n, "1") + &")".repeat(n),
            "a".to_string() + &".b".repeat(n),
            "a".to_string() + &"[0]".repeat(n),
            "p".to_string() + &"->q".repeat(n),
        ]
    }

    /// Stack for the nesting tests: Rust's default for spawned threads, set
    /// explicitly so `RUST_MIN_STACK` cannot make the tests pass by accident.
    const TEST_STACK: usize = 2 << 20;

    #[test]
    fn moderate_nesting_is_fine() {
        std::thread::Builder::new()
            .stack_size(TEST_STACK)
            .spawn(|| {
                for src in deep_cases(100) {
                    assert!(parse(&src, &is_type).is_ok(), "{}", &src[..40]);
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        std::thread::Builder::new()
            .stack_size(TEST_STACK)
            .spawn(|| {
                for n in [300, 100_000] {
                    for src in deep_cases(n) {
                        let err = parse(&src, &is_type).unwrap_err();
                        assert!(
                            err.message.contains("nested too deeply"),
                            "{}: {err}",
                            &src[..40]
                        );
                        assert!(err.offset < src.len());
                    }
                }
                // Unbalanced: only opening parentheses.
                let err = parse(&"(".repeat(100_000), &is_type).unwrap_err();
                assert!(err.message.contains("nested too deeply"), "{err}");
                // The most stack per nesting level: a full precedence ladder.
                let ladder = "a || b && c | d ^ e & f == g < h << i + j * (";
                let src = repeat(ladder, 100_000, "k");
                let err = parse(&src, &is_type).unwrap_err();
                assert!(err.message.contains("nested too deeply"), "{err}");
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn depth_limit_is_exact() {
        let limit = MAX_DEPTH as usize;
        let parens = |n: usize| repeat("(", n, "x") + &")".repeat(n);
        assert_eq!(p(&parens(limit - 1)), Expr::Ident("x".into()));
        assert_eq!(
            e(&parens(limit)),
            ParseError::new("expression is nested too deeply (limit 256)", limit)
        );
        assert!(parse(&repeat("-", limit - 1, "x").replace('-', "- "), &is_type).is_ok());
        let err = e(&repeat("-", limit, "x").replace('-', "- "));
        assert!(err.message.contains("too deeply"), "{err}");
        // Left-associative chains are flat to parse but deep as trees.
        assert!(parse(&repeat("1+", limit - 1, "1"), &is_type).is_ok());
        assert_eq!(
            e(&repeat("1+", limit, "1")),
            ParseError::new("expression is nested too deeply (limit 256)", 2 * limit - 1)
        );
        assert!(parse(&("a".to_string() + &".b".repeat(limit - 1)), &is_type).is_ok());
        assert!(parse(&("a".to_string() + &".b".repeat(limit)), &is_type).is_err());
    }

    #[test]
    fn long_flat_inputs_are_fine() {
        let many_strings = "\"ab\" ".repeat(10_000);
        assert_eq!(p(&many_strings), Expr::Str(b"ab".repeat(10_000)));
        let long_name = "x".repeat(100_000);
        assert_eq!(p(&long_name), Expr::Ident(long_name.clone()));
        let many_stars = format!("sizeof(int{})", "*".repeat(10_000));
        assert_eq!(sizeof_ty(&many_stars).pointers, 10_000);
    }
}
