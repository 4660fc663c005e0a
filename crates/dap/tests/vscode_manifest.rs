//! editors/vscode/package.json declares the launch attributes `wdb dap` reads, with types the
//! launch handler accepts; its configurations use only those.

mod common;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(root().join("editors/vscode/package.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn debugger(m: &Value) -> &Value {
    m["contributes"]["debuggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["type"] == "wdb")
        .expect("a `wdb` debugger")
}

/// Runs `wdb dap` in-process on these requests; returns every message it sent.
fn session(requests: &[Value]) -> Vec<Value> {
    common::serve(common::frame_requests(requests))
}

#[test]
fn launch_attributes_match_the_adapter() {
    let m = manifest();
    let props = debugger(&m)["configurationAttributes"]["launch"]["properties"]
        .as_object()
        .unwrap();
    let mut declared: Vec<&str> = props.keys().map(String::as_str).collect();
    let mut read: Vec<&str> = wdb_dap::LAUNCH_ATTRIBUTES.to_vec();
    declared.sort();
    read.sort();
    assert_eq!(
        declared, read,
        "package.json launch properties vs the adapter's"
    );
}

#[test]
fn every_declared_type_is_accepted_by_launch() {
    let m = manifest();
    let props = debugger(&m)["configurationAttributes"]["launch"]["properties"]
        .as_object()
        .unwrap();
    let root = root().canonicalize().unwrap();
    let mut launch = json!({});
    for (name, schema) in props {
        launch[name] = match (name.as_str(), schema["type"].as_str().unwrap()) {
            ("program", "string") => json!("tests/guests/build/args_env.O0.wasm"),
            ("cwd", "string") => json!(root.display().to_string()),
            ("dirs", "array") => json!(["tests::/data"]),
            (_, "array") => json!(["one", "two"]),
            (_, "object") => json!({"KEY": "value"}),
            (_, "boolean") => json!(true),
            (_, "integer") => json!(5000),
            (n, t) => panic!("no sample for `{n}` of type {t}"),
        };
    }
    let out = session(&[
        json!({"command": "initialize", "arguments": {"adapterID": "wdb"}}),
        json!({"command": "launch", "arguments": launch}),
        json!({"command": "disconnect"}),
    ]);
    let launched = out
        .iter()
        .find(|m| m["command"] == "launch")
        .expect("a launch response");
    assert_eq!(launched["success"], true, "{launched}");
    let complaints: Vec<&Value> = out
        .iter()
        .filter(|m| {
            m["event"] == "output" && m["body"]["output"].as_str().unwrap().contains("unknown")
        })
        .collect();
    assert!(complaints.is_empty(), "{complaints:?}");
}

#[test]
fn configurations_use_only_declared_attributes() {
    let m = manifest();
    let d = debugger(&m);
    let generic = ["type", "request", "name"];
    let mut configs: Vec<&Value> = d["initialConfigurations"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    configs.extend(
        d["configurationSnippets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["body"]),
    );
    assert!(configs.len() >= 2);
    for c in configs {
        assert_eq!(c["type"], "wdb");
        assert_eq!(c["request"], "launch");
        for key in c.as_object().unwrap().keys() {
            assert!(
                wdb_dap::LAUNCH_ATTRIBUTES.contains(&key.as_str())
                    || generic.contains(&key.as_str()),
                "`{key}` is not a launch attribute"
            );
        }
    }
}

#[test]
fn bad_input_gets_answers_and_the_adapter_goes_on() {
    let mut input = b"Content-Length: 5\r\n\r\n{oops".to_vec();
    input.extend(b"Content-Length: nope\r\n\r\n");
    for body in [
        json!({"seq": 1, "type": "request", "command": "nosuch"}),
        json!({"seq": 2, "type": "request", "command": "launch", "arguments": {"program": 7}}),
        json!({"seq": 3, "type": "request", "command": "launch", "arguments": []}),
        json!({"seq": 4, "type": "request", "command": "variables", "arguments": {"variablesReference": 1}}),
        json!({"seq": 5, "type": "request", "command": "launch", "arguments": {"program": "/no/such.wasm"}}),
        json!({"seq": 6, "type": "request", "command": "threads"}),
    ] {
        input.extend(wdb_dap::codec::encode(body.to_string().as_bytes()));
    }
    let out = common::serve(input);
    let responses: Vec<(i64, bool, String)> = out
        .iter()
        .filter(|m| m["type"] == "response")
        .map(|m| {
            (
                m["request_seq"].as_i64().unwrap(),
                m["success"].as_bool().unwrap(),
                m["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let msg = |seq: i64| &responses.iter().find(|r| r.0 == seq).unwrap().2;
    assert_eq!(responses.len(), 6, "{responses:?}");
    assert!(responses[..5].iter().all(|r| !r.1));
    assert!(msg(1).contains("unsupported request `nosuch`"));
    assert!(msg(2).contains("bad arguments for `launch`"), "{}", msg(2));
    assert!(msg(3).contains("must be an object"), "{}", msg(3));
    assert!(msg(4).contains("launch"), "{}", msg(4));
    assert!(msg(5).contains("/no/such.wasm"), "{}", msg(5));
    assert!(responses[5].1, "threads still answered");
    let ignored = out
        .iter()
        .filter(|m| {
            m["event"] == "output"
                && m["body"]["output"]
                    .as_str()
                    .unwrap()
                    .starts_with("wdb: ignored")
        })
        .count();
    assert_eq!(
        ignored, 2,
        "the malformed JSON and the bad header are reported"
    );
}
