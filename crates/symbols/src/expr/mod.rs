//! Expressions (parser arrives from the helper).
