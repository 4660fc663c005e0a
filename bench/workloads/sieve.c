/* sieve: sieve of Eratosthenes over a byte array, repeated — tight loops, byte loads and
 * stores, branches. Checks the prime count against the known value of pi(N). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 10000000 /* pi(10^7) = 664579 */
#ifndef REPEAT
#define REPEAT 3
#endif

static unsigned char composite[LIMIT + 1];

static unsigned sieve(void) {
    memset(composite, 0, sizeof composite);
    unsigned count = 0;
    for (unsigned i = 2; i <= LIMIT; i++) {
        if (composite[i]) continue;
        count++;
        for (unsigned long long j = (unsigned long long)i * i; j <= LIMIT; j += i) composite[j] = 1;
    }
    return count;
}

int main(void) {
    unsigned count = 0;
    int ok = 1;
    for (int r = 0; r < REPEAT; r++) {
        count = sieve();
        if (count != 664579) ok = 0;
    }
    /* spot checks: 9999991 is the largest prime below 10^7; 9999999 = 3^2 * 239 * 4649 */
    ok = ok && !composite[9999991] && composite[9999999] && !composite[2] && composite[4];
    printf("sieve: %u primes below %d (x%d) %s\n", count, LIMIT, REPEAT, ok ? "OK" : "WRONG");
    return ok ? 0 : 1;
}

/* Never called: the debugger-overhead benchmark (bench/debugger.py) sets a breakpoint here. */
__attribute__((export_name("bench_never_called"), noinline)) void bench_never_called(void) { puts("not reached"); }
