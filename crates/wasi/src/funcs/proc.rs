//! `proc_exit`, `proc_raise`, `sched_yield`, `random_get`.

use crate::WasiCtx;
use crate::errno::Errno;
use crate::memory;
use crate::types::SIGNAL_MAX;

impl WasiCtx {
    /// Flushes the guest's output; the registration then ends the program with `code`.
    pub(crate) fn proc_exit(&mut self, code: u32) -> i32 {
        // Output that cannot be flushed any more has nowhere to go; the exit proceeds.
        let _ = self.flush();
        code as i32
    }

    /// Signals are not delivered to wasm programs (as in wasmtime): `notsup` for every valid
    /// signal, `inval` for invalid ones.
    pub(crate) fn proc_raise(&mut self, _mem: &mut [u8], sig: u32) -> Result<(), Errno> {
        if sig > SIGNAL_MAX {
            return Err(Errno::Inval);
        }
        Err(Errno::Notsup)
    }

    pub(crate) fn sched_yield(&mut self, _mem: &mut [u8]) -> Result<(), Errno> {
        std::thread::yield_now();
        Ok(())
    }

    pub(crate) fn random_get(&mut self, mem: &mut [u8], buf: u32, len: u32) -> Result<(), Errno> {
        let dest = memory::bytes_mut(mem, buf, len)?;
        self.rng.fill_bytes(dest);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::errno::Errno;

    #[test]
    fn random_fills_and_checks_bounds() {
        let mut ctx = crate::WasiCtx::builder().build();
        let mut mem = vec![0u8; 64];
        ctx.random_get(&mut mem, 16, 48).unwrap();
        assert!(mem[16..].iter().any(|&b| b != 0));
        assert_eq!(&mem[..16], &[0; 16]);
        assert_eq!(ctx.random_get(&mut mem, 17, 48), Err(Errno::Fault));
        assert_eq!(ctx.random_get(&mut mem, 64, 0), Ok(()));
    }

    #[test]
    fn raise_and_yield() {
        let mut ctx = crate::WasiCtx::builder().build();
        assert_eq!(ctx.proc_raise(&mut [], 2), Err(Errno::Notsup));
        assert_eq!(ctx.proc_raise(&mut [], 31), Err(Errno::Inval));
        assert_eq!(ctx.sched_yield(&mut []), Ok(()));
        assert_eq!(ctx.proc_exit(3), 3);
    }
}
