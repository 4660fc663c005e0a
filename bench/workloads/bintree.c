/* bintree: the "binary-trees" allocation benchmark plus a binary search tree — malloc and
 * free of many small nodes, pointer chasing, recursion. Builds and frees many complete
 * binary trees of several depths (checking node counts), then inserts pseudo-random keys
 * into an unbalanced BST, deletes half of them, and checks the in-order walk. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef MAX_DEPTH
#define MAX_DEPTH 14
#endif
#ifndef BST_KEYS
#define BST_KEYS 200000
#endif

typedef struct tree {
    struct tree *left, *right;
} tree;

static tree *bottom_up(int depth) {
    tree *t = malloc(sizeof *t);
    if (!t) { printf("bintree: out of memory\n"); exit(1); }
    if (depth > 0) {
        t->left = bottom_up(depth - 1);
        t->right = bottom_up(depth - 1);
    } else {
        t->left = t->right = NULL;
    }
    return t;
}

static long check(const tree *t) { return 1 + (t->left ? check(t->left) + check(t->right) : 0); }

static void free_tree(tree *t) {
    if (t->left) { free_tree(t->left); free_tree(t->right); }
    free(t);
}

typedef struct bst {
    struct bst *left, *right;
    uint32_t key;
} bst;

static bst *bst_insert(bst *root, uint32_t key, int *inserted) {
    bst **link = &root;
    while (*link) {
        if (key == (*link)->key) return root;
        link = key < (*link)->key ? &(*link)->left : &(*link)->right;
    }
    bst *n = malloc(sizeof *n);
    n->left = n->right = NULL;
    n->key = key;
    *link = n;
    (*inserted)++;
    return root;
}

static bst *bst_delete(bst *root, uint32_t key, int *deleted) {
    bst **link = &root;
    while (*link && (*link)->key != key) link = key < (*link)->key ? &(*link)->left : &(*link)->right;
    bst *n = *link;
    if (!n) return root;
    if (!n->left) *link = n->right;
    else if (!n->right) *link = n->left;
    else { /* replace by the minimum of the right subtree */
        bst **m = &n->right;
        while ((*m)->left) m = &(*m)->left;
        bst *min = *m;
        *m = min->right;
        min->left = n->left;
        min->right = n->right;
        *link = min;
    }
    free(n);
    (*deleted)++;
    return root;
}

static void walk(const bst *t, uint32_t *prev, long *count, int *sorted, uint64_t *sum) {
    while (t) { /* recursion on the left, loop on the right */
        walk(t->left, prev, count, sorted, sum);
        if (*count > 0 && t->key <= *prev) *sorted = 0;
        *prev = t->key;
        (*count)++;
        *sum += t->key;
        t = t->right;
    }
}

static void bst_free(bst *t) {
    while (t) {
        bst_free(t->left);
        bst *r = t->right;
        free(t);
        t = r;
    }
}

int main(void) {
    int ok = 1;
    long total_nodes = 0;
    for (int depth = 4; depth <= MAX_DEPTH; depth += 2) {
        int iterations = 1 << (MAX_DEPTH - depth + 4);
        long nodes = 0;
        for (int i = 0; i < iterations; i++) {
            tree *t = bottom_up(depth);
            nodes += check(t);
            free_tree(t);
        }
        if (nodes != (long)iterations * ((2L << depth) - 1)) ok = 0;
        total_nodes += nodes;
    }

    bst *root = NULL;
    int inserted = 0, deleted = 0;
    uint32_t x = 88172645u;
    for (int i = 0; i < BST_KEYS; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        root = bst_insert(root, x % 1000000007u, &inserted);
    }
    x = 88172645u;
    for (int i = 0; i < BST_KEYS; i += 2) { /* delete every other inserted key */
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        uint32_t k = x % 1000000007u;
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        root = bst_delete(root, k, &deleted);
    }
    uint32_t prev = 0;
    long count = 0;
    int sorted = 1;
    uint64_t sum = 0;
    walk(root, &prev, &count, &sorted, &sum);
    bst_free(root);
    ok = ok && sorted && count == inserted - deleted && deleted > 0;
    printf("bintree: %ld tree nodes, bst %d inserted %d deleted %ld left %s\n", total_nodes, inserted, deleted,
           count, ok ? "OK" : "WRONG");
    return ok ? 0 : 1;
}

/* Never called: the debugger-overhead benchmark (bench/debugger.py) sets a breakpoint here. */
__attribute__((export_name("bench_never_called"), noinline)) void bench_never_called(void) { puts("not reached"); }
