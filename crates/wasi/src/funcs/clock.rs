//! `clock_res_get`, `clock_time_get`.

use crate::WasiCtx;
use crate::errno::Errno;
use crate::memory;

impl WasiCtx {
    pub(crate) fn clock_res_get(&mut self, mem: &mut [u8], id: u32, out: u32) -> Result<(), Errno> {
        memory::check(mem, out, 8)?;
        let res = self.clocks.resolution(id)?;
        memory::write_u64(mem, out, res)
    }

    /// `precision` is a hint the host clocks do not need.
    pub(crate) fn clock_time_get(
        &mut self,
        mem: &mut [u8],
        id: u32,
        _precision: u64,
        out: u32,
    ) -> Result<(), Errno> {
        memory::check(mem, out, 8)?;
        let now = self.clocks.now(id)?;
        memory::write_u64(mem, out, now)
    }
}

#[cfg(test)]
mod tests {
    use crate::errno::Errno;
    use crate::memory::read_u64;

    #[test]
    fn clock_functions() {
        let mut ctx = crate::WasiCtx::builder().build();
        let mut mem = vec![0u8; 16];
        ctx.clock_time_get(&mut mem, 0, 0, 8).unwrap();
        assert!(read_u64(&mem, 8).unwrap() > 0);
        ctx.clock_res_get(&mut mem, 1, 0).unwrap();
        assert!(read_u64(&mem, 0).unwrap() >= 1);
        assert_eq!(ctx.clock_time_get(&mut mem, 9, 0, 0), Err(Errno::Inval));
        assert_eq!(ctx.clock_time_get(&mut mem, 0, 0, 9), Err(Errno::Fault));
        assert_eq!(ctx.clock_res_get(&mut mem, 0, 12), Err(Errno::Fault));
    }
}
