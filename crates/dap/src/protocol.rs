//! The message envelope (requests in; responses and events out) and the writer that numbers
//! them. Shared by the reader thread (which answers `pause` while the program runs) and the
//! session thread.

use std::io::Write;
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::error::Error;

/// Why a message is not a request: its seq and command when they could be read (so that
/// the error can be answered), and the reason.
pub type NotARequest = (Option<(i64, String)>, String);

/// A request from the client.
#[derive(Debug, Clone)]
pub struct Request {
    pub seq: i64,
    pub command: String,
    pub arguments: Value,
}

impl Request {
    /// Reads a message body: a request, or why it is not one (with the seq and command when
    /// they could be read, so that the error can be answered).
    pub fn parse(body: &[u8]) -> Result<Option<Request>, NotARequest> {
        let v: Value =
            serde_json::from_slice(body).map_err(|e| (None, format!("malformed JSON: {e}")))?;
        let seq = v.get("seq").and_then(Value::as_i64);
        let command = v.get("command").and_then(Value::as_str).map(str::to_string);
        match v.get("type").and_then(Value::as_str) {
            Some("request") => {}
            // Replies to reverse requests and events from the client: nothing to do.
            Some("response") | Some("event") => return Ok(None),
            _ => {
                return Err((
                    seq.zip(command),
                    "not a DAP message: `type` must be \"request\"".into(),
                ));
            }
        }
        let (Some(seq), Some(command)) = (seq, command) else {
            return Err((None, "a request needs `seq` and `command`".into()));
        };
        let arguments = v.get("arguments").cloned().unwrap_or(Value::Null);
        if !(arguments.is_object() || arguments.is_null()) {
            return Err((Some((seq, command)), "`arguments` must be an object".into()));
        }
        Ok(Some(Request {
            seq,
            command,
            arguments,
        }))
    }

    /// The arguments as `T`; a clear error naming the request when they do not fit.
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let v = match &self.arguments {
            Value::Null => json!({}),
            v => v.clone(),
        };
        serde_json::from_value(v)
            .map_err(|e| Error(format!("bad arguments for `{}`: {e}", self.command)))
    }
}

/// Writes numbered messages to the client.
pub struct Output {
    inner: Mutex<(Box<dyn Write + Send>, i64)>,
}

impl Output {
    pub fn new(w: Box<dyn Write + Send>) -> Output {
        Output {
            inner: Mutex::new((w, 1)),
        }
    }

    fn send(&self, mut msg: Value) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        msg["seq"] = json!(inner.1);
        inner.1 += 1;
        let bytes = crate::codec::encode(msg.to_string().as_bytes());
        // A client that went away is noticed by the reader (end of input).
        let _ = inner.0.write_all(&bytes).and_then(|()| inner.0.flush());
    }

    pub fn event(&self, event: &str, body: Value) {
        let mut msg = json!({"type": "event", "event": event});
        if !body.is_null() {
            msg["body"] = body;
        }
        self.send(msg);
    }

    pub fn respond(&self, seq: i64, command: &str, result: Result<Value, Error>) {
        let mut msg = json!({
            "type": "response",
            "request_seq": seq,
            "command": command,
            "success": result.is_ok(),
        });
        match result {
            Ok(Value::Null) => {}
            Ok(body) => msg["body"] = body,
            Err(e) => {
                msg["message"] = json!(e.0);
                msg["body"] = json!({"error": {"id": 1, "format": e.0, "showUser": true}});
            }
        }
        self.send(msg);
    }

    /// An `output` event.
    pub fn output(&self, category: &str, text: &str) {
        self.event("output", json!({"category": category, "output": text}));
    }
}
