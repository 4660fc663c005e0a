/* recursion: deep recursion.
 *   recursion [DEPTH]     sums 1..DEPTH (default 10000) recursively, checks the result,
 *                         also runs a mutual recursion (is_even/is_odd) of the same depth
 *   recursion unbounded   recurses until the engine's call stack is exhausted (wasm trap
 *                         "call stack exhausted"; natively this is a SIGSEGV)
 * The recursive calls are not tail calls (a volatile access follows each call), so the
 * optimizer cannot turn them into loops. `forever` has no parameters or locals, so even
 * at -O0 its frames use no shadow-stack (linear memory) space: what runs out is the wasm
 * call stack, never the 16 MiB shadow stack (which would give an out-of-bounds trap). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile int g_stop = 0;        /* never set: keeps `forever` from being provably infinite */
volatile unsigned g_depth = 0;  /* frames entered by `forever` */
volatile int g_sink;

__attribute__((noinline)) static long long sum_to(int n) {
    if (n == 0) return 0;
    long long rest = sum_to(n - 1);
    g_sink = n; /* after the call: no tail call, no accumulator transformation */
    return rest + n;
}

__attribute__((noinline)) static int is_odd(unsigned n);

__attribute__((noinline)) static int is_even(unsigned n) {
    if (n == 0) return 1;
    int r = is_odd(n - 1);
    g_sink = (int)n;
    return r;
}

__attribute__((noinline)) static int is_odd(unsigned n) {
    if (n == 0) return 0;
    int r = is_even(n - 1);
    g_sink = (int)n;
    return r;
}

__attribute__((noinline)) static void forever(void) {
    g_depth = g_depth + 1;
    if (g_stop) return;
    forever();
    g_depth = g_depth - 1;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "unbounded") == 0) {
        printf("recursing without bound\n");
        fflush(stdout);
        forever();
        printf("not reached (depth %u)\n", g_depth);
        return 1;
    }
    int depth = argc > 1 ? atoi(argv[1]) : 10000;
    long long sum = sum_to(depth);
    long long want = (long long)depth * (depth + 1) / 2;
    int even = is_even((unsigned)depth);
    printf("sum_to(%d) = %lld (expected %lld)\n", depth, sum, want);
    printf("is_even(%d) = %d\n", depth, even);
    int ok = sum == want && even == (depth % 2 == 0);
    printf("%s\n", ok ? "PASSED" : "FAILED");
    return ok ? 0 : 1;
}
