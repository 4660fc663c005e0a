/* files: file I/O inside a preopened directory.
 * Usage: files [DIR]   (DIR defaults to /data; the runner preopens it, e.g. --dir HOST::/data)
 * Works in DIR/wdb_files_test (created and removed again): stdio write/read, POSIX
 * open/write/lseek/read, append, stat/fstat, opendir/readdir (sorted), rename, unlink,
 * mkdir/rmdir. Prints only names relative to DIR so output does not depend on DIR. */
#define _POSIX_C_SOURCE 200809L /* strdup, mkdir, ... under -std=c11 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures = 0;
static char base[512];

#define CHECK(cond, what)                                             \
    do {                                                              \
        if (!(cond)) {                                                \
            printf("FAIL line %d: %s (errno=%d)\n", __LINE__, what, errno); \
            failures++;                                               \
        }                                                             \
    } while (0)

/* DIR/wdb_files_test/NAME; two rotating buffers so rename(path(a), path(b)) works. */
static const char *path(const char *name) {
    static char bufs[2][1024];
    static int which = 0;
    char *buf = bufs[which];
    which ^= 1;
    snprintf(buf, sizeof bufs[0], "%s/%s", base, name);
    return buf;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *label) {
    DIR *d = opendir(base);
    CHECK(d != NULL, "opendir");
    if (!d) return;
    char *names[64];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (n < 64) names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    printf("%s: %d entr%s:", label, n, n == 1 ? "y" : "ies");
    for (int i = 0; i < n; i++) {
        struct stat st;
        int r = stat(path(names[i]), &st);
        printf(" %s(%s,%lld)", names[i], r != 0 ? "?" : S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : "other",
               r != 0 ? -1LL : S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "/data";
    snprintf(base, sizeof base, "%s/wdb_files_test", dir);

    struct stat st;
    if (stat(base, &st) == 0) { /* leftover from an interrupted run */
        printf("note: removing leftover test directory\n");
        DIR *d = opendir(base);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL)
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) unlink(path(de->d_name));
        if (d) closedir(d);
        rmdir(base);
    }

    CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "preopened dir is a directory");
    CHECK(mkdir(base, 0755) == 0, "mkdir");
    list_dir("after mkdir");

    /* stdio write */
    FILE *f = fopen(path("hello.txt"), "w");
    CHECK(f != NULL, "fopen w");
    if (f) {
        for (int i = 1; i <= 5; i++) fprintf(f, "line %d: %d squared is %d\n", i, i, i * i);
        fclose(f);
    }
    CHECK(stat(path("hello.txt"), &st) == 0, "stat hello.txt");
    printf("hello.txt size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));

    /* stdio read back */
    f = fopen(path("hello.txt"), "r");
    CHECK(f != NULL, "fopen r");
    if (f) {
        char line[128];
        int lines = 0;
        while (fgets(line, sizeof line, f)) {
            lines++;
            if (lines == 1 || lines == 5) printf("read: %s", line);
        }
        printf("read %d lines, eof=%d\n", lines, feof(f) != 0);
        fclose(f);
    }

    /* append */
    f = fopen(path("hello.txt"), "a");
    CHECK(f != NULL, "fopen a");
    if (f) { fputs("appended\n", f); fclose(f); }
    stat(path("hello.txt"), &st);
    printf("after append size=%lld\n", (long long)st.st_size);

    /* POSIX fd I/O on a binary file */
    int fd = open(path("data.bin"), O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0, "open data.bin");
    if (fd >= 0) {
        unsigned char bytes[256];
        for (int i = 0; i < 256; i++) bytes[i] = (unsigned char)(255 - i);
        ssize_t w = write(fd, bytes, sizeof bytes);
        off_t pos = lseek(fd, 100, SEEK_SET);
        unsigned char got[4] = {0};
        ssize_t r = read(fd, got, 4);
        off_t end = lseek(fd, 0, SEEK_END);
        struct stat fst;
        fstat(fd, &fst);
        printf("data.bin: wrote=%zd seek=%lld read=%zd bytes=%u,%u,%u,%u end=%lld fstat_size=%lld\n", w,
               (long long)pos, r, got[0], got[1], got[2], got[3], (long long)end, (long long)fst.st_size);
        CHECK(w == 256 && r == 4 && got[0] == 155 && got[3] == 152 && end == 256, "binary round trip");
        close(fd);
    }

    /* a subdirectory */
    CHECK(mkdir(path("sub"), 0755) == 0, "mkdir sub");
    list_dir("listing");

    /* rename */
    CHECK(rename(path("hello.txt"), path("renamed.txt")) == 0, "rename");
    errno = 0;
    int r = stat(path("hello.txt"), &st);
    printf("stat old name: %s\n", r == 0 ? "exists" : errno == ENOENT ? "ENOENT" : "other error");
    CHECK(stat(path("renamed.txt"), &st) == 0 && st.st_size == 126, "renamed.txt size");
    list_dir("after rename");

    /* open of a missing file fails with ENOENT */
    errno = 0;
    f = fopen(path("missing.txt"), "r");
    printf("fopen missing: %s\n", f ? "opened?!" : errno == ENOENT ? "ENOENT" : "other error");
    CHECK(f == NULL && errno == ENOENT, "missing file");

    /* unlink and rmdir */
    CHECK(unlink(path("renamed.txt")) == 0, "unlink renamed.txt");
    CHECK(unlink(path("data.bin")) == 0, "unlink data.bin");
    CHECK(rmdir(path("sub")) == 0, "rmdir sub");
    list_dir("after unlink");
    CHECK(rmdir(base) == 0, "rmdir base");
    errno = 0;
    DIR *gone = opendir(base);
    printf("opendir removed dir: %s\n", gone ? "opened?!" : errno == ENOENT ? "ENOENT" : "other error");
    if (gone) closedir(gone);

    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
