// editors/vscode: the extension's activate() registers a debug adapter factory for "wdb" that
// runs `<wdb.path> dap`; package.json declares what VS Code needs. Runs extension.js against
// a stand-in `vscode` module (no VS Code needed).
'use strict';

const assert = require('assert');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { REPO } = require('./helper');

const EXT = path.join(REPO, 'editors/vscode');

/** Loads extension.js with `vscode` resolved to a fake whose `wdb.path` setting is `setting`. */
function loadExtension(setting) {
    const registered = [];
    class DebugAdapterExecutable {
        constructor(command, args) {
            this.command = command;
            this.args = args;
        }
    }
    const fake = {
        DebugAdapterExecutable,
        debug: {
            registerDebugAdapterDescriptorFactory(type, factory) {
                registered.push({ type, factory });
                return { dispose() {} };
            },
        },
        workspace: {
            getConfiguration(section) {
                assert.strictEqual(section, 'wdb');
                return { get: key => (key === 'path' ? setting : undefined) };
            },
        },
    };
    const file = path.join(EXT, 'extension.js');
    delete require.cache[file];
    const originalLoad = Module._load;
    Module._load = function (request, ...rest) {
        if (request === 'vscode') return fake;
        return originalLoad.call(this, request, ...rest);
    };
    try {
        const ext = require(file);
        const context = { subscriptions: [] };
        ext.activate(context);
        assert.strictEqual(context.subscriptions.length, 1, 'the registration is disposed with the extension');
        return { registered, DebugAdapterExecutable };
    } finally {
        Module._load = originalLoad;
    }
}

const session = folder => ({ workspaceFolder: folder && { uri: { scheme: 'file', fsPath: folder } } });

describe('VS Code extension', function () {
    it('registers a factory for "wdb" that runs `wdb dap`', function () {
        const { registered, DebugAdapterExecutable } = loadExtension(undefined);
        assert.deepStrictEqual(registered.map(r => r.type), ['wdb']);
        const exe = registered[0].factory.createDebugAdapterDescriptor(session('/ws'));
        assert.ok(exe instanceof DebugAdapterExecutable);
        assert.strictEqual(exe.command, 'wdb', 'default: wdb on PATH');
        assert.deepStrictEqual(exe.args, ['dap']);
    });

    it('uses the wdb.path setting: absolute, bare name, relative to the workspace folder', function () {
        let exe = loadExtension('/opt/wdb/bin/wdb').registered[0].factory.createDebugAdapterDescriptor(session('/ws'));
        assert.strictEqual(exe.command, '/opt/wdb/bin/wdb');
        exe = loadExtension('wdb-nightly').registered[0].factory.createDebugAdapterDescriptor(session('/ws'));
        assert.strictEqual(exe.command, 'wdb-nightly');
        exe = loadExtension('target/release/wdb').registered[0].factory.createDebugAdapterDescriptor(session('/ws'));
        assert.strictEqual(exe.command, path.join('/ws', 'target/release/wdb'));
        exe = loadExtension('target/release/wdb').registered[0].factory.createDebugAdapterDescriptor(session(null));
        assert.strictEqual(exe.command, 'target/release/wdb', 'no folder: as given');
    });

    it('package.json: debugger, activation, breakpoints, setting, launch attributes', function () {
        const pkg = JSON.parse(fs.readFileSync(path.join(EXT, 'package.json'), 'utf8'));
        assert.strictEqual(pkg.main, './extension.js');
        assert.ok(fs.existsSync(path.join(EXT, pkg.main)));
        assert.deepStrictEqual(pkg.activationEvents, ['onDebug']);
        assert.strictEqual(pkg.engines.vscode, '^1.80.0');
        assert.ok(!pkg.dependencies, 'no runtime dependencies');
        const dbg = pkg.contributes.debuggers;
        assert.strictEqual(dbg.length, 1);
        assert.strictEqual(dbg[0].type, 'wdb');
        assert.strictEqual(dbg[0].label, 'wdb (WebAssembly)');
        assert.deepStrictEqual(dbg[0].languages, ['c', 'cpp', 'rust', 'zig']);
        assert.deepStrictEqual(pkg.contributes.breakpoints.map(b => b.language), ['c', 'cpp', 'rust', 'zig', 'swift']);
        const launch = dbg[0].configurationAttributes.launch;
        assert.deepStrictEqual(Object.keys(launch.properties), [
            'program', 'args', 'env', 'cwd', 'dirs', 'stopOnEntry', 'sourceMap', 'maxCallDepth',
        ]);
        assert.deepStrictEqual(launch.required, ['program']);
        for (const [name, schema] of Object.entries(launch.properties)) {
            assert.ok(schema.type && schema.description, `${name} has a type and a description`);
        }
        assert.strictEqual(launch.properties.stopOnEntry.default, false);
        const snippet = dbg[0].configurationSnippets.find(s => s.label === 'wdb: Launch');
        assert.ok(snippet, 'the "wdb: Launch" snippet');
        assert.match(snippet.body.program, /^\^"\\\$\{workspaceFolder\}\//);
        assert.strictEqual(pkg.contributes.configuration.properties['wdb.path'].default, 'wdb');
    });
});
