//! The outbound side of the connection.
//!
//! Every reply is assembled in a buffer and sent with one `write_all`, on a socket with
//! `TCP_NODELAY` (a reply split over several small writes costs a delayed-ACK round trip of
//! ~40 ms each under Nagle; that is most of WAMR's latency). gdbstub writes through [`Conn`],
//! the stub's own replies go straight to the shared [`Writer`].
//!
//! A failed write marks the writer broken instead of failing: the client is gone, which the
//! session handles as a disconnect (gdbstub would end with an error and lose its state).

use std::{cell::RefCell, convert::Infallible, io::Write, net::TcpStream, rc::Rc};

use crate::framing;

/// The socket's write half with the reply being built.
#[derive(Debug)]
pub(crate) struct Writer {
    stream: TcpStream,
    out: Vec<u8>,
    /// The last packet sent, without acks, for a `-` (retransmit) request.
    last: Vec<u8>,
    broken: bool,
}

impl Writer {
    pub(crate) fn new(stream: TcpStream) -> Writer {
        Writer {
            stream,
            out: Vec::new(),
            last: Vec::new(),
            broken: false,
        }
    }

    /// Sends what was written since the last flush, in one write.
    pub(crate) fn flush(&mut self) {
        if self.out.is_empty() {
            return;
        }
        if !self.broken && self.stream.write_all(&self.out).is_err() {
            self.broken = true;
        }
        if let Some(start) = self.out.iter().position(|&b| b == b'$') {
            self.last.clear();
            self.last.extend_from_slice(&self.out[start..]);
        }
        self.out.clear();
    }

    /// Sends one reply packet, preceded by the `+` ack of the request unless in no-ack mode.
    pub(crate) fn reply(&mut self, ack: bool, payload: &[u8]) {
        if ack {
            self.out.push(b'+');
        }
        framing::encode_into(&mut self.out, payload);
        self.flush();
    }

    /// Sends a bare `+` or `-`.
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.flush();
    }

    /// Sends the last packet again.
    pub(crate) fn resend_last(&mut self) {
        let last = std::mem::take(&mut self.last);
        self.out.extend_from_slice(&last);
        self.flush();
        self.last = last;
    }

    /// Whether a write failed (the client is gone).
    pub(crate) fn is_broken(&self) -> bool {
        self.broken
    }

    /// Ends the write half, so the client sees the end of the stream after the last reply.
    pub(crate) fn close(&mut self) {
        self.flush();
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
    }
}

/// gdbstub's view of the [`Writer`].
#[derive(Debug)]
pub(crate) struct Conn(pub(crate) Rc<RefCell<Writer>>);

impl gdbstub::conn::Connection for Conn {
    type Error = Infallible;

    fn write(&mut self, byte: u8) -> Result<(), Infallible> {
        self.0.borrow_mut().out.push(byte);
        Ok(())
    }

    fn write_all(&mut self, buf: &[u8]) -> Result<(), Infallible> {
        self.0.borrow_mut().out.extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        self.0.borrow_mut().flush();
        Ok(())
    }
}
