/* interp: a switch-dispatched stack-machine bytecode interpreter (the kind of loop that
 * dominates scripting engines) — unpredictable indirect branches via br_table, loads and
 * stores to a small operand stack. The bytecode program computes, for n = 1..LIMIT, the
 * length of the Collatz sequence of n, and sums the lengths; the result is checked
 * against the same computation in plain C. */
#include <stdint.h>
#include <stdio.h>

#ifndef LIMIT
#define LIMIT 15000
#endif

enum op {
    PUSH,  /* push imm */
    LOAD,  /* push var[imm] */
    STORE, /* var[imm] = pop */
    ADD, SUB, MUL, DIV, MOD,
    LT, EQ,
    JMP,   /* pc = imm */
    JZ,    /* if pop == 0: pc = imm */
    JNZ,   /* if pop != 0: pc = imm */
    DUP, DROP, SWAP,
    HALT
};

typedef struct {
    uint8_t op;
    int32_t imm;
} insn;

static int64_t run(const insn *code, int64_t *vars) {
    int64_t stack[64];
    int sp = 0;
    int pc = 0;
    for (;;) {
        const insn *in = &code[pc++];
        switch (in->op) {
        case PUSH: stack[sp++] = in->imm; break;
        case LOAD: stack[sp++] = vars[in->imm]; break;
        case STORE: vars[in->imm] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIV: sp--; stack[sp - 1] /= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JMP: pc = in->imm; break;
        case JZ: if (stack[--sp] == 0) pc = in->imm; break;
        case JNZ: if (stack[--sp] != 0) pc = in->imm; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case SWAP: { int64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } break;
        case HALT: return sp > 0 ? stack[sp - 1] : 0;
        }
    }
}

/* A tiny assembler with labels. */
static insn code[256];
static int ncode = 0;
static int label_at[16];
static int fixup_insn[64], fixup_label[64], nfixups = 0;

static void emit(enum op op, int32_t imm) { code[ncode++] = (insn){(uint8_t)op, imm}; }
static void emit_jump(enum op op, int label) {
    fixup_insn[nfixups] = ncode;
    fixup_label[nfixups++] = label;
    emit(op, -1);
}
static void label(int l) { label_at[l] = ncode; }
static void link_labels(void) {
    for (int i = 0; i < nfixups; i++) code[fixup_insn[i]].imm = label_at[fixup_label[i]];
}

enum { V_N, V_X, V_STEPS, V_TOTAL, V_LIMIT };
enum { L_LOOP_N, L_LOOP_X, L_EVEN, L_NEXT, L_END_X, L_DONE };

static void assemble(void) {
    emit(PUSH, 0); emit(STORE, V_TOTAL);                       /* total = 0 */
    emit(PUSH, 1); emit(STORE, V_N);                           /* n = 1 */
    label(L_LOOP_N);
    emit(LOAD, V_LIMIT); emit(LOAD, V_N); emit(LT, 0);         /* if (limit < n) */
    emit_jump(JNZ, L_DONE);                                    /*   goto done */
    emit(LOAD, V_N); emit(STORE, V_X);                         /* x = n */
    emit(PUSH, 0); emit(STORE, V_STEPS);                       /* steps = 0 */
    label(L_LOOP_X);
    emit(LOAD, V_X); emit(PUSH, 1); emit(EQ, 0);               /* if (x == 1) */
    emit_jump(JNZ, L_END_X);                                   /*   goto end_x */
    emit(LOAD, V_X); emit(PUSH, 2); emit(MOD, 0);              /* if (x % 2 == 0) */
    emit_jump(JZ, L_EVEN);                                     /*   goto even */
    emit(LOAD, V_X); emit(PUSH, 3); emit(MUL, 0);              /* x = x * 3 + 1 */
    emit(PUSH, 1); emit(ADD, 0); emit(STORE, V_X);
    emit_jump(JMP, L_NEXT);
    label(L_EVEN);
    emit(LOAD, V_X); emit(DUP, 0); emit(SWAP, 0); emit(DROP, 0); /* (exercise DUP/SWAP/DROP) */
    emit(PUSH, 2); emit(DIV, 0); emit(STORE, V_X);             /* x = x / 2 */
    label(L_NEXT);
    emit(LOAD, V_STEPS); emit(PUSH, 1); emit(ADD, 0); emit(STORE, V_STEPS); /* steps++ */
    emit_jump(JMP, L_LOOP_X);
    label(L_END_X);
    emit(LOAD, V_TOTAL); emit(LOAD, V_STEPS); emit(ADD, 0); emit(STORE, V_TOTAL); /* total += steps */
    emit(LOAD, V_N); emit(PUSH, 1); emit(ADD, 0); emit(STORE, V_N);             /* n++ */
    emit(PUSH, 1); emit(PUSH, 0); emit(SUB, 0); emit_jump(JNZ, L_LOOP_N);        /* goto loop_n */
    label(L_DONE);
    emit(LOAD, V_TOTAL); emit(HALT, 0);
    link_labels();
}

static int64_t collatz_total(int64_t limit) {
    int64_t total = 0;
    for (int64_t n = 1; n <= limit; n++) {
        int64_t x = n, steps = 0;
        while (x != 1) {
            x = x % 2 ? x * 3 + 1 : x / 2;
            steps++;
        }
        total += steps;
    }
    return total;
}

int main(void) {
    assemble();
    int64_t vars[8] = {0};
    vars[V_LIMIT] = LIMIT;
    int64_t got = run(code, vars);
    int64_t want = collatz_total(LIMIT);
    int ok = got == want;
    printf("interp: %d ops, collatz steps for 1..%d = %lld %s\n", ncode, LIMIT, (long long)got, ok ? "OK" : "WRONG");
    return ok ? 0 : 1;
}

/* Never called: the debugger-overhead benchmark (bench/debugger.py) sets a breakpoint here. */
__attribute__((export_name("bench_never_called"), noinline)) void bench_never_called(void) { puts("not reached"); }
