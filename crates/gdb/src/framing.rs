//! RSP framing, sans-IO: bytes in, [`Frame`]s out; payloads in, packets out.
//!
//! The decoder is lenient where the protocol allows it and never fails: bytes between packets
//! that mean nothing are skipped, a `$` inside a packet restarts (the earlier one was
//! truncated), and every malformed packet becomes a [`Frame::Corrupt`] so the session can
//! answer it instead of desynchronising. gdbstub itself treats all of these as fatal, which is
//! why the stub frames the stream itself and hands gdbstub only packets it has validated.

/// One unit of the inbound stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A packet with a correct checksum; the payload is unescaped.
    Packet(Vec<u8>),
    /// The raw `0x03` interrupt byte, seen between packets.
    Interrupt,
    /// `+`.
    Ack,
    /// `-`: the client asks for the last reply again.
    Nack,
    /// A packet that cannot be used.
    Corrupt(Corrupt),
}

/// What was wrong with a [`Frame::Corrupt`] packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Corrupt {
    /// The checksum does not match, or is not two hex digits.
    Checksum,
    /// A new `$` arrived before the `#`.
    Truncated,
    /// Longer than the advertised `PacketSize`.
    TooLong,
    /// A `}` escape at the very end of the payload.
    BadEscape,
}

#[derive(Debug)]
enum State {
    Between,
    Body,
    Checksum1,
    Checksum2(u8),
}

/// The inbound decoder.
#[derive(Debug)]
pub(crate) struct Decoder {
    state: State,
    raw: Vec<u8>,
    sum: u8,
    too_long: bool,
    max_payload: usize,
}

impl Decoder {
    /// A decoder that refuses payloads longer than `max_payload` raw bytes.
    pub(crate) fn new(max_payload: usize) -> Decoder {
        Decoder {
            state: State::Between,
            raw: Vec::new(),
            sum: 0,
            too_long: false,
            max_payload,
        }
    }

    fn start_packet(&mut self) {
        self.state = State::Body;
        self.raw.clear();
        self.sum = 0;
        self.too_long = false;
    }

    /// Feeds one byte; returns the frame it completes, if any.
    pub(crate) fn push(&mut self, byte: u8) -> Option<Frame> {
        match self.state {
            State::Between => match byte {
                b'$' => {
                    self.start_packet();
                    None
                }
                b'+' => Some(Frame::Ack),
                b'-' => Some(Frame::Nack),
                0x03 => Some(Frame::Interrupt),
                _ => None,
            },
            State::Body => match byte {
                b'#' => {
                    self.state = State::Checksum1;
                    None
                }
                b'$' => {
                    self.start_packet();
                    Some(Frame::Corrupt(Corrupt::Truncated))
                }
                _ => {
                    self.sum = self.sum.wrapping_add(byte);
                    if self.raw.len() < self.max_payload {
                        self.raw.push(byte);
                    } else {
                        self.too_long = true;
                    }
                    None
                }
            },
            State::Checksum1 => match hex_digit(byte) {
                Some(d) => {
                    self.state = State::Checksum2(d);
                    None
                }
                None => self.bad_checksum(byte),
            },
            State::Checksum2(hi) => match hex_digit(byte) {
                Some(lo) => {
                    self.state = State::Between;
                    Some(self.finish(hi << 4 | lo))
                }
                None => self.bad_checksum(byte),
            },
        }
    }

    fn bad_checksum(&mut self, byte: u8) -> Option<Frame> {
        if byte == b'$' {
            self.start_packet();
        } else {
            self.state = State::Between;
        }
        Some(Frame::Corrupt(Corrupt::Checksum))
    }

    fn finish(&mut self, checksum: u8) -> Frame {
        if checksum != self.sum {
            return Frame::Corrupt(Corrupt::Checksum);
        }
        if self.too_long {
            return Frame::Corrupt(Corrupt::TooLong);
        }
        match unescape(&self.raw) {
            Some(payload) => Frame::Packet(payload),
            None => Frame::Corrupt(Corrupt::BadEscape),
        }
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn unescape(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter();
    while let Some(&b) = bytes.next() {
        if b == b'}' {
            out.push(bytes.next()? ^ 0x20);
        } else {
            out.push(b);
        }
    }
    Some(out)
}

/// Appends the packet `$<payload>#<checksum>` to `out`, escaping `$ # } *` in the payload.
pub(crate) fn encode_into(out: &mut Vec<u8>, payload: &[u8]) {
    out.reserve(payload.len() + 4);
    out.push(b'$');
    let mut sum = 0u8;
    for &b in payload {
        if matches!(b, b'$' | b'#' | b'}' | b'*') {
            out.push(b'}');
            out.push(b ^ 0x20);
            sum = sum.wrapping_add(b'}').wrapping_add(b ^ 0x20);
        } else {
            out.push(b);
            sum = sum.wrapping_add(b);
        }
    }
    out.push(b'#');
    out.extend_from_slice(format!("{sum:02x}").as_bytes());
}

/// The packet for `payload`.
pub(crate) fn encode(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(&mut out, payload);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut d = Decoder::new(16);
        input.iter().filter_map(|&b| d.push(b)).collect()
    }

    #[test]
    fn decodes_packets_acks_and_interrupts() {
        assert_eq!(
            frames(b"+$QStartNoAckMode#b0\x03-"),
            vec![
                Frame::Ack,
                Frame::Packet(b"QStartNoAckMode".to_vec()),
                Frame::Interrupt,
                Frame::Nack
            ]
        );
    }

    #[test]
    fn garbage_between_packets_is_skipped() {
        assert_eq!(frames(b"xyz\0$?#3fqq"), vec![Frame::Packet(b"?".to_vec())]);
    }

    #[test]
    fn corrupt_packets_are_reported_and_decoding_recovers() {
        assert_eq!(
            frames(b"$?#00$?#3f"),
            vec![
                Frame::Corrupt(Corrupt::Checksum),
                Frame::Packet(b"?".to_vec())
            ]
        );
        assert_eq!(
            frames(b"$m40$?#3f"),
            vec![
                Frame::Corrupt(Corrupt::Truncated),
                Frame::Packet(b"?".to_vec())
            ]
        );
        assert_eq!(
            frames(b"$?#g$?#3f"),
            vec![
                Frame::Corrupt(Corrupt::Checksum),
                Frame::Packet(b"?".to_vec())
            ]
        );
        assert_eq!(
            frames(b"$?#3$?#3f"),
            vec![
                Frame::Corrupt(Corrupt::Checksum),
                Frame::Packet(b"?".to_vec())
            ]
        );
        let long = encode(&[b'a'; 17]);
        assert_eq!(frames(&long), vec![Frame::Corrupt(Corrupt::TooLong)]);
        assert_eq!(frames(b"$}#7d"), vec![Frame::Corrupt(Corrupt::BadEscape)]);
    }

    #[test]
    fn escapes_round_trip() {
        let payload = b"a$b#c}d*e\x03";
        let packet = encode(payload);
        assert_eq!(&packet[..4], b"$a}\x04");
        assert_eq!(frames(&packet), vec![Frame::Packet(payload.to_vec())]);
    }

    #[test]
    fn checksum_matches_lldb_log() {
        assert_eq!(encode(b"OK"), b"$OK#9a");
        assert_eq!(encode(b""), b"$#00");
        assert_eq!(encode(b"E45"), b"$E45#ae");
    }
}
