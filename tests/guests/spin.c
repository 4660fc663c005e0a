/* spin: loops until interrupted (for debugger interrupt tests; never run as a plain case).
 * Prints one line first so a test can see it started. */
#include <stdio.h>

volatile unsigned long long g_spins = 0;
volatile int g_stop = 0;

__attribute__((noinline)) static void spin(void) {
    while (!g_stop) g_spins = g_spins + 1; /* BREAK: spin */
}

int main(void) {
    printf("spinning\n");
    fflush(stdout);
    spin();
    printf("stopped after %llu spins\n", g_spins);
    return 0;
}
