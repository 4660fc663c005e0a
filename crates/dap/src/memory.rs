//! `readMemory`, `writeMemory` (linear memory; memory references are addresses in it) and
//! `disassemble` (wasm text; instruction references are module offsets).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::{Value as Json, json};
use wdb_session::parse_number;

use crate::adapter::{Adapter, hex};
use crate::error::{Error, bail};
use crate::protocol::Request;

/// The most bytes one `readMemory` returns.
const MAX_READ: u64 = 16 << 20;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadMemoryArgs {
    memory_reference: String,
    #[serde(default)]
    offset: i64,
    count: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WriteMemoryArgs {
    memory_reference: String,
    #[serde(default)]
    offset: i64,
    #[serde(default)]
    allow_partial: bool,
    data: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DisassembleArgs {
    memory_reference: String,
    #[serde(default)]
    offset: i64,
    #[serde(default)]
    instruction_offset: i64,
    instruction_count: usize,
}

/// `reference + offset` as a 32-bit address.
fn address(reference: &str, offset: i64) -> Result<u32, Error> {
    let Some(base) = parse_number(reference.trim()) else {
        bail!("bad memory reference `{reference}`");
    };
    match i64::try_from(base)
        .ok()
        .and_then(|b| b.checked_add(offset))
        .and_then(|a| u32::try_from(a).ok())
    {
        Some(a) => Ok(a),
        None => bail!("address {reference}{offset:+} is outside the 32-bit address space"),
    }
}

impl Adapter {
    pub(crate) fn read_memory(&mut self, req: &Request) -> Result<Json, Error> {
        let args: ReadMemoryArgs = req.args()?;
        let addr = address(&args.memory_reference, args.offset)?;
        let count = args.count.min(MAX_READ).min(u64::from(u32::MAX - addr) + 1) as usize;
        let session = self.stopped()?;
        let mut buf = vec![0u8; count];
        let n = session.read_memory(addr, &mut buf);
        buf.truncate(n);
        Ok(json!({
            "address": hex(addr),
            "data": BASE64.encode(&buf),
            "unreadableBytes": args.count - n as u64,
        }))
    }

    pub(crate) fn write_memory(&mut self, req: &Request) -> Result<Json, Error> {
        let args: WriteMemoryArgs = req.args()?;
        let addr = address(&args.memory_reference, args.offset)?;
        let Ok(mut bytes) = BASE64.decode(args.data.trim()) else {
            bail!("writeMemory: `data` is not valid base64");
        };
        self.stopped()?;
        let session = self.sess_mut()?;
        let size = {
            let mut probe = vec![0u8; bytes.len()];
            session.read_memory(addr, &mut probe)
        };
        if size < bytes.len() {
            if !args.allow_partial || size == 0 {
                bail!(
                    "cannot write {} bytes at {addr:#x}: linear memory ends {size} bytes after it",
                    bytes.len()
                );
            }
            bytes.truncate(size);
        }
        if !session.write_memory(addr, &bytes) {
            bail!("cannot write at {addr:#x}");
        }
        session.cache_frames();
        if self.client.invalidated_event {
            self.event("invalidated", json!({"areas": ["variables"]}));
        }
        Ok(json!({"offset": 0, "bytesWritten": bytes.len()}))
    }

    pub(crate) fn disassemble(&mut self, req: &Request) -> Result<Json, Error> {
        let args: DisassembleArgs = req.args()?;
        let addr = address(&args.memory_reference, args.offset)?;
        if args.instruction_count > 100_000 {
            bail!("instructionCount {} is too large", args.instruction_count);
        }
        let session = self.sess_mut()?;
        let items = session.instructions(addr, args.instruction_offset, args.instruction_count)?;
        let bytes = session.module_bytes().to_vec();
        let symbols = session.symbols();
        let mut out = Vec::with_capacity(items.len());
        let mut last_file: Option<String> = None;
        let first_valid = items.iter().position(Option::is_some);
        for (i, item) in items.iter().enumerate() {
            let Some((pc, text)) = item else {
                // Off the code: placeholders with ordered addresses.
                let at = match (first_valid, i < first_valid.unwrap_or(usize::MAX)) {
                    (Some(f), true) => items[f]
                        .as_ref()
                        .map_or(0, |x| x.0)
                        .saturating_sub((f - i) as u32),
                    _ => addr.saturating_add(i as u32),
                };
                out.push(
                    json!({"address": hex(at), "instruction": "??", "presentationHint": "invalid"}),
                );
                continue;
            };
            let mut j = json!({"address": hex(*pc), "instruction": text});
            if let Some(Some((next, _))) = items.get(i + 1)
                && next > pc
                && (*next as usize) <= bytes.len()
                && next - pc <= 16
            {
                let raw: String = bytes[*pc as usize..*next as usize]
                    .iter()
                    .map(|b| format!("{b:02x} "))
                    .collect();
                j["instructionBytes"] = json!(raw.trim_end());
            }
            if let Some(f) = symbols.frames(*pc).last() {
                j["symbol"] = json!(f.function);
            }
            if let Some(loc) = symbols.location(*pc) {
                j["line"] = json!(i64::from(loc.line));
                if loc.column > 0 {
                    j["column"] = json!(i64::from(loc.column));
                }
                if last_file.as_deref() != Some(&loc.path) {
                    last_file = Some(loc.path.clone());
                    j["location"] = json!(loc.path);
                }
            }
            out.push(j);
        }
        // Lines and sources in the client's conventions.
        for j in &mut out {
            if let Some(l) = j.get("line").and_then(Json::as_i64) {
                j["line"] = json!(self.line_out(l as u32));
            }
            if let Some(c) = j.get("column").and_then(Json::as_i64) {
                j["column"] = json!(self.column_out(c as u32));
            }
            if let Some(p) = j.get("location").and_then(Json::as_str).map(str::to_string) {
                j["location"] = self.source_json(&p);
            }
        }
        Ok(json!({"instructions": out}))
    }
}
