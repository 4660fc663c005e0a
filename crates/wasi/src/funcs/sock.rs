//! `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`.
//!
//! The guest cannot be given sockets (preview1 has no way to create one and wdb preopens none),
//! so no descriptor is a socket: these fail with `notsock` for an open fd and `badf` for a
//! closed one, as in wasmtime.

use crate::WasiCtx;
use crate::errno::Errno;

impl WasiCtx {
    fn not_a_socket(&self, fd: u32) -> Result<(), Errno> {
        self.table.get(fd)?;
        Err(Errno::Notsock)
    }

    pub(crate) fn sock_accept(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        _flags: u32,
        _out: u32,
    ) -> Result<(), Errno> {
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_recv(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        _ri_data: u32,
        _ri_data_len: u32,
        _ri_flags: u32,
        _ro_datalen: u32,
        _ro_flags: u32,
    ) -> Result<(), Errno> {
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_send(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        _si_data: u32,
        _si_data_len: u32,
        _si_flags: u32,
        _so_datalen: u32,
    ) -> Result<(), Errno> {
        self.not_a_socket(fd)
    }

    pub(crate) fn sock_shutdown(
        &mut self,
        _mem: &mut [u8],
        fd: u32,
        _how: u32,
    ) -> Result<(), Errno> {
        self.not_a_socket(fd)
    }
}

#[cfg(test)]
mod tests {
    use crate::errno::Errno;

    #[test]
    fn sockets() {
        let mut ctx = crate::WasiCtx::builder().build();
        assert_eq!(ctx.sock_shutdown(&mut [], 1, 0), Err(Errno::Notsock));
        assert_eq!(ctx.sock_accept(&mut [], 9, 0, 0), Err(Errno::Badf));
        assert_eq!(ctx.sock_send(&mut [], 0, 0, 0, 0, 0), Err(Errno::Notsock));
        assert_eq!(ctx.sock_recv(&mut [], 7, 0, 0, 0, 0, 0), Err(Errno::Badf));
    }
}
