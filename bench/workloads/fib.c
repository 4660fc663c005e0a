/* fib: doubly recursive Fibonacci — call/return overhead, small frames, i32 arithmetic. */
#include <stdio.h>
#include <stdlib.h>

#ifndef N
#define N 37
#endif

__attribute__((noinline)) static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : N;
    unsigned got = fib(n);
    unsigned a = 0, b = 1; /* iterative check */
    for (unsigned i = 0; i < n; i++) { unsigned t = a + b; a = b; b = t; }
    int ok = got == a;
    printf("fib(%u) = %u %s\n", n, got, ok ? "OK" : "WRONG");
    return ok ? 0 : 1;
}

/* Never called: the debugger-overhead benchmark (bench/debugger.py) sets a breakpoint here. */
__attribute__((export_name("bench_never_called"), noinline)) void bench_never_called(void) { puts("not reached"); }
