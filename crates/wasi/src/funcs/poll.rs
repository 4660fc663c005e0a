//! `poll_oneoff`: wait for clocks, stdin input, or file readiness.
//!
//! Clock subscriptions on `monotonic` and `realtime` (relative or absolute) wait until their
//! deadline. Regular files and the standard outputs are always ready. Reading the host's stdin
//! waits for input with the host's `poll`; a stdin given by the embedder is always ready. The
//! call returns as soon as any subscription is ready, with an event for every ready one.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::WasiCtx;
use crate::clocks::nanos;
use crate::ctx::Input;
use crate::errno::Errno;
use crate::memory;
use crate::table::Descriptor;
use crate::types::{
    Event, Subscription, SubscriptionKind, clockid, eventrwflags, eventtype, rights, subclockflags,
};

/// What one subscription waits for, resolved against the context.
#[derive(Debug, Clone, Copy)]
enum Wait {
    /// Ready at `deadline`.
    Clock { deadline: Instant },
    /// Ready now, with this `fd_readwrite` payload.
    Ready { kind: u8, nbytes: u64, flags: u16 },
    /// Ready when the host's stdin has input (or is closed).
    HostStdin,
}

/// An instant far enough away to stand for "never" (for timeouts past what `Instant` holds).
fn far_future(now: Instant) -> Instant {
    now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600))
        .unwrap_or(now)
}

impl WasiCtx {
    fn resolve(&self, sub: &Subscription, now: Instant) -> Result<Wait, Errno> {
        match sub.kind {
            SubscriptionKind::Clock {
                id, timeout, flags, ..
            } => {
                let absolute = flags & subclockflags::ABSTIME != 0;
                let deadline = match (id, absolute) {
                    (clockid::MONOTONIC, true) => self.clocks.monotonic_instant(timeout),
                    (clockid::REALTIME, true) => {
                        let wall = SystemTime::now()
                            .duration_since(UNIX_EPOCH)
                            .map(nanos)
                            .unwrap_or(0);
                        now.checked_add(Duration::from_nanos(timeout.saturating_sub(wall)))
                    }
                    (clockid::MONOTONIC | clockid::REALTIME, false) => {
                        now.checked_add(Duration::from_nanos(timeout))
                    }
                    _ => return Err(Errno::Inval),
                };
                Ok(Wait::Clock {
                    deadline: deadline.unwrap_or_else(|| far_future(now)),
                })
            }
            SubscriptionKind::FdRead(fd) => {
                let entry = self.table.get(fd)?;
                match &entry.desc {
                    Descriptor::Stdin => {
                        entry.require(rights::POLL_FD_READWRITE)?;
                        Ok(match self.stdin {
                            Input::Inherit => Wait::HostStdin,
                            Input::Custom(_) => Wait::Ready {
                                kind: eventtype::FD_READ,
                                nbytes: 1,
                                flags: 0,
                            },
                        })
                    }
                    Descriptor::File(f) => {
                        entry.require(rights::POLL_FD_READWRITE)?;
                        let size = f.file.metadata()?.len();
                        let pos = std::io::Seek::stream_position(&mut &f.file)?;
                        Ok(Wait::Ready {
                            kind: eventtype::FD_READ,
                            nbytes: size.saturating_sub(pos),
                            flags: 0,
                        })
                    }
                    _ => Err(Errno::Badf),
                }
            }
            SubscriptionKind::FdWrite(fd) => {
                let entry = self.table.get(fd)?;
                match &entry.desc {
                    Descriptor::Stdout | Descriptor::Stderr | Descriptor::File(_) => {
                        entry.require(rights::POLL_FD_READWRITE)?;
                        Ok(Wait::Ready {
                            kind: eventtype::FD_WRITE,
                            nbytes: 1,
                            flags: 0,
                        })
                    }
                    _ => Err(Errno::Badf),
                }
            }
        }
    }

    pub(crate) fn poll_oneoff(
        &mut self,
        mem: &mut [u8],
        subs_ptr: u32,
        events_ptr: u32,
        nsubscriptions: u32,
        nevents: u32,
    ) -> Result<(), Errno> {
        if nsubscriptions == 0 {
            return Err(Errno::Inval);
        }
        let n = u64::from(nsubscriptions);
        let subs_range = memory::range(mem.len(), subs_ptr, n * Subscription::SIZE as u64)?;
        memory::check(mem, events_ptr, n * Event::SIZE as u64)?;
        memory::check(mem, nevents, 4)?;

        let subs = mem[subs_range]
            .chunks_exact(Subscription::SIZE)
            .map(|chunk| {
                let mut raw = [0; Subscription::SIZE];
                raw.copy_from_slice(chunk);
                Subscription::decode(&raw)
            })
            .collect::<Result<Vec<_>, Errno>>()?;
        let start = Instant::now();
        let waits = subs
            .iter()
            .map(|s| self.resolve(s, start))
            .collect::<Result<Vec<_>, Errno>>()?;

        let mut stdin_ready: Option<(u64, u16)> = None;
        let events = loop {
            let now = Instant::now();
            let events: Vec<Event> = subs
                .iter()
                .zip(&waits)
                .filter_map(|(sub, wait)| {
                    let (kind, nbytes, flags) = match *wait {
                        Wait::Clock { deadline } if deadline <= now => (eventtype::CLOCK, 0, 0),
                        Wait::Clock { .. } => return None,
                        Wait::Ready {
                            kind,
                            nbytes,
                            flags,
                        } => (kind, nbytes, flags),
                        Wait::HostStdin => {
                            let (nbytes, flags) = stdin_ready?;
                            (eventtype::FD_READ, nbytes, flags)
                        }
                    };
                    Some(Event {
                        userdata: sub.userdata,
                        error: Errno::Success,
                        kind,
                        nbytes,
                        flags,
                    })
                })
                .collect();
            if !events.is_empty() {
                break events;
            }
            let next_deadline = waits
                .iter()
                .filter_map(|w| match w {
                    Wait::Clock { deadline } => Some(*deadline),
                    _ => None,
                })
                .min();
            let timeout = next_deadline.map(|d| d.saturating_duration_since(now));
            if waits.iter().any(|w| matches!(w, Wait::HostStdin)) {
                stdin_ready = host_stdin::wait(timeout)?;
            } else if let Some(timeout) = timeout {
                std::thread::sleep(timeout);
            } else {
                // Every subscription is a clock or a stream, so there is always a deadline or
                // the host stdin to wait for.
                return Err(Errno::Inval);
            }
        };

        for (i, event) in events.iter().enumerate() {
            let at = u64::from(events_ptr) + (i * Event::SIZE) as u64;
            memory::write_bytes(
                mem,
                u32::try_from(at).map_err(|_| Errno::Fault)?,
                &event.encode(),
            )?;
        }
        memory::write_u32(mem, nevents, events.len() as u32)
    }
}

#[cfg(unix)]
mod host_stdin {
    use std::os::fd::AsFd;
    use std::time::Duration;

    use rustix::event::{PollFd, PollFlags, Timespec};

    use super::eventrwflags;
    use crate::errno::Errno;

    /// Waits up to `timeout` (forever if `None`) for the host's stdin to have input or hang up.
    /// Returns the bytes available and the event flags if it does.
    pub(super) fn wait(timeout: Option<Duration>) -> Result<Option<(u64, u16)>, Errno> {
        let stdin = std::io::stdin();
        let fd = stdin.as_fd();
        let timeout = timeout.map(|d| Timespec {
            tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(d.subsec_nanos()),
        });
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        loop {
            match rustix::event::poll(&mut fds, timeout.as_ref()) {
                Ok(0) => return Ok(None),
                Ok(_) => break,
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let revents = fds[0].revents();
        let nbytes = rustix::io::ioctl_fionread(fd).unwrap_or(0);
        let hangup = revents.intersects(PollFlags::HUP | PollFlags::ERR) && nbytes == 0;
        Ok(Some((
            nbytes.max(u64::from(!hangup)),
            if hangup {
                eventrwflags::FD_READWRITE_HANGUP
            } else {
                0
            },
        )))
    }
}

#[cfg(not(unix))]
mod host_stdin {
    use std::time::Duration;

    use crate::errno::Errno;

    /// Without a way to wait for the console, stdin is reported ready (a read then blocks).
    pub(super) fn wait(_timeout: Option<Duration>) -> Result<Option<(u64, u16)>, Errno> {
        Ok(Some((1, 0)))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::errno::Errno;
    use crate::memory::{read_u16, read_u32, read_u64, write_bytes};
    use crate::types::{clockid, eventtype, subclockflags};

    fn clock_sub(userdata: u64, id: u32, timeout: u64, flags: u16) -> [u8; 48] {
        let mut b = [0u8; 48];
        b[0..8].copy_from_slice(&userdata.to_le_bytes());
        b[8] = eventtype::CLOCK;
        b[16..20].copy_from_slice(&id.to_le_bytes());
        b[24..32].copy_from_slice(&timeout.to_le_bytes());
        b[40..42].copy_from_slice(&flags.to_le_bytes());
        b
    }

    fn fd_sub(userdata: u64, kind: u8, fd: u32) -> [u8; 48] {
        let mut b = [0u8; 48];
        b[0..8].copy_from_slice(&userdata.to_le_bytes());
        b[8] = kind;
        b[16..20].copy_from_slice(&fd.to_le_bytes());
        b
    }

    #[test]
    fn relative_clock_sleeps() {
        let mut ctx = crate::WasiCtx::builder().build();
        let mut mem = vec![0u8; 256];
        write_bytes(
            &mut mem,
            0,
            &clock_sub(7, clockid::MONOTONIC, 20_000_000, 0),
        )
        .unwrap();
        let start = Instant::now();
        ctx.poll_oneoff(&mut mem, 0, 64, 1, 128).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert_eq!(read_u32(&mem, 128), Ok(1));
        assert_eq!(read_u64(&mem, 64), Ok(7));
        assert_eq!(read_u16(&mem, 72), Ok(0));
        assert_eq!(mem[74], eventtype::CLOCK);
    }

    #[test]
    fn earliest_clock_wins_and_ready_fds_do_not_wait() {
        let mut ctx = crate::WasiCtx::builder()
            .stdin(Box::new(std::io::empty()))
            .build();
        let mut mem = vec![0u8; 512];
        write_bytes(
            &mut mem,
            0,
            &clock_sub(1, clockid::MONOTONIC, 10_000_000_000, 0),
        )
        .unwrap();
        write_bytes(&mut mem, 48, &clock_sub(2, clockid::REALTIME, 1_000_000, 0)).unwrap();
        ctx.poll_oneoff(&mut mem, 0, 256, 2, 500).unwrap();
        assert_eq!(read_u32(&mem, 500), Ok(1));
        assert_eq!(read_u64(&mem, 256), Ok(2));

        // stdout writable and (embedder-given) stdin readable: both at once, no waiting.
        write_bytes(&mut mem, 48, &fd_sub(3, eventtype::FD_WRITE, 1)).unwrap();
        write_bytes(&mut mem, 96, &fd_sub(4, eventtype::FD_READ, 0)).unwrap();
        let start = Instant::now();
        ctx.poll_oneoff(&mut mem, 0, 256, 3, 500).unwrap();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(read_u32(&mem, 500), Ok(2));
        assert_eq!(read_u64(&mem, 256), Ok(3));
        assert_eq!(mem[256 + 10], eventtype::FD_WRITE);
        assert_eq!(read_u64(&mem, 288), Ok(4));
        assert_eq!(mem[288 + 10], eventtype::FD_READ);
    }

    #[test]
    fn absolute_clocks_in_the_past_fire_at_once() {
        let mut ctx = crate::WasiCtx::builder().build();
        let mut mem = vec![0u8; 256];
        write_bytes(
            &mut mem,
            0,
            &clock_sub(1, clockid::MONOTONIC, 0, subclockflags::ABSTIME),
        )
        .unwrap();
        write_bytes(
            &mut mem,
            48,
            &clock_sub(2, clockid::REALTIME, 5, subclockflags::ABSTIME),
        )
        .unwrap();
        ctx.poll_oneoff(&mut mem, 0, 96, 2, 200).unwrap();
        assert_eq!(read_u32(&mem, 200), Ok(2));
    }

    #[test]
    fn host_stdin_wait_with_zero_timeout_returns() {
        // Whatever the test runner's stdin is (a tty, a pipe, /dev/null), a zero timeout
        // answers at once.
        assert!(super::host_stdin::wait(Some(Duration::ZERO)).is_ok());
    }

    #[test]
    fn bad_subscriptions() {
        let mut ctx = crate::WasiCtx::builder().build();
        let mut mem = vec![0u8; 256];
        assert_eq!(ctx.poll_oneoff(&mut mem, 0, 64, 0, 128), Err(Errno::Inval));
        write_bytes(
            &mut mem,
            0,
            &clock_sub(1, clockid::PROCESS_CPUTIME_ID, 1, 0),
        )
        .unwrap();
        assert_eq!(ctx.poll_oneoff(&mut mem, 0, 64, 1, 128), Err(Errno::Inval));
        write_bytes(&mut mem, 0, &fd_sub(1, eventtype::FD_READ, 42)).unwrap();
        assert_eq!(ctx.poll_oneoff(&mut mem, 0, 64, 1, 128), Err(Errno::Badf));
        write_bytes(&mut mem, 0, &fd_sub(1, eventtype::FD_READ, 1)).unwrap();
        assert_eq!(
            ctx.poll_oneoff(&mut mem, 0, 64, 1, 128),
            Err(Errno::Badf),
            "stdout is not readable"
        );
        write_bytes(&mut mem, 0, &fd_sub(1, 9, 1)).unwrap();
        assert_eq!(ctx.poll_oneoff(&mut mem, 0, 64, 1, 128), Err(Errno::Inval));
        // Out of bounds: subscriptions, events, the count.
        assert_eq!(
            ctx.poll_oneoff(&mut mem, 240, 64, 1, 128),
            Err(Errno::Fault)
        );
        assert_eq!(ctx.poll_oneoff(&mut mem, 0, 230, 1, 128), Err(Errno::Fault));
        assert_eq!(ctx.poll_oneoff(&mut mem, 0, 64, 1, 253), Err(Errno::Fault));
        assert_eq!(
            ctx.poll_oneoff(&mut mem, 0, 64, u32::MAX, 128),
            Err(Errno::Fault)
        );
    }
}
