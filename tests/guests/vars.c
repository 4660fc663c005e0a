/* vars: a small inventory simulation with many kinds of variables, for checking what a
 * debugger shows (globals, static locals, structs, nested structs, unions, enums,
 * bitfields, arrays, 2-D arrays, pointers, function pointers, typedefs, C strings, a
 * linked list, float/double, signed/unsigned chars and 64-bit integers).
 * Deterministic and self-checking: prints a report, exits 0 (1 on a wrong checksum).
 * Lines marked "BREAK:" are convenient breakpoint locations for debugger tests. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef enum { KIND_TOOL = 1, KIND_FOOD = 2, KIND_BOOK = 4 } item_kind;

typedef struct {
    float x, y;
} point;

struct flags {
    unsigned fragile : 1;
    unsigned taxable : 1;
    unsigned shelf : 4;
    signed int rating : 3;
};

union number {
    int32_t i;
    float f;
    unsigned char bytes[4];
};

typedef struct item {
    char name[16];
    item_kind kind;
    int quantity;
    double price;
    point location;
    struct flags flags;
    struct item *next;
} item;

typedef double (*pricing_fn)(const item *);

/* globals of several types */
int g_counter = 0;
const char *g_title = "inventory";
static int64_t g_big = -1234567890123LL;
unsigned char g_bytes[4] = {0xde, 0xad, 0xbe, 0xef};
int g_grid[3][4];
item g_items[4];
item *g_head = NULL;
union number g_number;
int g_last_visited;

static double price_plain(const item *it) { return it->price * it->quantity; }

static double price_taxed(const item *it) {
    double base = it->price * it->quantity;
    return it->flags.taxable ? base * 1.25 : base; /* BREAK: taxed */
}

static void add_item(int index, const char *name, item_kind kind, int quantity, double price, int taxable) {
    item *it = &g_items[index];
    memset(it, 0, sizeof *it);
    strncpy(it->name, name, sizeof it->name - 1);
    it->kind = kind;
    it->quantity = quantity;
    it->price = price;
    it->location.x = (float)index * 1.5f;
    it->location.y = -(float)index;
    it->flags.fragile = kind == KIND_BOOK;
    it->flags.taxable = (unsigned)taxable;
    it->flags.shelf = (unsigned)(index * 3) & 15u;
    it->flags.rating = index - 2;
    it->next = g_head;
    g_head = it;
    g_counter++; /* BREAK: after add */
}

static int next_id(void) {
    static int id = 100; /* static local */
    return id++;
}

static double total_value(const item *head, pricing_fn fn) {
    double total = 0.0;
    int visited = 0;
    for (const item *it = head; it != NULL; it = it->next) {
        double v = fn(it);
        total += v; /* BREAK: loop body */
        visited++;
    }
    g_last_visited = visited;
    return total;
}

int main(void) {
    char letter = 'w';
    signed char small = -5;
    unsigned short port = 8080;
    uint64_t mask = 0xF0F0F0F0F0F0F0F0ull;
    const char *greeting = "hi there";
    int squares[8];

    for (int i = 0; i < 8; i++) squares[i] = i * i;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) g_grid[r][c] = r * 10 + c;

    add_item(0, "hammer", KIND_TOOL, 3, 12.5, 1);
    add_item(1, "apple", KIND_FOOD, 10, 0.4, 0);
    add_item(2, "novel", KIND_BOOK, 2, 8.75, 1);
    add_item(3, "wrench", KIND_TOOL, 1, 20.0, 1);

    g_number.f = 1.0f;
    int ids[3];
    for (int i = 0; i < 3; i++) ids[i] = next_id();

    pricing_fn fn = price_taxed;
    double plain = total_value(g_head, price_plain);
    double taxed = total_value(g_head, fn); /* BREAK: totals */

    printf("%s: %d items, head=%s\n", g_title, g_counter, g_head->name);
    for (const item *it = g_head; it; it = it->next)
        printf("  %-8s kind=%d qty=%2d price=%6.2f at (%.1f,%.1f) fragile=%u taxable=%u shelf=%u rating=%d\n",
               it->name, it->kind, it->quantity, it->price, it->location.x, it->location.y, it->flags.fragile,
               it->flags.taxable, it->flags.shelf, it->flags.rating);
    printf("plain=%.4f taxed=%.4f visited=%d\n", plain, taxed, g_last_visited);
    printf("letter=%c small=%d port=%u mask=%llx greeting=%s\n", letter, small, port, (unsigned long long)mask,
           greeting);
    printf("squares[7]=%d grid[2][3]=%d ids=%d,%d,%d big=%lld bytes=%02x%02x%02x%02x\n", squares[7], g_grid[2][3],
           ids[0], ids[1], ids[2], (long long)g_big, g_bytes[0], g_bytes[1], g_bytes[2], g_bytes[3]);
    printf("number: f=%g i=0x%08x\n", g_number.f, (unsigned)g_number.i);

    int ok = plain > 78.99 && plain < 79.01 && taxed > 97.74 && taxed < 97.76 && g_number.i == 0x3f800000 &&
             ids[2] == 102;
    printf("%s\n", ok ? "PASSED" : "FAILED");
    return ok ? 0 : 1;
}
