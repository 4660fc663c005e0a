//! Frame ids and variable references: valid until the program runs again. Numbers are never
//! reused, so a stale one gets a clear error instead of another variable's children.

use std::collections::HashMap;

use wdb_session::Value;

use crate::error::{Error, bail};

/// A source-level scope of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Arguments,
    Locals,
    Globals,
    /// The wasm state: the groups below.
    Wasm,
}

/// A part of a frame's wasm state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmGroup {
    Locals,
    Stack,
    Globals,
}

/// What a number handed to the client stands for.
#[derive(Debug, Clone)]
pub enum Handle {
    /// A stack frame (index into the session's frames at this stop).
    Frame(usize),
    Scope(usize, Scope),
    Wasm(usize, WasmGroup),
    /// An expandable value seen from a frame; `path` is the expression that names it.
    Value {
        frame: usize,
        value: Value,
        path: Option<String>,
    },
}

#[derive(Debug)]
pub struct Handles {
    map: HashMap<i64, Handle>,
    frames: HashMap<usize, i64>,
    next: i64,
}

impl Default for Handles {
    fn default() -> Handles {
        Handles {
            map: HashMap::new(),
            frames: HashMap::new(),
            next: 1,
        }
    }
}

impl Handles {
    /// Forgets every handle (the program is about to run).
    pub fn reset(&mut self) {
        self.map.clear();
        self.frames.clear();
    }

    pub fn insert(&mut self, h: Handle) -> i64 {
        let id = self.next;
        // DAP clients keep these in 32-bit integers.
        self.next = if self.next >= i64::from(i32::MAX) {
            1
        } else {
            self.next + 1
        };
        self.map.insert(id, h);
        id
    }

    /// The id of frame `index` (the same one each time until the next reset).
    pub fn frame_id(&mut self, index: usize) -> i64 {
        if let Some(id) = self.frames.get(&index) {
            return *id;
        }
        let id = self.insert(Handle::Frame(index));
        self.frames.insert(index, id);
        id
    }

    pub fn get(&self, id: i64) -> Result<&Handle, Error> {
        match self.map.get(&id) {
            Some(h) => Ok(h),
            None => {
                bail!("unknown or stale reference {id} (references last until the program runs)")
            }
        }
    }

    /// The frame index of a frame id.
    pub fn frame(&self, id: i64) -> Result<usize, Error> {
        match self.get(id)? {
            Handle::Frame(i) => Ok(*i),
            _ => bail!("{id} is not a frame id"),
        }
    }
}
