/* hello: printf formatting (ints, floats, strings, padding), self-checked with snprintf.
 * Output is identical under glibc and wasi-libc (musl): no %p, no %a, no nan. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

/* Compare an snprintf result with the expected text; print one line either way. */
static void check(const char *what, const char *got, const char *want) {
    if (strcmp(got, want) != 0) {
        printf("FAIL %s: got [%s] want [%s]\n", what, got, want);
        failures++;
    } else {
        printf("ok   %-10s [%s]\n", what, got);
    }
}

int main(void) {
    char buf[128];
    int n;

    printf("hello, world\n");
    puts("puts line");
    putchar('c');
    putchar('\n');
    fputs("fputs line\n", stdout);

    /* integers */
    snprintf(buf, sizeof buf, "%d %i %u", 42, -17, 3000000000u);
    check("ints", buf, "42 -17 3000000000");
    snprintf(buf, sizeof buf, "%x %X %o %#x %#o", 48879, 48879, 8, 255, 8);
    check("hex/oct", buf, "beef BEEF 10 0xff 010");
    snprintf(buf, sizeof buf, "%d %d", INT_MIN, INT_MAX);
    check("int-limits", buf, "-2147483648 2147483647");
    snprintf(buf, sizeof buf, "%lld %llu", LLONG_MIN, ULLONG_MAX);
    check("ll-limits", buf, "-9223372036854775808 18446744073709551615");
    snprintf(buf, sizeof buf, "%ld %hd %hhu", -123456789L, (short)-5, (unsigned char)200);
    check("lengths", buf, "-123456789 -5 200");

    /* padding */
    snprintf(buf, sizeof buf, "[%5d][%-5d][%05d][%+d][% d][%.3d]", 42, 42, 42, 42, 42, 7);
    check("padding", buf, "[   42][42   ][00042][+42][ 42][007]");
    snprintf(buf, sizeof buf, "[%*d][%-*d]", 6, -3, 4, 9);
    check("star", buf, "[    -3][9   ]");

    /* floats */
    snprintf(buf, sizeof buf, "%f %.2f %10.3f %-10.1f|", 3.14159265, 2.675, -1.5, 0.25);
    check("%f", buf, "3.141593 2.67     -1.500 0.2       |");
    snprintf(buf, sizeof buf, "%g %g %g %g %g", 0.0001, 1e-5, 123456.0, 1234567.0, 100.0);
    check("%g", buf, "0.0001 1e-05 123456 1.23457e+06 100");
    snprintf(buf, sizeof buf, "%e %.2e %E %.0e", 12345.678, 0.000123, 1e100, 5.5);
    check("%e", buf, "1.234568e+04 1.23e-04 1.000000E+100 6e+00");
    snprintf(buf, sizeof buf, "%.10f %.17g", 1.0 / 3.0, 0.1);
    check("precision", buf, "0.3333333333 0.10000000000000001");
    snprintf(buf, sizeof buf, "%f %f %g", 1.0 / 0.0, -1.0 / 0.0, -0.0);
    check("inf", buf, "inf -inf -0");
    snprintf(buf, sizeof buf, "%.3f %.1f %.0f %.0f", 1e15 + 0.5, 9.95, 0.5, 1.5);
    check("rounding", buf, "1000000000000000.500 9.9 0 2");

    /* strings and chars */
    snprintf(buf, sizeof buf, "[%s][%10s][%-10s][%.3s][%c][%%]", "abc", "right", "left", "truncate", 'Z');
    check("strings", buf, "[abc][     right][left      ][tru][Z][%]");

    /* return value of snprintf when truncating */
    {
        char small[8];
        const char *volatile long_text = "0123456789abcdef"; /* volatile: no compile-time warning */
        n = snprintf(small, sizeof small, "%s", long_text);
        snprintf(buf, sizeof buf, "%d:%s", n, small);
        check("truncate", buf, "16:0123456");
    }

    /* straight to stdout as well */
    printf("%d %5.2f %-6s| %e %g\n", -7, 2.5, "pad", 6.02214076e23, 1e-10);

    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
