/* exitcode: exit statuses.
 *   exitcode            -> returns 7 from main
 *   exitcode nested     -> exit(3) from three calls deep; the atexit handler runs and
 *                          buffered stdout (a line without '\n') is flushed
 *   exitcode zero       -> returns 0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_exit_handler(void) { printf("atexit handler ran\n"); }

__attribute__((noinline)) static void level3(int code) {
    printf("level3: calling exit(%d)", code); /* no newline: exit must flush */
    exit(code);
}

__attribute__((noinline)) static void level2(int code) {
    printf("level2\n");
    level3(code);
    printf("level2: not reached\n");
}

__attribute__((noinline)) static void level1(int code) {
    printf("level1\n");
    level2(code);
    printf("level1: not reached\n");
}

int main(int argc, char **argv) {
    atexit(on_exit_handler);
    if (argc > 1 && strcmp(argv[1], "nested") == 0) {
        level1(3);
        return 100; /* not reached */
    }
    if (argc > 1 && strcmp(argv[1], "zero") == 0) {
        printf("returning 0 from main\n");
        return 0;
    }
    printf("returning 7 from main\n");
    return 7;
}
