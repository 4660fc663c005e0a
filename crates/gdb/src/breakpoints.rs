//! The breakpoints and watchpoints the client set, as the client addressed them.
//!
//! The engine owns the real ones; the stub remembers what it asked for so that it can
//! * tell LLDB it stopped at the address LLDB asked for when the engine slid a breakpoint
//!   forward to the next instruction boundary (LLDB only recognises a stop at one of its
//!   breakpoint sites: `Z0,7f3,1` between two instructions must stop "at" `0x7f3`), and
//! * remove everything when the client goes away, so a detached program is not left waiting at
//!   a breakpoint nobody will ever continue from.

use std::collections::BTreeSet;

use crate::target::{CodeLoc, WasmTarget, WatchKind};

/// One watchpoint as added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Watch {
    pub(crate) instance: u32,
    pub(crate) addr: u32,
    pub(crate) len: u32,
    pub(crate) kind: WatchKind,
}

/// The client's breakpoints and watchpoints.
#[derive(Debug, Default)]
pub(crate) struct Breakpoints {
    /// (instance, offset) of every breakpoint, ordered for the slide lookup.
    sites: BTreeSet<(u32, u32)>,
    watches: Vec<Watch>,
}

impl Breakpoints {
    /// Adds a breakpoint through the engine; an existing one is kept (LLDB adds each site once,
    /// and the engine need not count).
    pub(crate) fn add(&mut self, target: &mut impl WasmTarget, loc: CodeLoc) -> bool {
        let key = (loc.instance, loc.offset);
        if self.sites.contains(&key) {
            return true;
        }
        let ok = target.add_breakpoint(loc);
        if ok {
            self.sites.insert(key);
        }
        ok
    }

    /// Removes a breakpoint through the engine.
    pub(crate) fn remove(&mut self, target: &mut impl WasmTarget, loc: CodeLoc) -> bool {
        self.sites.remove(&(loc.instance, loc.offset));
        target.remove_breakpoint(loc)
    }

    /// Adds a watchpoint through the engine.
    pub(crate) fn add_watch(&mut self, target: &mut impl WasmTarget, w: Watch) -> bool {
        if self.watches.contains(&w) {
            return true;
        }
        let ok = target.add_watchpoint(w.instance, w.addr, w.len, w.kind);
        if ok {
            self.watches.push(w);
        }
        ok
    }

    /// Removes a watchpoint through the engine.
    pub(crate) fn remove_watch(&mut self, target: &mut impl WasmTarget, w: Watch) -> bool {
        self.watches.retain(|x| *x != w);
        target.remove_watchpoint(w.instance, w.addr, w.len, w.kind)
    }

    /// Removes everything the client set.
    pub(crate) fn clear(&mut self, target: &mut impl WasmTarget) {
        for (instance, offset) in std::mem::take(&mut self.sites) {
            target.remove_breakpoint(CodeLoc { instance, offset });
        }
        for w in std::mem::take(&mut self.watches) {
            target.remove_watchpoint(w.instance, w.addr, w.len, w.kind);
        }
    }

    /// The location LLDB asked for, when the engine stopped at `pc` because of a breakpoint
    /// that was not set exactly there.
    ///
    /// A breakpoint requested at `r` slides to the first instruction boundary at or after `r`,
    /// so there is no boundary in `(r, pc)`: every site in that range slid to `pc` too, and the
    /// closest one below `pc` names a breakpoint LLDB knows at this stop.
    pub(crate) fn requested_for(&self, pc: CodeLoc) -> Option<CodeLoc> {
        if self.sites.contains(&(pc.instance, pc.offset)) {
            return None;
        }
        self.sites
            .range((pc.instance, 0)..(pc.instance, pc.offset))
            .next_back()
            .map(|&(instance, offset)| CodeLoc { instance, offset })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(sites: &[(u32, u32)]) -> Breakpoints {
        Breakpoints {
            sites: sites.iter().copied().collect(),
            watches: Vec::new(),
        }
    }

    #[test]
    fn exact_site_needs_no_adjustment() {
        let b = set(&[(0, 0x10), (0, 0x20)]);
        assert_eq!(
            b.requested_for(CodeLoc {
                instance: 0,
                offset: 0x20
            }),
            None
        );
    }

    #[test]
    fn slid_site_is_the_closest_below_in_the_same_instance() {
        let b = set(&[(0, 0x10), (0, 0x1e), (1, 0x1f)]);
        assert_eq!(
            b.requested_for(CodeLoc {
                instance: 0,
                offset: 0x20
            }),
            Some(CodeLoc {
                instance: 0,
                offset: 0x1e
            })
        );
        assert_eq!(
            b.requested_for(CodeLoc {
                instance: 2,
                offset: 0x20
            }),
            None
        );
    }
}
