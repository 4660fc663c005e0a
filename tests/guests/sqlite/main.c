/* SQLite guest: a real library (the SQLite amalgamation, ~270k lines) under the debugger.
 * Uses the C API on an in-memory database: prepare/bind/step/reset, column reads, and
 * sqlite3_exec with a callback. Deterministic output; self-checked against the C data.
 * Built by ../build-sqlite.sh (wasm, zig -g -O1); `BREAK:` comments mark good breakpoint lines.
 * At -O1, db and stmt live in linear memory (their addresses are taken) and are always
 * readable; i, total_qty, value and name mostly live in wasm locals or are optimized out.
 */
#include <stdio.h>
#include <stdlib.h>
#include "sqlite3.h"

int rows_seen = 0; /* result rows delivered to print_row (a global for watch/print tests) */ int qty_counts[1000];

static const struct { const char *name; int qty; double price; } ITEMS[] = {
    {"apple", 12, 0.50}, {"banana", 30, 0.25}, {"cherry", 200, 0.10}, {"date", 7, 2.75},
    {"elderberry", 3, 4.20}, {"fig", 15, 1.30}, {"grape", 60, 0.15}, {"honeydew", 2, 3.90},
    {"kiwi", 25, 0.60}, {"lemon", 40, 0.35},
};
#define NITEMS ((int)(sizeof ITEMS / sizeof ITEMS[0]))

/* Stops the program with SQLite's message when rc is not the expected code. */
static void check(sqlite3 *db, int rc, int want, const char *what) {
    if (rc != want) {
        printf("FAILED: %s: rc=%d (%s)\n", what, rc, sqlite3_errmsg(db));
        exit(1);
    }
}

/* sqlite3_exec callback: called once per result row, with every value as text. */
static int print_row(void *label, int ncols, char **values, char **names) {
    rows_seen++; /* BREAK: callback frame (sqlite3_exec -> ... -> print_row) */
    printf("  %s:", (const char *)label);
    for (int i = 0; i < ncols; i++)
        printf(" %s=%s", names[i], values[i] ? values[i] : "NULL");
    printf("\n");
    return 0;
}

int main(void) {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_open(":memory:", &db); /* BREAK: before the database exists */
    check(db, rc, SQLITE_OK, "open");
    printf("SQLite %s\n", sqlite3_libversion());

    rc = sqlite3_exec(db,
        "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, price REAL);"
        "CREATE TABLE sales(item_id INTEGER REFERENCES items(id), units INTEGER);",
        NULL, NULL, NULL);
    check(db, rc, SQLITE_OK, "create");

    /* Insert every item with one prepared statement: bind, step, reset. */
    const char *insert_sql = "INSERT INTO items(name, qty, price) VALUES(?1, ?2, ?3)";
    rc = sqlite3_prepare_v2(db, insert_sql, -1, &stmt, NULL); /* BREAK: prepare_v2 from main */
    check(db, rc, SQLITE_OK, "prepare insert");
    int total_qty = 0;
    for (int i = 0; i < NITEMS; i++) {
        sqlite3_bind_text(stmt, 1, ITEMS[i].name, -1, SQLITE_STATIC); /* BREAK: loop body */
        sqlite3_bind_int(stmt, 2, ITEMS[i].qty);
        sqlite3_bind_double(stmt, 3, ITEMS[i].price);
        check(db, sqlite3_step(stmt), SQLITE_DONE, "insert");
        sqlite3_reset(stmt);
        total_qty += ITEMS[i].qty; qty_counts[ITEMS[i].qty]++;
    }
    sqlite3_finalize(stmt);
    printf("inserted %d items, last rowid %lld\n", NITEMS, (long long)sqlite3_last_insert_rowid(db));
    rc = sqlite3_exec(db, "INSERT INTO sales VALUES(1,4),(3,50),(1,6),(7,12),(4,1),(3,25),(9,8),"
                          "(10,5),(7,3),(1,2),(6,9),(9,2),(2,20)", NULL, NULL, NULL);
    check(db, rc, SQLITE_OK, "insert sales");

    /* 1. An aggregate over the whole table. */
    rc = sqlite3_prepare_v2(db, "SELECT count(*), sum(qty), sum(qty * price), max(price) FROM items",
                            -1, &stmt, NULL);
    check(db, rc, SQLITE_OK, "prepare aggregate");
    check(db, sqlite3_step(stmt), SQLITE_ROW, "aggregate");
    int count = sqlite3_column_int(stmt, 0), sum_qty = sqlite3_column_int(stmt, 1);
    double value = sqlite3_column_double(stmt, 2); /* BREAK: aggregate row read */
    printf("aggregate: count=%d sum(qty)=%d value=%.2f max(price)=%.2f\n", count, sum_qty, value,
           sqlite3_column_double(stmt, 3));
    sqlite3_finalize(stmt);

    /* 2. ORDER BY with a bound parameter. */
    rc = sqlite3_prepare_v2(db, "SELECT id, name, qty, price FROM items WHERE qty >= ?1 "
                                "ORDER BY price DESC, name", -1, &stmt, NULL);
    check(db, rc, SQLITE_OK, "prepare order by");
    sqlite3_bind_int(stmt, 1, 10);
    printf("items with qty >= 10, by price:\n");
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 1); /* BREAK: per row */
        printf("  #%-2d %-10s qty=%3d price=%.2f\n", sqlite3_column_int(stmt, 0), name,
               sqlite3_column_int(stmt, 2), sqlite3_column_double(stmt, 3));
    }
    check(db, rc, SQLITE_DONE, "order by");
    sqlite3_finalize(stmt);

    /* 3. A join with GROUP BY, through sqlite3_exec and the print_row callback. */
    printf("sales per item:\n");
    char *err = NULL;
    rc = sqlite3_exec(db, "SELECT i.name AS name, sum(s.units) AS units, "
                          "printf('%.2f', sum(s.units * i.price)) AS revenue "
                          "FROM sales s JOIN items i ON i.id = s.item_id "
                          "GROUP BY i.id ORDER BY units DESC, name", print_row, "sale", &err);
    if (rc != SQLITE_OK) printf("exec error: %s\n", err ? err : "?");
    sqlite3_free(err);
    check(db, rc, SQLITE_OK, "join");

    rc = sqlite3_close(db);
    check(NULL, rc, SQLITE_OK, "close");
    int ok = count == NITEMS && sum_qty == total_qty && rows_seen == 8 && qty_counts[200] == 1;
    printf("rows_seen=%d\n%s\n", rows_seen, ok ? "PASSED" : "FAILED"); /* BREAK: the end */
    return ok ? 0 : 1;
}
