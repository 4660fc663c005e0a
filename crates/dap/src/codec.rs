//! DAP's base protocol: `Content-Length: N\r\n\r\n` + N bytes of JSON. Sans-IO: bytes go in,
//! whole message bodies come out. Bad input never panics and never wedges the stream: a
//! malformed header is reported and skipped up to the next `Content-Length`.

/// Bodies larger than this are refused (their header is skipped).
pub const MAX_BODY: usize = 64 << 20;
/// A header block longer than this is garbage.
const MAX_HEADER: usize = 8 << 10;

/// What [`Decoder::next`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete message body.
    Message(Vec<u8>),
    /// Bytes that are not a valid message, skipped; why.
    Bad(String),
}

/// Splits a byte stream into message bodies.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    /// An empty decoder.
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete message, or None when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        let Some(end) = find(&self.buf, b"\r\n\r\n") else {
            if self.buf.len() > MAX_HEADER {
                self.resync(1);
                return Some(Frame::Bad("header too long".into()));
            }
            return None;
        };
        let header = String::from_utf8_lossy(&self.buf[..end]).into_owned();
        let mut length = None;
        let mut from_browser = false;
        for line in header.split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                return Some(self.bad(format!("bad header line `{}`", line.trim())));
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => match value.trim().parse::<usize>() {
                    Ok(n) if n <= MAX_BODY => length = Some(n),
                    Ok(n) => return Some(self.bad(format!("message too large ({n} bytes)"))),
                    Err(_) => {
                        return Some(self.bad(format!("bad Content-Length `{}`", value.trim())));
                    }
                },
                // A browser's request (DNS rebinding, a web page posting to the port).
                "origin" => from_browser = true,
                _ => {}
            }
        }
        let Some(length) = length else {
            return Some(self.bad("missing Content-Length".into()));
        };
        let start = end + 4;
        if self.buf.len() < start + length {
            return None;
        }
        let body = self.buf[start..start + length].to_vec();
        self.buf.drain(..start + length);
        if from_browser {
            return Some(Frame::Bad("refused a request from a web page".into()));
        }
        Some(Frame::Message(body))
    }

    /// Skips a bad header block up to the next `Content-Length` (which may be inside it:
    /// junk before a good header).
    fn bad(&mut self, why: String) -> Frame {
        self.resync(1);
        Frame::Bad(why)
    }

    fn resync(&mut self, from: usize) {
        let from = from.min(self.buf.len());
        let next =
            find_ci(&self.buf[from..], b"content-length").map_or(self.buf.len(), |i| from + i);
        self.buf.drain(..next);
    }
}

/// Frames one message body.
pub fn encode(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        // Byte by byte: framing must not depend on how reads split the stream.
        for b in input {
            d.push(std::slice::from_ref(b));
            while let Some(f) = d.next_frame() {
                out.push(f);
            }
        }
        out
    }

    #[test]
    fn splits_messages_and_ignores_other_headers() {
        let mut input = encode(b"{\"a\":1}");
        input.extend(b"Content-Type: application/json\r\ncontent-length: 2\r\n\r\n{}");
        assert_eq!(
            frames(&input),
            vec![
                Frame::Message(b"{\"a\":1}".to_vec()),
                Frame::Message(b"{}".to_vec())
            ]
        );
    }

    #[test]
    fn bad_headers_are_skipped_and_the_stream_recovers() {
        let mut input = b"garbage\r\n\r\nContent-Length: x\r\n\r\n".to_vec();
        input.extend(b"Content-Length: 99999999999\r\n\r\n");
        input.extend(b"Origin: http://evil\r\nContent-Length: 2\r\n\r\n{}");
        input.extend(encode(b"[1]"));
        let got = frames(&input);
        assert_eq!(got.last(), Some(&Frame::Message(b"[1]".to_vec())));
        assert!(
            got[..got.len() - 1]
                .iter()
                .all(|f| matches!(f, Frame::Bad(_))),
            "{got:?}"
        );
        assert!(got.len() >= 4, "{got:?}");
    }

    #[test]
    fn endless_garbage_does_not_grow_the_buffer() {
        let mut d = Decoder::new();
        let mut bad = 0;
        for _ in 0..100 {
            d.push(&[b'x'; 1000]);
            while let Some(f) = d.next_frame() {
                assert!(matches!(f, Frame::Bad(_)));
                bad += 1;
            }
        }
        assert!(bad > 0);
        assert!(d.buf.len() <= MAX_HEADER);
    }
}
