//! `args_get`, `args_sizes_get`, `environ_get`, `environ_sizes_get`.

use crate::WasiCtx;
use crate::errno::Errno;
use crate::memory;

/// The number of strings in `list` and the bytes they take with their NUL terminators.
fn sizes(list: &[Vec<u8>]) -> Result<(u32, u32), Errno> {
    let count = u32::try_from(list.len()).map_err(|_| Errno::Overflow)?;
    let bytes = list.iter().map(|s| s.len() as u64 + 1).sum::<u64>();
    let bytes = u32::try_from(bytes).map_err(|_| Errno::Overflow)?;
    Ok((count, bytes))
}

/// Writes `list` as `argv`-style pointers at `ptrs` to NUL-terminated strings packed at `buf`.
fn write_strings(mem: &mut [u8], list: &[Vec<u8>], ptrs: u32, buf: u32) -> Result<(), Errno> {
    let (count, bytes) = sizes(list)?;
    memory::check(mem, ptrs, u64::from(count) * 4)?;
    memory::check(mem, buf, u64::from(bytes))?;
    // Both ranges are inside the memory, so every offset below fits in a u32.
    let mut at = u64::from(buf);
    for (i, s) in list.iter().enumerate() {
        let ptr_at = u64::from(ptrs) + 4 * i as u64;
        let string_at = u32::try_from(at).map_err(|_| Errno::Fault)?;
        memory::write_u32(
            mem,
            u32::try_from(ptr_at).map_err(|_| Errno::Fault)?,
            string_at,
        )?;
        memory::write_bytes(mem, string_at, s)?;
        let nul_at = u32::try_from(at + s.len() as u64).map_err(|_| Errno::Fault)?;
        memory::write_bytes(mem, nul_at, &[0])?;
        at += s.len() as u64 + 1;
    }
    Ok(())
}

fn write_sizes(
    mem: &mut [u8],
    list: &[Vec<u8>],
    count_ptr: u32,
    size_ptr: u32,
) -> Result<(), Errno> {
    let (count, bytes) = sizes(list)?;
    memory::check(mem, count_ptr, 4)?;
    memory::check(mem, size_ptr, 4)?;
    memory::write_u32(mem, count_ptr, count)?;
    memory::write_u32(mem, size_ptr, bytes)
}

impl WasiCtx {
    pub(crate) fn args_get(
        &mut self,
        mem: &mut [u8],
        argv: u32,
        argv_buf: u32,
    ) -> Result<(), Errno> {
        write_strings(mem, &self.args, argv, argv_buf)
    }

    pub(crate) fn args_sizes_get(
        &mut self,
        mem: &mut [u8],
        argc: u32,
        argv_buf_size: u32,
    ) -> Result<(), Errno> {
        write_sizes(mem, &self.args, argc, argv_buf_size)
    }

    pub(crate) fn environ_get(
        &mut self,
        mem: &mut [u8],
        environ: u32,
        environ_buf: u32,
    ) -> Result<(), Errno> {
        write_strings(mem, &self.env, environ, environ_buf)
    }

    pub(crate) fn environ_sizes_get(
        &mut self,
        mem: &mut [u8],
        environc: u32,
        environ_buf_size: u32,
    ) -> Result<(), Errno> {
        write_sizes(mem, &self.env, environc, environ_buf_size)
    }
}

#[cfg(test)]
mod tests {
    use crate::errno::Errno;
    use crate::memory::read_u32;

    #[test]
    fn args_layout() {
        let mut ctx = crate::WasiCtx::builder()
            .args(&["prog".into(), "a b".into(), String::new()])
            .build();
        let mut mem = vec![0u8; 128];
        ctx.args_sizes_get(&mut mem, 0, 4).unwrap();
        assert_eq!(read_u32(&mem, 0), Ok(3));
        assert_eq!(read_u32(&mem, 4), Ok(5 + 4 + 1));
        ctx.args_get(&mut mem, 16, 64).unwrap();
        assert_eq!(read_u32(&mem, 16), Ok(64));
        assert_eq!(read_u32(&mem, 20), Ok(69));
        assert_eq!(read_u32(&mem, 24), Ok(73));
        assert_eq!(&mem[64..74], b"prog\0a b\0\0");
        // Out of bounds: the pointer array, the string buffer, the size outputs.
        assert_eq!(ctx.args_get(&mut mem, 120, 64), Err(Errno::Fault));
        assert_eq!(ctx.args_get(&mut mem, 16, 120), Err(Errno::Fault));
        assert_eq!(ctx.args_sizes_get(&mut mem, 0, 126), Err(Errno::Fault));
        assert_eq!(ctx.args_get(&mut [], 0, 0), Err(Errno::Fault));
    }

    #[test]
    fn environ_layout() {
        let mut ctx = crate::WasiCtx::builder()
            .env("A", "1")
            .env("B", "x=y")
            .env("A", "2")
            .build();
        let mut mem = vec![0u8; 64];
        ctx.environ_sizes_get(&mut mem, 0, 4).unwrap();
        assert_eq!(read_u32(&mem, 0), Ok(2));
        assert_eq!(read_u32(&mem, 4), Ok(4 + 6));
        ctx.environ_get(&mut mem, 8, 32).unwrap();
        assert_eq!(read_u32(&mem, 8), Ok(32));
        assert_eq!(read_u32(&mem, 12), Ok(36));
        assert_eq!(&mem[32..42], b"A=2\0B=x=y\0");
    }

    #[test]
    fn empty_lists() {
        let mut ctx = crate::WasiCtx::builder().build();
        let mut mem = vec![0xffu8; 8];
        ctx.environ_sizes_get(&mut mem, 0, 4).unwrap();
        assert_eq!(&mem, &[0; 8]);
        // Nothing to write: any pointers will do, even at the very end of memory.
        ctx.environ_get(&mut mem, 8, 8).unwrap();
    }
}
