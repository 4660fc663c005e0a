//! Random requests with arguments of random shapes, against a live session: every request
//! gets exactly one response, and nothing panics or hangs.

mod common;

use std::path::Path;

use serde_json::{Value, json};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const COMMANDS: &[&str] = &[
    "setBreakpoints",
    "setFunctionBreakpoints",
    "setInstructionBreakpoints",
    "setExceptionBreakpoints",
    "dataBreakpointInfo",
    "setDataBreakpoints",
    "threads",
    "stackTrace",
    "scopes",
    "variables",
    "setVariable",
    "setExpression",
    "evaluate",
    "completions",
    "exceptionInfo",
    "next",
    "stepIn",
    "stepOut",
    "pause",
    "disassemble",
    "readMemory",
    "writeMemory",
    "loadedSources",
    "modules",
    "source",
    "continue",
    "restart",
    "nosuch",
];

const FIELDS: &[&str] = &[
    "source",
    "breakpoints",
    "line",
    "lines",
    "name",
    "frameId",
    "variablesReference",
    "value",
    "expression",
    "context",
    "text",
    "column",
    "threadId",
    "granularity",
    "memoryReference",
    "offset",
    "count",
    "data",
    "instructionOffset",
    "instructionCount",
    "filters",
    "dataId",
    "start",
    "levels",
    "startFrame",
    "sourceReference",
    "instructionReference",
    "asAddress",
    "bytes",
    "arguments",
];

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 2 { 6 } else { 9 }) {
        0 => json!(null),
        1 => json!(rng.below(2) == 1),
        2 => json!(rng.below(40) as i64 - 5),
        3 => json!(rng.next() as i64),
        4 => json!(rng.pick(&[
            "vars.c",
            "/work/x/tests/guests/vars.c",
            "main",
            "next_id",
            "g_counter",
            "it->price",
            "*it",
            "0x1000",
            "0xffffffff",
            "",
            "AAAA",
            "!!",
            "g_grid[2]",
            "$local0",
            "x = ",
            "line",
            "instruction",
            "repl",
            "hover",
            "traps",
            "1 +",
            "sizeof(item)",
        ])),
        5 => json!(-1),
        6 => Value::Array(
            (0..rng.below(3))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => random_object(rng, depth + 1),
    }
}

fn random_object(rng: &mut Rng, depth: u32) -> Value {
    let mut o = serde_json::Map::new();
    for _ in 0..rng.below(5) {
        o.insert(rng.pick(FIELDS).to_string(), random_value(rng, depth));
    }
    Value::Object(o)
}

#[test]
fn random_requests_are_all_answered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let program = root.join("tests/guests/build/vars.O0.wasm");
    for seed in 1..=12u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut requests = vec![
            json!({"command": "initialize", "arguments": {"adapterID": "wdb"}}),
            json!({"command": "launch", "arguments": {"program": program, "stopOnEntry": true}}),
            json!({"command": "setFunctionBreakpoints", "arguments": {"breakpoints": [{"name": "add_item"}]}}),
            json!({"command": "configurationDone"}),
        ];
        for _ in 0..200 {
            let command = rng.pick(COMMANDS);
            let arguments = random_object(&mut rng, 0);
            requests.push(json!({"command": command, "arguments": arguments}));
        }
        requests.push(json!({"command": "disconnect"}));
        let out = common::serve(common::frame_requests(&requests));
        let mut answered = vec![0; requests.len() + 1];
        for m in &out {
            if m["type"] == "response" {
                answered[m["request_seq"].as_u64().unwrap() as usize] += 1;
            }
        }
        let wrong: Vec<(usize, i32)> = answered
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, n)| **n != 1)
            .map(|(i, n)| (i, *n))
            .collect();
        assert!(
            wrong.is_empty(),
            "seed {seed}: (request, responses) {wrong:?}"
        );
    }
}
