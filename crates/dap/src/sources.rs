//! `loadedSources`, `source`, `modules`.

use serde::Deserialize;
use serde_json::{Value as Json, json};

use crate::adapter::Adapter;
use crate::error::{Error, bail};
use crate::protocol::Request;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceArg {
    path: Option<String>,
    source_reference: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceArgs {
    source: Option<SourceArg>,
    source_reference: Option<i64>,
}

impl Adapter {
    pub(crate) fn loaded_sources(&mut self) -> Result<Json, Error> {
        let files = self.sess()?.symbols().source_files();
        let sources: Vec<Json> = files.iter().map(|f| self.source_json(f)).collect();
        Ok(json!({"sources": sources}))
    }

    pub(crate) fn source(&mut self, req: &Request) -> Result<Json, Error> {
        let args: SourceArgs = req.args()?;
        let session = self.sess()?;
        let reference = args
            .source
            .as_ref()
            .and_then(|s| s.source_reference)
            .or(args.source_reference)
            .filter(|&r| r > 0);
        let dwarf_path = match reference {
            Some(r) => match usize::try_from(r - 1)
                .ok()
                .and_then(|i| self.source_refs.get(i))
            {
                Some(p) => p.clone(),
                None => bail!("unknown source reference {r}"),
            },
            None => match args.source.and_then(|s| s.path) {
                Some(p) => p,
                None => bail!("source: give a `sourceReference` or a `source.path`"),
            },
        };
        let Some(local) = session.local_source(&dwarf_path) else {
            bail!(
                "Could not load source `{dwarf_path}`: it is not on this machine (the path comes from the program's DWARF). Map it to a local directory with `sourceMap` in the launch configuration."
            );
        };
        match std::fs::read(&local) {
            Ok(bytes) => {
                Ok(json!({"content": String::from_utf8_lossy(&bytes), "mimeType": "text/x-c"}))
            }
            Err(e) => bail!("cannot read {}: {e}", local.display()),
        }
    }

    pub(crate) fn modules(&self) -> Result<Json, Error> {
        Ok(json!({"modules": [self.module_json()?], "totalModules": 1}))
    }

    /// The program's DAP `Module`.
    pub(crate) fn module_json(&self) -> Result<Json, Error> {
        let session = self.sess()?;
        let path = std::path::absolute(&session.config().program).unwrap_or_default();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let symbols = session.symbols();
        Ok(json!({
            "id": 1,
            "name": name,
            "path": path.display().to_string(),
            "symbolStatus": if symbols.has_dwarf() { "Symbols loaded." } else { "No DWARF (build with -g)." },
            "symbolFilePath": path.display().to_string(),
            "addressRange": format!("0x0-{:#x}", session.module_bytes().len()),
        }))
    }
}
