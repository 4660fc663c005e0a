// readMemory, writeMemory (linear memory, by memoryReference) and disassemble (code, by
// instruction pointer reference).
'use strict';

const assert = require('assert');
const { useClient, addr } = require('./helper');

const b64 = bytes => Buffer.from(bytes).toString('base64');
const unb64 = s => [...Buffer.from(s || '', 'base64')];
const hex = n => '0x' + n.toString(16);

describe('readMemory / writeMemory', function () {
    const t = useClient();

    it('reads a C string through a pointer variable\'s memoryReference', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const { greeting } = await c.scopeVars(frame.id, 'Locals');
        assert.ok(greeting.memoryReference, 'greeting has a memoryReference');
        const ptr = parseInt(/^0x[0-9a-f]+/.exec(greeting.value)[0], 16);
        assert.strictEqual(addr(greeting.memoryReference), ptr, 'the pointee address');
        const r = await c.ok('readMemory', { memoryReference: greeting.memoryReference, count: 9 });
        assert.strictEqual(addr(r.address), ptr);
        assert.strictEqual(Buffer.from(r.data, 'base64').toString('latin1'), 'hi there\0');
        assert.ok(!r.unreadableBytes, 'all readable');
    });

    it('reads an array at its address, with an offset', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const { g_bytes } = await c.scopeVars(frame.id, 'Globals');
        assert.strictEqual(addr(g_bytes.memoryReference), 0x100ac8, 'g_bytes is at 0x100ac8 (as `print &g_bytes`)');
        let r = await c.ok('readMemory', { memoryReference: g_bytes.memoryReference, count: 4 });
        assert.deepStrictEqual(unb64(r.data), [0xde, 0xad, 0xbe, 0xef]);
        r = await c.ok('readMemory', { memoryReference: g_bytes.memoryReference, offset: 1, count: 2 });
        assert.strictEqual(addr(r.address), 0x100ac9);
        assert.deepStrictEqual(unb64(r.data), [0xad, 0xbe]);
        r = await c.ok('readMemory', { memoryReference: g_bytes.memoryReference, offset: -0x100ac8, count: 4 });
        assert.strictEqual(addr(r.address), 0, 'a negative offset reaches address 0');
        assert.strictEqual(unb64(r.data).length, 4);
    });

    it('reads an int array as little-endian words', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const { squares } = await c.scopeVars(frame.id, 'Locals');
        const r = await c.ok('readMemory', { memoryReference: squares.memoryReference, count: 32 });
        const buf = Buffer.from(r.data, 'base64');
        const words = [];
        for (let i = 0; i < 8; i++) words.push(buf.readInt32LE(4 * i));
        assert.deepStrictEqual(words, [0, 1, 4, 9, 16, 25, 36, 49]);
    });

    it('writeMemory changes what the program sees', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const { g_bytes } = await c.scopeVars(frame.id, 'Globals');
        const w = await c.ok('writeMemory', { memoryReference: g_bytes.memoryReference, offset: 1, data: b64([0x12, 0x34]) });
        if (w.bytesWritten !== undefined) assert.strictEqual(w.bytesWritten, 2);
        const r = await c.ok('readMemory', { memoryReference: g_bytes.memoryReference, count: 4 });
        assert.deepStrictEqual(unb64(r.data), [0xde, 0x12, 0x34, 0xef]);
        assert.strictEqual((await c.evaluate('g_bytes[2]', frame.id)).result, "52 '4'");
        assert.strictEqual(await c.runToEnd(), 0);
        assert.match(c.output('stdout'), /bytes=de1234ef$/m);
    });

    it('reads past the end of linear memory as unreadable bytes', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 118);
        const r = await c.ok('readMemory', { memoryReference: '0xfffffff0', count: 16 });
        const got = unb64(r.data).length;
        assert.strictEqual(got, 0, 'nothing readable at 0xfffffff0');
        assert.strictEqual(r.unreadableBytes, 16);
    });

    it('a read across the end of memory returns the readable part', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const { g_bytes } = await c.scopeVars(frame.id, 'Globals');
        const start = addr(g_bytes.memoryReference);
        const count = 16 * 1024 * 1024; // more than the guest's memory (about 1.1 MiB)
        const r = await c.ok('readMemory', { memoryReference: hex(start), count });
        const got = unb64(r.data).length;
        assert.ok(got >= 4 && got < count, `some bytes readable (${got})`);
        if (r.unreadableBytes) {
            assert.strictEqual((start + got) % 65536, 0, 'readable bytes end at a page boundary');
            const past = await c.ok('readMemory', { memoryReference: hex(start + got), count: 8 });
            assert.strictEqual(unb64(past.data).length, 0, 'nothing readable past the end');
        }
        assert.deepStrictEqual(unb64(r.data).slice(0, 4), [0xde, 0xad, 0xbe, 0xef]);
    });

    it('writeMemory outside linear memory fails', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 118);
        await c.fail('writeMemory', { memoryReference: '0xfffffff0', data: b64([1, 2, 3, 4]) }, /0xfffffff0/);
    });

    it('rejects a memoryReference that is not an address', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 118);
        await c.fail('readMemory', { memoryReference: 'not-an-address', count: 4 });
    });
});

describe('disassemble', function () {
    const t = useClient();

    it('disassembles at the instruction pointer, with symbols and lines', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        const ip = frame.instructionPointerReference;
        const { instructions } = await c.ok('disassemble', {
            memoryReference: ip,
            instructionOffset: 0,
            instructionCount: 6,
            resolveSymbols: true,
        });
        assert.strictEqual(instructions.length, 6);
        assert.strictEqual(addr(instructions[0].address), addr(ip));
        for (let i = 1; i < instructions.length; i++) {
            assert.ok(addr(instructions[i].address) > addr(instructions[i - 1].address), 'increasing addresses');
        }
        for (const insn of instructions) {
            assert.match(insn.instruction, /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*( .*)?$/, `wasm text: ${insn.instruction}`);
        }
        assert.ok(instructions.some(i => i.symbol === 'price_taxed'), 'symbol of the function');
        assert.strictEqual(instructions[0].line, 57);
        assert.ok(instructions[0].location && /vars\.c$/.test(instructions[0].location.name || instructions[0].location.path || ''));
    });

    it('disassembles main from its first instruction, as `wdb debug` does', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 118);
        // `disassemble` in wdb debug: main starts at 0x37f1.
        const { instructions } = await c.ok('disassemble', {
            memoryReference: '0x37f1',
            instructionCount: 4,
            resolveSymbols: true,
        });
        assert.deepStrictEqual(
            instructions.map(i => [addr(i.address), i.instruction]),
            [
                [0x37f1, 'global.get $__stack_pointer'],
                [0x37f7, 'i32.const 352'],
                [0x37fa, 'i32.sub'],
                [0x37fb, 'local.set 0'],
            ]
        );
        assert.strictEqual(instructions[0].symbol, 'main');
        assert.strictEqual(instructions[0].line, 95);
    });

    it('negative instructionOffset reaches back', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        const ip = addr(frame.instructionPointerReference);
        const { instructions } = await c.ok('disassemble', {
            memoryReference: frame.instructionPointerReference,
            instructionOffset: -3,
            instructionCount: 6,
        });
        assert.strictEqual(instructions.length, 6);
        assert.strictEqual(addr(instructions[3].address), ip, 'the 4th instruction is the ip');
        assert.ok(addr(instructions[0].address) < ip);
    });

    it('fills instructions outside the code with placeholders', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const body = await c.ok('disassemble', { memoryReference: '0x7ffffff0', instructionCount: 3 });
        // DAP: exactly instructionCount entries, the ones outside the code marked invalid.
        assert.strictEqual(body.instructions.length, 3);
        for (const i of body.instructions) {
            assert.strictEqual(i.presentationHint, 'invalid', JSON.stringify(i));
        }
        assert.strictEqual(addr(body.instructions[0].address), 0x7ffffff0);
    });
});
