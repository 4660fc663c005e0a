/* args_env: prints argc, argv[1..] and a few environment variables.
 * argv[0] is not printed: runtimes differ in what they pass there.
 * The test sets WDB_GUEST_VAR (and WDB_GUEST_EMPTY=) and leaves WDB_GUEST_UNSET unset.
 * Exit code: the number of arguments after argv[0], so argument passing is also
 * visible in the exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show_env(const char *name) {
    const char *v = getenv(name);
    if (v)
        printf("env %s=[%s] (len %zu)\n", name, v, strlen(v));
    else
        printf("env %s is unset\n", name);
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    printf("argv[0] present=%d\n", argc > 0 && argv[0] != NULL);
    for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] (len %zu)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is NULL=%d\n", argv[argc] == NULL);
    show_env("WDB_GUEST_VAR");
    show_env("WDB_GUEST_EMPTY");
    show_env("WDB_GUEST_UNSET");
    return argc - 1;
}
