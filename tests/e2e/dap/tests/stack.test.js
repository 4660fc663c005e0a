// threads and stackTrace: frame names (C and C++), lines, sources, instruction pointers,
// inlined frames, paging.
'use strict';

const assert = require('assert');
const { wasm, src, useClient, addr, expectedStdout } = require('./helper');

describe('threads', function () {
    const t = useClient();

    it('one thread, id 1, named main', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const body = await c.ok('threads');
        assert.deepStrictEqual(body.threads, [{ id: 1, name: 'main' }]);
    });
});

describe('stackTrace', function () {
    const t = useClient();

    it('frames innermost first with names, lines, sources and instruction pointers', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const body = await c.stackTrace();
        const frames = body.stackFrames;
        assert.deepStrictEqual(
            frames.map(f => f.name),
            ['price_taxed', 'total_value', 'main', '_start']
        );
        assert.deepStrictEqual(
            frames.map(f => f.line),
            [57, 87, 118, 47]
        );
        assert.strictEqual(body.totalFrames, 4);
        for (const f of frames.slice(0, 3)) {
            assert.strictEqual(f.source.name, 'vars.c');
            assert.strictEqual(f.source.path, src('vars.c'));
            assert.strictEqual(typeof f.column, 'number');
        }
        assert.strictEqual(frames[3].source.name, 'crt1-command.c');
        assert.strictEqual(new Set(frames.map(f => f.id)).size, 4, 'distinct frame ids');
        for (const f of frames) {
            assert.match(f.instructionPointerReference, /^0x[0-9a-f]+$/i, `${f.name} ip`);
        }
        // Breakpoint address of vars.c:57 (as `wdb debug` shows: "Breakpoint 1 at 0x4144").
        assert.strictEqual(addr(frames[0].instructionPointerReference), 0x4144);
        // A caller's pc is its call instruction or the return address after it (`wdb debug`'s
        // bt shows the return addresses 0x421e, 0x3a69, 0x211).
        const ips = frames.map(f => addr(f.instructionPointerReference));
        for (const [i, ret] of [[1, 0x421e], [2, 0x3a69], [3, 0x211]]) {
            assert.ok(ips[i] <= ret && ips[i] >= ret - 8, `${frames[i].name} pc 0x${ips[i].toString(16)} near 0x${ret.toString(16)}`);
        }
    });

    it('pages with startFrame and levels', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const all = (await c.stackTrace()).stackFrames;
        let body = await c.stackTrace({ startFrame: 1, levels: 2 });
        assert.deepStrictEqual(body.stackFrames.map(f => f.name), ['total_value', 'main']);
        assert.deepStrictEqual(body.stackFrames.map(f => f.id), all.slice(1, 3).map(f => f.id), 'same ids when paging');
        assert.strictEqual(body.totalFrames, 4);
        body = await c.stackTrace({ startFrame: 0, levels: 0 });
        assert.strictEqual(body.stackFrames.length, 4, 'levels 0: all frames');
        body = await c.stackTrace({ startFrame: 3, levels: 20 });
        assert.deepStrictEqual(body.stackFrames.map(f => f.name), ['_start']);
        body = await c.stackTrace({ startFrame: 10, levels: 5 });
        assert.deepStrictEqual(body.stackFrames, []);
    });

    it('pages a 300-deep recursion', async function () {
        const c = t.c;
        await c.launch({ program: wasm('recursion.O0'), args: ['300'] }, c =>
            c.setBreakpoints('recursion.c', [{ line: 19, condition: 'n == 0' }])
        );
        await c.stopped('breakpoint');
        let body = await c.stackTrace({ startFrame: 0, levels: 20 });
        assert.strictEqual(body.stackFrames.length, 20);
        assert.ok(body.stackFrames.every(f => f.name === 'sum_to'));
        assert.strictEqual(body.stackFrames[0].line, 19);
        assert.strictEqual(body.stackFrames[1].line, 20);
        // sum_to(300..0), main, __main_void, _start
        assert.strictEqual(body.totalFrames, 304);
        body = await c.stackTrace({ startFrame: 300, levels: 20 });
        assert.deepStrictEqual(body.stackFrames.map(f => f.name), ['sum_to', 'main', '__main_void', '_start']);
        assert.strictEqual(body.stackFrames[1].line, 57);
        // The argument of each recursion level: n == level index.
        assert.strictEqual((await c.evaluate('n', body.stackFrames[0].id)).result, '300');
        const deep = (await c.stackTrace({ startFrame: 123, levels: 1 })).stackFrames[0];
        assert.strictEqual((await c.evaluate('n', deep.id)).result, '123');
    });

    it('a conditional breakpoint in a 3000-deep recursion is fast (cost per hit not growing with depth)', async function () {
        // 3001 hits of line 19 with the condition false but once. Linear work per hit is well
        // under a second in all; a whole-stack walk per hit makes it quadratic (about a minute).
        this.timeout(30000);
        const c = t.c;
        const started = Date.now();
        await c.launch({ program: wasm('recursion.O0'), args: ['3000'] }, c =>
            c.setBreakpoints('recursion.c', [{ line: 19, condition: 'n == 0' }])
        );
        await c.stopped('breakpoint', 25000);
        const ms = Date.now() - started;
        assert.ok(ms < 15000, `took ${ms} ms`);
        assert.strictEqual((await c.stackTrace({ levels: 1 })).totalFrames, 3004);
    });

    it('SQLite (a 7 MB module, -O1): a callback frame under sqlite3_exec', async function () {
        const c = t.c;
        const [bp] = await c.launch({ program: wasm('sqlite.O1') }, c => c.setBreakpoints('sqlite/main.c', [31]));
        assert.strictEqual(bp.verified, true);
        await c.stopped('breakpoint');
        const frames = await c.frames();
        assert.deepStrictEqual(frames.map(f => f.name), ['print_row', 'sqlite3_exec', 'main', '_start']);
        assert.deepStrictEqual(frames.map(f => f.line), [31, 142906, 99, 47]);
        assert.strictEqual(frames[0].source.path, src('sqlite/main.c'));
        assert.strictEqual(frames[1].source.name, 'sqlite3.c');
        const f = frames[0];
        assert.strictEqual((await c.evaluate('ncols', f.id)).result, '3');
        assert.match((await c.evaluate('values[0]', f.id)).result, /^0x[0-9a-f]+ "cherry"$/);
        assert.match((await c.evaluate('names[1]', f.id)).result, /^0x[0-9a-f]+ "units"$/);
        assert.match((await c.evaluate('(const char *)label', f.id)).result, /"sale"$/);
        await c.ok('continue', { threadId: 1 });
        await c.stopped('breakpoint');
        const g = await c.topFrame();
        assert.match((await c.evaluate('values[0]', g.id)).result, /"banana"$/);
        await c.setBreakpoints('sqlite/main.c', []);
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('sqlite'));
    });

    it('names C++ frames with their qualified names', async function () {
        const c = t.c;
        await c.launch({ program: wasm('shapes.O0'), args: ['trap'] }, c =>
            c.ok('setExceptionBreakpoints', { filters: ['traps'] })
        );
        await c.stopped('exception');
        const frames = await c.frames();
        assert.deepStrictEqual(
            frames.map(f => f.name),
            ['geometry::Square::validate', 'geometry::Square::scaled_area', 'main', '__main_void', '_start']
        );
        assert.deepStrictEqual(frames.slice(0, 3).map(f => f.line), [101, 92, 124]);
        assert.strictEqual(frames[0].source.path, src('shapes.cpp'));
    });

    it('shows inlined functions as their own frames (vars.O2)', async function () {
        const c = t.c;
        // At -O2 add_item is inlined into main; the first hit of line 75 is the 4th call.
        await c.runTo('vars.O2', 'vars.c', 75);
        const frames = await c.frames();
        assert.deepStrictEqual(frames.map(f => f.name), ['add_item', 'main', '_start']);
        assert.deepStrictEqual(frames.slice(0, 2).map(f => f.line), [75, 110]);
        assert.notStrictEqual(frames[0].id, frames[1].id);
        // Each frame has its own scopes: add_item's arguments in the inlined frame.
        assert.strictEqual((await c.evaluate('index', frames[0].id)).result, '3');
        assert.strictEqual((await c.evaluate('price', frames[0].id)).result, '20');
        const r = await c.request('evaluate', { expression: 'index', frameId: frames[1].id, context: 'repl' });
        assert.strictEqual(r.success, false, 'main has no `index`');
    });
});
