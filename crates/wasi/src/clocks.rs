//! Clocks: `realtime`, `monotonic`, and the process and thread CPU-time clocks.
//!
//! The monotonic clock counts from the creation of the [`WasiCtx`](crate::WasiCtx), so its
//! readings are small and start near zero, as in wasmtime. Times are nanoseconds in a `u64`.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cap_std::time::{MonotonicClock, SystemClock};
use cap_time_ext::{MonotonicClockExt, SystemClockExt};

use crate::errno::Errno;
use crate::types::clockid;

/// Saturating conversion of a duration to nanoseconds.
pub(crate) fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The clocks of one context.
#[derive(Debug)]
pub(crate) struct Clocks {
    /// Monotonic time zero.
    epoch: Instant,
}

impl Clocks {
    pub(crate) fn new() -> Clocks {
        Clocks {
            epoch: Instant::now(),
        }
    }

    /// The instant that monotonic time `ns` names.
    pub(crate) fn monotonic_instant(&self, ns: u64) -> Option<Instant> {
        self.epoch.checked_add(Duration::from_nanos(ns))
    }

    /// The current time of clock `id`; `inval` for unknown clocks.
    pub(crate) fn now(&self, id: u32) -> Result<u64, Errno> {
        match id {
            clockid::REALTIME => {
                let since = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_err(|_| Errno::Overflow)?;
                Ok(nanos(since))
            }
            clockid::MONOTONIC => Ok(nanos(self.epoch.elapsed())),
            clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => cputime::now(id),
            _ => Err(Errno::Inval),
        }
    }

    /// The resolution of clock `id`; `inval` for unknown clocks.
    pub(crate) fn resolution(&self, id: u32) -> Result<u64, Errno> {
        let ambient = cap_std::ambient_authority();
        match id {
            clockid::REALTIME => Ok(nanos(SystemClock::new(ambient).resolution()).max(1)),
            clockid::MONOTONIC => Ok(nanos(MonotonicClock::new(ambient).resolution()).max(1)),
            clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => cputime::resolution(id),
            _ => Err(Errno::Inval),
        }
    }
}

#[cfg(unix)]
mod cputime {
    use rustix::time::{ClockId, Timespec, clock_getres, clock_gettime};

    use crate::errno::Errno;
    use crate::types::clockid;

    fn host_clock(id: u32) -> ClockId {
        if id == clockid::PROCESS_CPUTIME_ID {
            ClockId::ProcessCPUTime
        } else {
            ClockId::ThreadCPUTime
        }
    }

    fn ns(ts: Timespec) -> u64 {
        let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
        let nsec = u64::try_from(ts.tv_nsec).unwrap_or(0);
        secs.saturating_mul(1_000_000_000).saturating_add(nsec)
    }

    pub(super) fn now(id: u32) -> Result<u64, Errno> {
        Ok(ns(clock_gettime(host_clock(id))))
    }

    pub(super) fn resolution(id: u32) -> Result<u64, Errno> {
        Ok(ns(clock_getres(host_clock(id))).max(1))
    }
}

#[cfg(not(unix))]
mod cputime {
    use crate::errno::Errno;

    pub(super) fn now(_id: u32) -> Result<u64, Errno> {
        Err(Errno::Notsup)
    }

    pub(super) fn resolution(_id: u32) -> Result<u64, Errno> {
        Err(Errno::Notsup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_advance_and_have_resolutions() {
        let c = Clocks::new();
        for id in 0..4 {
            let a = c.now(id).unwrap();
            let b = c.now(id).unwrap();
            assert!(b >= a, "clock {id} went backwards");
            assert!(c.resolution(id).unwrap() >= 1);
        }
        assert!(c.now(clockid::REALTIME).unwrap() > 1_600_000_000 * 1_000_000_000);
        assert_eq!(c.now(4), Err(Errno::Inval));
        assert_eq!(c.resolution(u32::MAX), Err(Errno::Inval));
    }

    #[test]
    fn cputime_counts_work() {
        let c = Clocks::new();
        let before = c.now(clockid::PROCESS_CPUTIME_ID).unwrap();
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        assert!(c.now(clockid::PROCESS_CPUTIME_ID).unwrap() > before);
    }
}
