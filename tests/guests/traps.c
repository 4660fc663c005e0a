/* traps: one wasm trap per mode, reached through a few nested calls
 * (main -> run_mode -> trap_<mode>) so backtraces have several frames.
 * Usage: traps MODE, MODE one of
 *   unreachable   __builtin_trap()                      -> "unreachable"
 *   abort         abort() (wasi-libc: unreachable)      -> "unreachable"
 *   div-zero      volatile int / 0                      -> "integer divide by zero"
 *   int-overflow  INT_MIN / -1                          -> "integer overflow"
 *   oob-load      load from 0xfffffff0                  -> "out of bounds memory access"
 *   oob-store     store to 0xfffffff0                   -> "out of bounds memory access"
 *   null-call     call through a NULL function pointer  -> "uninitialized element"
 *   sig-mismatch  call through a pointer of the wrong type -> "indirect call type mismatch"
 * Each mode prints "trap: MODE" (flushed) before trapping. With no mode it lists the
 * modes and exits 0; an unknown mode exits 2. Natively the modes die from a signal
 * (sig-mismatch is not checked natively, so the native build raises the trap itself). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*void_fn)(void);
typedef int (*int2_fn)(int, int);

volatile int g_zero = 0;
volatile int g_minus_one = -1;
volatile int g_int_min = INT_MIN;
volatile unsigned long g_far_address = 0xfffffff0ul;
void_fn volatile g_null_fn = 0;

__attribute__((noinline)) static int takes_one(int x) { return x + 1; }
/* Not folded: the pointer is read from a volatile. */
int (*volatile g_one_arg_fn)(int) = takes_one;

__attribute__((noinline)) static int trap_unreachable(void) {
    __builtin_trap();
}

__attribute__((noinline)) static int trap_abort(void) {
    abort();
}

__attribute__((noinline)) static int trap_div_zero(int numerator) {
    return numerator / g_zero;
}

__attribute__((noinline)) static int trap_int_overflow(void) {
    return g_int_min / g_minus_one;
}

__attribute__((noinline)) static int trap_oob_load(void) {
    volatile int *p = (volatile int *)g_far_address;
    return *p;
}

__attribute__((noinline)) static int trap_oob_store(int value) {
    volatile int *p = (volatile int *)g_far_address;
    *p = value;
    return 0;
}

__attribute__((noinline)) static int trap_null_call(void) {
    g_null_fn();
    return 0;
}

__attribute__((noinline)) static int trap_sig_mismatch(void) {
    int2_fn f = (int2_fn)(void *)g_one_arg_fn;
    int r = f(1, 2);
#ifndef __wasm__
    __builtin_trap(); /* native code does not check signatures: emulate the wasm trap */
#endif
    return r;
}

static const char *const modes[] = {"unreachable", "abort", "div-zero", "int-overflow", "oob-load",
                                    "oob-store", "null-call", "sig-mismatch"};

__attribute__((noinline)) static int run_mode(const char *mode) {
    printf("trap: %s\n", mode);
    fflush(stdout);
    if (!strcmp(mode, "unreachable")) return trap_unreachable();
    if (!strcmp(mode, "abort")) return trap_abort();
    if (!strcmp(mode, "div-zero")) return trap_div_zero(42);
    if (!strcmp(mode, "int-overflow")) return trap_int_overflow();
    if (!strcmp(mode, "oob-load")) return trap_oob_load();
    if (!strcmp(mode, "oob-store")) return trap_oob_store(7);
    if (!strcmp(mode, "null-call")) return trap_null_call();
    if (!strcmp(mode, "sig-mismatch")) return trap_sig_mismatch();
    printf("unknown mode\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("usage: traps MODE\nmodes:");
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) printf(" %s", modes[i]);
        printf("\n");
        return 0;
    }
    int r = run_mode(argv[1]);
    printf("not reached: %d\n", r);
    return 1;
}
