//! Guest linear memory access: every pointer and length the guest passes is checked here.
//!
//! Guest pointers are 32-bit offsets into the instance's linear memory. Any access that does not
//! lie entirely inside the memory fails with [`Errno::Fault`]; nothing here can panic on guest
//! input. Values are little-endian and need not be aligned (misaligned pointers work, as on the
//! wasm side).

use std::collections::BTreeMap;
use std::ops::Range;

use crate::errno::Errno;

/// Linux's `IOV_MAX`: the most buffers handed to one vectored host call. Reads and writes of more
/// buffers are short, which the preview1 contract allows.
pub(crate) const IOV_MAX: usize = 1024;

/// The host range of guest bytes `[ptr, ptr + len)`, or `Fault` if it leaves the memory.
pub(crate) fn range(mem_len: usize, ptr: u32, len: u64) -> Result<Range<usize>, Errno> {
    let start = usize::try_from(ptr).map_err(|_| Errno::Fault)?;
    let len = usize::try_from(len).map_err(|_| Errno::Fault)?;
    let end = start.checked_add(len).ok_or(Errno::Fault)?;
    if end > mem_len {
        return Err(Errno::Fault);
    }
    Ok(start..end)
}

/// Checks that `[ptr, ptr + len)` is inside the memory (used before side effects, so that a bad
/// result pointer does not leave an operation half done).
pub(crate) fn check(mem: &[u8], ptr: u32, len: u64) -> Result<(), Errno> {
    range(mem.len(), ptr, len).map(drop)
}

/// The guest bytes `[ptr, ptr + len)`.
pub(crate) fn bytes(mem: &[u8], ptr: u32, len: u32) -> Result<&[u8], Errno> {
    let r = range(mem.len(), ptr, u64::from(len))?;
    Ok(&mem[r])
}

/// The guest bytes `[ptr, ptr + len)`, writable.
pub(crate) fn bytes_mut(mem: &mut [u8], ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
    let r = range(mem.len(), ptr, u64::from(len))?;
    Ok(&mut mem[r])
}

/// Copies `data` to guest address `ptr`.
pub(crate) fn write_bytes(mem: &mut [u8], ptr: u32, data: &[u8]) -> Result<(), Errno> {
    let r = range(mem.len(), ptr, data.len() as u64)?;
    mem[r].copy_from_slice(data);
    Ok(())
}

#[cfg(test)]
fn read_array<const N: usize>(mem: &[u8], ptr: u32) -> Result<[u8; N], Errno> {
    let r = range(mem.len(), ptr, N as u64)?;
    let mut out = [0; N];
    out.copy_from_slice(&mem[r]);
    Ok(out)
}

/// Reads a little-endian `u16` at `ptr`.
#[cfg(test)]
pub(crate) fn read_u16(mem: &[u8], ptr: u32) -> Result<u16, Errno> {
    read_array(mem, ptr).map(u16::from_le_bytes)
}

/// Reads a little-endian `u32` at `ptr`.
#[cfg(test)]
pub(crate) fn read_u32(mem: &[u8], ptr: u32) -> Result<u32, Errno> {
    read_array(mem, ptr).map(u32::from_le_bytes)
}

/// Reads a little-endian `u64` at `ptr`.
#[cfg(test)]
pub(crate) fn read_u64(mem: &[u8], ptr: u32) -> Result<u64, Errno> {
    read_array(mem, ptr).map(u64::from_le_bytes)
}

/// Writes a little-endian `u32` at `ptr`.
pub(crate) fn write_u32(mem: &mut [u8], ptr: u32, value: u32) -> Result<(), Errno> {
    write_bytes(mem, ptr, &value.to_le_bytes())
}

/// Writes a little-endian `u64` at `ptr`.
pub(crate) fn write_u64(mem: &mut [u8], ptr: u32, value: u64) -> Result<(), Errno> {
    write_bytes(mem, ptr, &value.to_le_bytes())
}

/// One `iovec`/`ciovec` (8 bytes in the guest: `buf: u32`, `buf_len: u32`), already checked to
/// lie inside the memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Iovec {
    pub(crate) range: (usize, usize),
}

impl Iovec {
    fn range(self) -> Range<usize> {
        self.range.0..self.range.1
    }

    fn len(self) -> usize {
        self.range.1 - self.range.0
    }
}

/// Size of an `iovec` in the guest.
const IOVEC_SIZE: u64 = 8;

/// Reads the array of `count` iovecs at `ptr` and checks every buffer against the memory.
pub(crate) fn read_iovecs(mem: &[u8], ptr: u32, count: u32) -> Result<Vec<Iovec>, Errno> {
    let array = range(mem.len(), ptr, u64::from(count) * IOVEC_SIZE)?;
    let mut out = Vec::with_capacity(count as usize);
    for entry in mem[array].chunks_exact(IOVEC_SIZE as usize) {
        let buf = u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]);
        let len = u32::from_le_bytes([entry[4], entry[5], entry[6], entry[7]]);
        let r = range(mem.len(), buf, u64::from(len))?;
        out.push(Iovec {
            range: (r.start, r.end),
        });
    }
    Ok(out)
}

/// The guest buffers of `iovs` to read from (they may overlap), without the empty ones and at
/// most [`IOV_MAX`] of them.
pub(crate) fn gather<'m>(mem: &'m [u8], iovs: &[Iovec]) -> Vec<&'m [u8]> {
    iovs.iter()
        .filter(|iov| iov.len() > 0)
        .take(IOV_MAX)
        .map(|iov| &mem[iov.range()])
        .collect()
}

/// The guest buffers of `iovs` to write into, in order.
///
/// Empty buffers are skipped. A read may be short, so when buffers overlap only the leading
/// buffers that are pairwise disjoint are returned (at least the first non-empty one), and at
/// most [`IOV_MAX`] of them.
pub(crate) fn scatter<'m>(mem: &'m mut [u8], iovs: &[Iovec]) -> Vec<&'m mut [u8]> {
    // The leading disjoint buffers, keyed by start (BTreeMap: start -> (end, index in order)).
    let mut taken: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for iov in iovs.iter().filter(|iov| iov.len() > 0).take(IOV_MAX) {
        let (start, end) = iov.range;
        let overlaps_before = taken
            .range(..=start)
            .next_back()
            .is_some_and(|(_, &(e, _))| e > start);
        let overlaps_after = taken.range(start..).next().is_some_and(|(&s, _)| s < end);
        if overlaps_before || overlaps_after {
            break;
        }
        let index = taken.len();
        taken.insert(start, (end, index));
    }
    let mut out: Vec<Option<&'m mut [u8]>> = (0..taken.len()).map(|_| None).collect();
    let mut rest = mem;
    let mut consumed = 0;
    for (start, (end, index)) in taken {
        let tail = std::mem::take(&mut rest);
        let (_, tail) = tail.split_at_mut(start - consumed);
        let (buf, tail) = tail.split_at_mut(end - start);
        out[index] = Some(buf);
        rest = tail;
        consumed = end;
    }
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_bounds_checked() {
        assert_eq!(range(16, 0, 16), Ok(0..16));
        assert_eq!(range(16, 16, 0), Ok(16..16));
        assert_eq!(range(16, 17, 0), Err(Errno::Fault));
        assert_eq!(range(16, 8, 9), Err(Errno::Fault));
        assert_eq!(range(16, u32::MAX, 1), Err(Errno::Fault));
        assert_eq!(range(16, u32::MAX, u64::MAX), Err(Errno::Fault));
        assert_eq!(range(0, 0, 0), Ok(0..0));
    }

    #[test]
    fn scalar_access() {
        let mut mem = vec![0u8; 16];
        write_u32(&mut mem, 1, 0x1234_5678).unwrap();
        assert_eq!(read_u32(&mem, 1), Ok(0x1234_5678));
        assert_eq!(mem[1], 0x78, "little-endian");
        write_u64(&mut mem, 8, u64::MAX - 1).unwrap();
        assert_eq!(read_u64(&mem, 8), Ok(u64::MAX - 1));
        assert_eq!(read_u16(&mem, 8), Ok(0xfffe));
        assert_eq!(write_u64(&mut mem, 9, 0), Err(Errno::Fault));
        assert_eq!(read_u32(&mem, 13), Err(Errno::Fault));
        assert_eq!(write_bytes(&mut mem, 15, b"ab"), Err(Errno::Fault));
        assert_eq!(bytes(&mem, 12, 4).map(<[u8]>::len), Ok(4));
        assert_eq!(
            bytes_mut(&mut mem, 12, 5).map(|b| b.len()),
            Err(Errno::Fault)
        );
    }

    fn put_iovecs(mem: &mut [u8], at: u32, iovs: &[(u32, u32)]) {
        for (i, &(buf, len)) in iovs.iter().enumerate() {
            let p = at + 8 * i as u32;
            write_u32(mem, p, buf).unwrap();
            write_u32(mem, p + 4, len).unwrap();
        }
    }

    #[test]
    fn iovecs_are_checked() {
        let mut mem = vec![0u8; 64];
        put_iovecs(&mut mem, 0, &[(32, 8), (40, 24)]);
        let iovs = read_iovecs(&mem, 0, 2).unwrap();
        assert_eq!(iovs.len(), 2);
        // A buffer running past the end.
        put_iovecs(&mut mem, 0, &[(32, 8), (40, 25)]);
        assert_eq!(read_iovecs(&mem, 0, 2), Err(Errno::Fault));
        // The array itself running past the end, and a huge count.
        assert_eq!(read_iovecs(&mem, 60, 1), Err(Errno::Fault));
        assert_eq!(read_iovecs(&mem, 0, u32::MAX), Err(Errno::Fault));
        assert_eq!(read_iovecs(&mem, 64, 0), Ok(vec![]));
    }

    #[test]
    fn scatter_keeps_order_and_stops_at_overlap() {
        let mut mem = vec![0u8; 64];
        put_iovecs(&mut mem, 0, &[(40, 4), (32, 4), (36, 0), (48, 8), (50, 2)]);
        let iovs = read_iovecs(&mem, 0, 5).unwrap();
        let bufs = scatter(&mut mem, &iovs);
        // Empty buffer skipped; the last one overlaps the one before it.
        let lens: Vec<usize> = bufs.iter().map(|b| b.len()).collect();
        assert_eq!(lens, vec![4, 4, 8]);
        let mut bufs = bufs;
        bufs[0].fill(1);
        bufs[1].fill(2);
        bufs[2].fill(3);
        assert_eq!(&mem[32..36], &[2; 4]);
        assert_eq!(&mem[40..44], &[1; 4]);
        assert_eq!(&mem[48..56], &[3; 8]);
    }

    #[test]
    fn scatter_overlapping_first_buffers() {
        let mut mem = vec![0u8; 64];
        put_iovecs(&mut mem, 0, &[(32, 16), (40, 4)]);
        let iovs = read_iovecs(&mem, 0, 2).unwrap();
        assert_eq!(scatter(&mut mem, &iovs).len(), 1);
        // The iovec array itself may be a target.
        put_iovecs(&mut mem, 0, &[(0, 16)]);
        let iovs = read_iovecs(&mem, 0, 1).unwrap();
        assert_eq!(scatter(&mut mem, &iovs).len(), 1);
    }

    #[test]
    fn gather_skips_empty() {
        let mut mem = vec![0u8; 64];
        put_iovecs(&mut mem, 0, &[(32, 0), (32, 4), (32, 4)]);
        let iovs = read_iovecs(&mem, 0, 3).unwrap();
        assert_eq!(gather(&mem, &iovs).len(), 2);
    }
}
