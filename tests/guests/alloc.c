/* alloc: malloc-heavy code. A singly linked list, a chained hash map with string keys
 * that rehashes as it grows, a realloc-grown vector, calloc, a large block that forces
 * memory.grow, and free of everything. Self-checking; prints results, exits 1 on a mismatch. */
#define _POSIX_C_SOURCE 200809L /* strdup, mkdir, ... under -std=c11 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        if (!(cond)) {                                                            \
            printf("FAIL line %d: ", __LINE__);                                   \
            printf(__VA_ARGS__);                                                  \
            printf("\n");                                                         \
            failures++;                                                           \
        }                                                                         \
    } while (0)

/* ---- linked list ---- */
struct node {
    int value;
    struct node *next;
};

static struct node *list_push(struct node *head, int value) {
    struct node *n = malloc(sizeof *n);
    if (!n) { printf("out of memory\n"); exit(2); }
    n->value = value;
    n->next = head;
    return n;
}

static struct node *list_reverse(struct node *head) {
    struct node *prev = NULL;
    while (head) {
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static void test_list(void) {
    const int count = 10000;
    struct node *head = NULL;
    for (int i = 1; i <= count; i++) head = list_push(head, i);
    head = list_reverse(head);
    long long sum = 0;
    int len = 0, ordered = 1, expect = 1;
    for (struct node *n = head; n; n = n->next) {
        sum += n->value;
        if (n->value != expect++) ordered = 0;
        len++;
    }
    /* drop every even value */
    struct node **link = &head;
    while (*link) {
        if ((*link)->value % 2 == 0) {
            struct node *dead = *link;
            *link = dead->next;
            free(dead);
        } else {
            link = &(*link)->next;
        }
    }
    int odd_len = 0;
    for (struct node *n = head; n; n = n->next) odd_len++;
    while (head) {
        struct node *next = head->next;
        free(head);
        head = next;
    }
    printf("list: len=%d sum=%lld ordered=%d odd_len=%d\n", len, sum, ordered, odd_len);
    CHECK(len == count, "len %d", len);
    CHECK(sum == (long long)count * (count + 1) / 2, "sum %lld", sum);
    CHECK(ordered, "not ordered after reverse");
    CHECK(odd_len == count / 2, "odd_len %d", odd_len);
}

/* ---- hash map: string -> int, separate chaining, doubles when load > 0.75 ---- */
struct entry {
    char *key;
    int value;
    struct entry *next;
};

struct map {
    struct entry **buckets;
    size_t nbuckets;
    size_t size;
    int rehashes;
};

static uint32_t hash_str(const char *s) { /* FNV-1a */
    uint32_t h = 2166136261u;
    while (*s) { h ^= (unsigned char)*s++; h *= 16777619u; }
    return h;
}

static void map_init(struct map *m, size_t nbuckets) {
    m->buckets = calloc(nbuckets, sizeof *m->buckets);
    m->nbuckets = nbuckets;
    m->size = 0;
    m->rehashes = 0;
}

static void map_rehash(struct map *m) {
    size_t nb = m->nbuckets * 2;
    struct entry **b = calloc(nb, sizeof *b);
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct entry *e = m->buckets[i];
        while (e) {
            struct entry *next = e->next;
            size_t j = hash_str(e->key) % nb;
            e->next = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = nb;
    m->rehashes++;
}

static int *map_get_or_insert(struct map *m, const char *key) {
    size_t i = hash_str(key) % m->nbuckets;
    for (struct entry *e = m->buckets[i]; e; e = e->next)
        if (strcmp(e->key, key) == 0) return &e->value;
    if ((m->size + 1) * 4 > m->nbuckets * 3) {
        map_rehash(m);
        i = hash_str(key) % m->nbuckets;
    }
    struct entry *e = malloc(sizeof *e);
    e->key = strdup(key);
    e->value = 0;
    e->next = m->buckets[i];
    m->buckets[i] = e;
    m->size++;
    return &e->value;
}

static int map_remove(struct map *m, const char *key) {
    struct entry **link = &m->buckets[hash_str(key) % m->nbuckets];
    while (*link) {
        if (strcmp((*link)->key, key) == 0) {
            struct entry *dead = *link;
            *link = dead->next;
            free(dead->key);
            free(dead);
            m->size--;
            return 1;
        }
        link = &(*link)->next;
    }
    return 0;
}

static void map_free(struct map *m) {
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct entry *e = m->buckets[i];
        while (e) {
            struct entry *next = e->next;
            free(e->key);
            free(e);
            e = next;
        }
    }
    free(m->buckets);
}

static void test_map(void) {
    struct map m;
    map_init(&m, 8);
    uint32_t seed = 12345;
    char key[32];
    const int inserts = 20000;
    for (int i = 0; i < inserts; i++) {
        seed = seed * 1103515245u + 12345u;
        snprintf(key, sizeof key, "key%u", (seed >> 16) % 5000);
        (*map_get_or_insert(&m, key))++;
    }
    long total = 0;
    int max = 0;
    for (size_t i = 0; i < m.nbuckets; i++)
        for (struct entry *e = m.buckets[i]; e; e = e->next) {
            total += e->value;
            if (e->value > max) max = e->value;
        }
    size_t distinct = m.size;
    int removed = 0;
    for (int k = 0; k < 5000; k += 2) {
        snprintf(key, sizeof key, "key%d", k);
        removed += map_remove(&m, key);
    }
    printf("map: inserts=%d distinct=%zu total=%ld max=%d buckets=%zu rehashes=%d removed=%d left=%zu\n",
           inserts, distinct, total, max, m.nbuckets, m.rehashes, removed, m.size);
    CHECK(total == inserts, "total %ld", total);
    CHECK(distinct <= 5000 && distinct > 4000, "distinct %zu", distinct);
    CHECK(m.size == distinct - (size_t)removed, "size %zu", m.size);
    map_free(&m);
}

/* ---- realloc growth ---- */
static void test_realloc(void) {
    size_t cap = 1, len = 0;
    int *v = malloc(cap * sizeof *v);
    int grows = 0;
    for (int i = 0; i < 100000; i++) {
        if (len == cap) {
            cap *= 2;
            int *nv = realloc(v, cap * sizeof *v);
            if (!nv) { printf("realloc failed\n"); exit(2); }
            v = nv;
            grows++;
        }
        v[len++] = i * 3;
    }
    int ok = 1;
    for (size_t i = 0; i < len; i++)
        if (v[i] != (int)i * 3) ok = 0;
    v = realloc(v, 10 * sizeof *v); /* shrink keeps the prefix */
    for (int i = 0; i < 10; i++)
        if (v[i] != i * 3) ok = 0;
    free(v);
    printf("realloc: len=%zu cap=%zu grows=%d intact=%d\n", len, cap, grows, ok);
    CHECK(ok, "contents corrupted");
    CHECK(grows == 17, "grows %d", grows);
}

/* ---- calloc, a large block, many small blocks freed in a scattered order ---- */
static void test_misc(void) {
    unsigned char *z = calloc(4096, 1);
    int zeroed = 1;
    for (int i = 0; i < 4096; i++)
        if (z[i]) zeroed = 0;
    free(z);

    size_t big = 8u << 20; /* 8 MiB: more than the initial wasm memory holds */
    unsigned char *p = malloc(big);
    unsigned long sum = 0;
    if (p) {
        for (size_t i = 0; i < big; i += 4096) p[i] = (unsigned char)(i >> 12);
        for (size_t i = 0; i < big; i += 4096) sum += p[i];
        free(p);
    }

    enum { N = 2000 };
    static void *blocks[N];
    for (int i = 0; i < N; i++) {
        blocks[i] = malloc((size_t)(i % 97) * 8 + 1);
        memset(blocks[i], i & 0xff, (size_t)(i % 97) * 8 + 1);
    }
    int intact = 1;
    for (int i = 0; i < N; i++)
        if (((unsigned char *)blocks[i])[0] != (i & 0xff)) intact = 0;
    for (int step = 0; step < 7; step++)
        for (int i = step; i < N; i += 7) free(blocks[i]);

    printf("misc: calloc_zeroed=%d big=%d big_sum=%lu small_intact=%d\n", zeroed, p != NULL, sum, intact);
    CHECK(zeroed, "calloc not zeroed");
    CHECK(p != NULL, "8 MiB malloc failed");
    CHECK(sum == 261120ul, "big sum %lu", sum);
    CHECK(intact, "small blocks corrupted");
}

int main(void) {
    test_list();
    test_map();
    test_realloc();
    test_misc();
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
