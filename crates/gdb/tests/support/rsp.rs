//! A small GDB remote client: packet framing with checksums, acks until no-ack mode.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    time::Duration,
};

/// What the stub sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Ack,
    Nack,
    Packet(String),
}

/// A connected client.
pub struct Client {
    stream: TcpStream,
    pending: Vec<u8>,
    /// Whether to ack every packet received (until `QStartNoAckMode` is done).
    pub acks: bool,
}

/// The packet for `payload` (no escaping: test payloads are plain).
pub fn packet(payload: &[u8]) -> Vec<u8> {
    let sum = payload.iter().fold(0u8, |a, &b| a.wrapping_add(b));
    let mut p = vec![b'$'];
    p.extend_from_slice(payload);
    p.extend_from_slice(format!("#{sum:02x}").as_bytes());
    p
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            stream,
            pending: Vec::new(),
            acks: true,
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write");
    }

    pub fn send(&mut self, payload: &str) {
        self.send_raw(&packet(payload.as_bytes()));
    }

    fn byte(&mut self) -> u8 {
        if self.pending.is_empty() {
            let mut buf = [0u8; 65536];
            let n = self.stream.read(&mut buf).expect("read (timed out?)");
            assert!(n > 0, "the stub closed the connection");
            self.pending.extend_from_slice(&buf[..n]);
        }
        self.pending.remove(0)
    }

    /// The next ack or packet; checks the checksum, undoes escapes, acks packets in ack mode.
    pub fn next(&mut self) -> Reply {
        match self.byte() {
            b'+' => return Reply::Ack,
            b'-' => return Reply::Nack,
            b'$' => {}
            other => panic!("unexpected byte {other:#04x} between packets"),
        }
        let mut raw = Vec::new();
        loop {
            match self.byte() {
                b'#' => break,
                b => raw.push(b),
            }
        }
        let cs = [self.byte(), self.byte()];
        let cs = u8::from_str_radix(std::str::from_utf8(&cs).expect("checksum"), 16).expect("hex");
        let sum = raw.iter().fold(0u8, |a, &b| a.wrapping_add(b));
        assert_eq!(cs, sum, "checksum of {:?}", String::from_utf8_lossy(&raw));
        assert!(!raw.contains(&b'*'), "replies are not run-length encoded");
        let mut payload = Vec::new();
        let mut it = raw.into_iter();
        while let Some(b) = it.next() {
            payload.push(if b == b'}' {
                it.next().expect("escape") ^ 0x20
            } else {
                b
            });
        }
        if self.acks {
            self.send_raw(b"+");
        }
        Reply::Packet(String::from_utf8(payload).expect("utf-8 reply"))
    }

    /// The next packet, skipping acks.
    pub fn recv(&mut self) -> String {
        loop {
            if let Reply::Packet(p) = self.next() {
                return p;
            }
        }
    }

    /// Sends a request and returns its reply.
    pub fn req(&mut self, payload: &str) -> String {
        self.send(payload);
        self.recv()
    }

    /// Sends a request and checks its reply.
    #[track_caller]
    pub fn expect(&mut self, payload: &str, reply: &str) {
        let got = self.req(payload);
        assert_eq!(got, reply, "reply to {payload}");
    }

    /// `QStartNoAckMode` as LLDB does it.
    pub fn start_no_ack(&mut self) {
        self.send_raw(b"+");
        self.send("QStartNoAckMode");
        assert_eq!(self.next(), Reply::Ack);
        assert_eq!(self.next(), Reply::Packet("OK".into()));
        self.acks = false;
    }

    /// Reads until the stub closes the connection; panics if more packets arrive.
    pub fn expect_closed(&mut self) {
        assert!(self.pending.is_empty(), "unread bytes: {:?}", self.pending);
        let mut buf = [0u8; 64];
        let n = self.stream.read(&mut buf).expect("read");
        assert_eq!(n, 0, "expected the end of the stream, got {:?}", &buf[..n]);
    }
}
