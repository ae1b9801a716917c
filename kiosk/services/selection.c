/* selection: see selection.h. */
#include "services/selection.h"

#include <string.h>


/* 1 if id is a usable item id: [a-z0-9_]+, shorter than SELECTION_ID_MAX. */
static int id_valid(const char *id) {
  if (!id || !*id)
    return 0;
  size_t n = 0;
  for (const char *p = id; *p; p++, n++) {
    char c = *p;
    if (n + 1 >= SELECTION_ID_MAX)
      return 0;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return 0;
  }
  return 1;
}

static void wipe(void *ud) { selection_clear(ud); }

kerr selection_init(selection *s, session *sess) {
  selection_clear(s);
  return session_add_wiper(sess, wipe, s);
}

void selection_clear(selection *s) {
  session_wipe_bytes(s->ids, sizeof s->ids);
  s->n = 0;
}

static int find(const selection *s, const char *id) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->ids[i], id) == 0)
      return (int)i;
  return -1;
}

kerr selection_add(selection *s, const char *id) {
  if (!id_valid(id))
    return KERR_INVALID;
  if (find(s, id) >= 0)
    return KERR_OK;
  if (s->n >= SELECTION_MAX)
    return KERR_LIMIT;
  memcpy(s->ids[s->n], id, strlen(id) + 1);
  s->n++;
  return KERR_OK;
}

int selection_remove(selection *s, const char *id) {
  if (!id)
    return 0;
  int i = find(s, id);
  if (i < 0)
    return 0;
  memmove(s->ids[i], s->ids[i + 1],
          (s->n - (size_t)i - 1) * sizeof s->ids[0]);
  s->n--;
  session_wipe_bytes(s->ids[s->n], sizeof s->ids[0]);
  return 1;
}

kerr selection_set(selection *s, const char *const *ids, size_t n) {
  selection next;
  memset(&next, 0, sizeof next);
  kerr e = KERR_OK;
  for (size_t i = 0; i < n; i++) {
    e = selection_add(&next, ids[i]);
    if (e)
      goto out;
  }
  selection_clear(s);
  memcpy(s, &next, sizeof next);
out:
  session_wipe_bytes(&next, sizeof next);
  return e;
}

int selection_has(const selection *s, const char *id) {
  return id && find(s, id) >= 0;
}

size_t selection_count(const selection *s) { return s->n; }

const char *selection_at(const selection *s, size_t i) {
  return i < s->n ? s->ids[i] : NULL;
}
