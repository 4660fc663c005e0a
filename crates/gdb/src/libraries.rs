//! The library list (`qXfer:libraries:read`): one `<library>` per module instance, loaded at its
//! `Object` address, under a name unique in the list (LLDB keeps only the first of two
//! libraries with the same name).

use std::collections::HashSet;

use crate::{addr, target::ModuleImage};

/// The `<library-list>` document for `modules`.
pub(crate) fn library_list_xml(modules: &[ModuleImage]) -> String {
    let mut xml = String::from("<library-list>");
    let mut seen = HashSet::new();
    for m in modules {
        let Some(base) = addr::code_addr(crate::target::CodeLoc {
            instance: m.instance,
            offset: 0,
        }) else {
            continue;
        };
        let name = unique_name(m, &mut seen);
        xml.push_str("<library name=\"");
        escape_into(&mut xml, &name);
        xml.push_str(&format!("\"><section address=\"{base:#x}\"/></library>"));
    }
    xml.push_str("</library-list>");
    xml
}

/// The module's name, or `wasm-<instance>` when it has none; `#<instance>` is appended to a
/// name already used by another instance (a second instance of the same file).
fn unique_name(m: &ModuleImage, seen: &mut HashSet<String>) -> String {
    let mut name = if m.name.is_empty() {
        format!("wasm-{}", m.instance)
    } else {
        m.name.clone()
    };
    if !seen.insert(name.clone()) {
        name = format!("{name}#{}", m.instance);
        seen.insert(name.clone());
    }
    name
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
}

/// Whether two module lists name the same instances under the same names.
pub(crate) fn same_modules(a: &[ModuleImage], b: &[ModuleImage]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.instance == y.instance && x.name == y.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn image(instance: u32, name: &str) -> ModuleImage {
        ModuleImage {
            instance,
            name: name.to_string(),
            bytes: Arc::from(&b"\0asm\x01\0\0\0"[..]),
        }
    }

    #[test]
    fn one_library_per_instance_with_unique_names() {
        let xml = library_list_xml(&[
            image(0, "/tmp/a&b.wasm"),
            image(1, ""),
            image(2, "/tmp/a&b.wasm"),
        ]);
        assert_eq!(
            xml,
            "<library-list>\
             <library name=\"/tmp/a&amp;b.wasm\"><section address=\"0x4000000000000000\"/></library>\
             <library name=\"wasm-1\"><section address=\"0x4000000100000000\"/></library>\
             <library name=\"/tmp/a&amp;b.wasm#2\"><section address=\"0x4000000200000000\"/></library>\
             </library-list>"
        );
    }
}
