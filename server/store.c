/* store: picks the implementation a database target names and forwards
 * every call of store.h to it.
 *
 * A target that starts with postgresql:// or postgres:// is a libpq
 * connection URI (store_pg.c); anything else is the path of a SQLite file
 * (store_sqlite.c). The handle is the implementation's own struct, whose
 * first member points to its store_ops (store_private.h). */
#include "store_private.h"

#include <string.h>

/* The ops table of a handle: its first member. */
static const store_ops *ops_of(store *s) {
  return *(const store_ops *const *)(void *)s;
}

int store_is_pg(const char *target) {
  return target && (strncmp(target, "postgresql://", 13) == 0 ||
                    strncmp(target, "postgres://", 11) == 0);
}

kerr store_open(const char *target, int readers, store **out) {
  if (!target || !target[0])
    return KERR_INVALID;
  if (store_is_pg(target))
    return store_pg_open(target, readers, out);
  return store_sqlite_open(target, readers, out);
}

void store_destroy(store *s) {
  if (s)
    ops_of(s)->destroy(s);
}

#define STORE_OP_CALL(ret, name, params, args)                               \
  ret store_##name params { return ops_of(s)->name args; }
STORE_OPS(STORE_OP_CALL)
#undef STORE_OP_CALL
