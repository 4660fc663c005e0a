/* matmul: dense double-precision matrix multiply (i-k-j loop order) — f64 loads, stores,
 * multiply-adds. The entries are small integers so every sum is exact; the result is
 * checked with an independent O(n^2) identity (sum of all entries of AB =
 * sum_k colsum(A)_k * rowsum(B)_k) and with A(Bx) for one vector x (Freivalds). */
#include <stdio.h>
#include <stdlib.h>

#ifndef N
#define N 256
#endif
#ifndef REPEAT
#define REPEAT 6
#endif

static double A[N][N], B[N][N], C[N][N];

static void multiply(void) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) C[i][j] = 0.0;
        for (int k = 0; k < N; k++) {
            double a = A[i][k];
            for (int j = 0; j < N; j++) C[i][j] += a * B[k][j];
        }
    }
}

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (double)((i * 7 + j * 3) % 11) - 5.0;
            B[i][j] = (double)((i * 5 + j * 13) % 17) - 8.0;
        }
    for (int r = 0; r < REPEAT; r++) multiply();

    double total = 0.0, expect = 0.0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) total += C[i][j];
    for (int k = 0; k < N; k++) {
        double col = 0.0, row = 0.0;
        for (int i = 0; i < N; i++) col += A[i][k];
        for (int j = 0; j < N; j++) row += B[k][j];
        expect += col * row;
    }
    int ok = total == expect;
    static double x[N], bx[N];
    for (int j = 0; j < N; j++) x[j] = (double)(j % 5) - 2.0;
    for (int k = 0; k < N; k++) {
        bx[k] = 0.0;
        for (int j = 0; j < N; j++) bx[k] += B[k][j] * x[j];
    }
    for (int i = 0; i < N && ok; i++) {
        double cx = 0.0, abx = 0.0;
        for (int j = 0; j < N; j++) cx += C[i][j] * x[j];
        for (int k = 0; k < N; k++) abx += A[i][k] * bx[k];
        if (cx != abx) ok = 0;
    }
    printf("matmul: %dx%d (x%d) sum=%.0f trace=%.0f %s\n", N, N, REPEAT, total, C[0][0] + C[N - 1][N - 1],
           ok ? "OK" : "WRONG");
    return ok ? 0 : 1;
}

/* Never called: the debugger-overhead benchmark (bench/debugger.py) sets a breakpoint here. */
__attribute__((export_name("bench_never_called"), noinline)) void bench_never_called(void) { puts("not reached"); }
