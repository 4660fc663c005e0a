// loadedSources, modules, source, and sourceMap (DWARF path prefix -> local path prefix).
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { wasm, src, useClient, tmpDir, DWARF_COMP_DIR, MISSING_COMP_DIR, GUESTS, wasmBuiltElsewhere, errorText } = require('./helper');

describe('loadedSources and modules', function () {
    const t = useClient();

    it('loadedSources lists the program\'s sources with local paths', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const { sources } = await c.ok('loadedSources', {});
        assert.ok(Array.isArray(sources) && sources.length >= 1);
        const vars = sources.filter(s => s.name === 'vars.c');
        assert.strictEqual(vars.length, 1, `vars.c once in ${sources.map(s => s.name).slice(0, 20)}`);
        assert.strictEqual(vars[0].path, src('vars.c'));
        // libc's sources are there too (crt1-command.c holds _start).
        assert.ok(sources.some(s => s.name === 'crt1-command.c'), 'crt1-command.c');
        for (const s of sources) assert.ok(s.name, 'every source has a name');
    });

    it('loadedSources of a C++ program', async function () {
        const c = t.c;
        await c.launch({ program: wasm('shapes.O0'), stopOnEntry: true });
        await c.stopped('entry');
        const { sources } = await c.ok('loadedSources', {});
        const shapes = sources.find(s => s.name === 'shapes.cpp');
        assert.ok(shapes, 'shapes.cpp');
        assert.strictEqual(shapes.path, src('shapes.cpp'));
    });

    it('modules: the one program module', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const body = await c.ok('modules', {});
        assert.strictEqual(body.modules.length, 1);
        const m = body.modules[0];
        assert.ok(m.id !== undefined && m.id !== null);
        assert.match(m.name, /vars\.O0(\.wasm)?$/);
        assert.strictEqual(path.resolve(m.path), wasm('vars.O0'));
        assert.ok(typeof m.symbolStatus === 'string' && m.symbolStatus.length > 0, 'symbolStatus');
        if (body.totalModules !== undefined) assert.strictEqual(body.totalModules, 1);
        // The module event carried the same module.
        const ev = c.events('module')[0];
        assert.ok(ev, 'a module event');
        assert.strictEqual(ev.body.module.id, m.id);
    });
});

describe('source', function () {
    const t = useClient();

    it('a source not on disk: a sourceReference, and source is an error with a clear message', async function () {
        const c = t.c;
        const program = wasmBuiltElsewhere('vars.O0'); // DWARF says MISSING_COMP_DIR/vars.c
        await c.launch({ program }, c => c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'price_taxed' }] }));
        await c.stopped('function breakpoint');
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'price_taxed');
        assert.strictEqual(f.line, 56);
        const s = f.source;
        assert.strictEqual(s.name, 'vars.c');
        assert.ok(!s.path || !fs.existsSync(s.path), `not on disk: ${s.path}`);
        assert.ok(s.sourceReference > 0, `a sourceReference: ${JSON.stringify(s)}`);
        const r = await c.fail('source', { source: s, sourceReference: s.sourceReference });
        const text = errorText(r);
        assert.ok(text.includes(`${MISSING_COMP_DIR}/vars.c`), `names the file: ${text}`);
        assert.match(text, /sourceMap/, 'says how to fix it');
        // loadedSources shows the same source.
        const { sources } = await c.ok('loadedSources', {});
        assert.strictEqual(sources.find(x => x.name === 'vars.c').sourceReference, s.sourceReference);
    });

    it('a bogus sourceReference is an error', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        await c.fail('source', { sourceReference: 987654 });
    });

    it('source of a file on disk by path returns its text', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const body = await c.ok('source', { source: { path: src('vars.c') }, sourceReference: 0 });
        assert.strictEqual(body.content, fs.readFileSync(src('vars.c'), 'utf8'));
    });
});

describe('sourceMap', function () {
    const t = useClient();

    it('maps the DWARF directory to a local one: frames, breakpoints and loadedSources use it', async function () {
        const c = t.c;
        const local = tmpDir('wdb-srcmap-');
        fs.copyFileSync(src('vars.c'), path.join(local, 'vars.c'));
        const [bp] = await c.launch(
            { program: wasm('vars.O0'), sourceMap: { [DWARF_COMP_DIR]: local } },
            c => c.setBreakpoints(path.join(local, 'vars.c'), [57])
        );
        assert.strictEqual(bp.verified, true);
        assert.strictEqual(bp.source.path, path.join(local, 'vars.c'));
        await c.stopped('breakpoint');
        const f = await c.topFrame();
        assert.strictEqual(f.source.path, path.join(local, 'vars.c'));
        const { sources } = await c.ok('loadedSources', {});
        assert.strictEqual(sources.find(s => s.name === 'vars.c').path, path.join(local, 'vars.c'));
    });

    it('maps a DWARF directory that is not on this machine (a module built elsewhere)', async function () {
        const c = t.c;
        const program = wasmBuiltElsewhere('vars.O0');
        const [bp] = await c.launch({ program, sourceMap: { [MISSING_COMP_DIR]: GUESTS } }, c =>
            c.setBreakpoints(src('vars.c'), [57])
        );
        assert.strictEqual(bp.verified, true);
        assert.strictEqual(bp.source.path, src('vars.c'));
        await c.stopped('breakpoint');
        const frames = await c.frames();
        assert.deepStrictEqual(frames.slice(0, 3).map(f => f.source.path), [src('vars.c'), src('vars.c'), src('vars.c')]);
        assert.ok(!frames[0].source.sourceReference, 'on disk: no sourceReference needed');
    });

    it('a module built elsewhere: a breakpoint by local path puts stops in that local file', async function () {
        // The clone case: no sourceMap, the DWARF directory does not exist here, and the
        // client sets a breakpoint in its local copy. Matching by path suffix verifies the
        // breakpoint; the stop should then be shown in the same local file.
        const c = t.c;
        const program = wasmBuiltElsewhere('vars.O0');
        const [bp] = await c.launch({ program }, c => c.setBreakpoints(src('vars.c'), [57]));
        assert.strictEqual(bp.verified, true);
        await c.stopped('breakpoint');
        const f = await c.topFrame();
        assert.strictEqual(f.line, 57);
        assert.strictEqual(f.source.path, src('vars.c'), 'the stop is in the file the breakpoint was set in');
        assert.strictEqual(bp.source.path, src('vars.c'), 'the breakpoint stays in the file it was set in');
    });

    it('without a sourceMap the DWARF path is used (here, the checkout)', async function () {
        if (GUESTS !== DWARF_COMP_DIR) this.skip(); // a checkout elsewhere: launch() maps it
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const f = await c.topFrame();
        assert.strictEqual(f.source.path, path.join(GUESTS, 'vars.c'));
    });
});
