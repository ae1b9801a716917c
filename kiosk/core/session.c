/* session: see session.h. */
#include "core/session.h"

#include <sodium.h>
#include <string.h>

#include <cjson/cJSON.h>

void session_init(session *s, int inactivity_s, int warning_s) {
  *s = (session){0};
  s->state = SESSION_IDLE;
  s->inactivity_ms = (uint64_t)inactivity_s * 1000u;
  s->warning_ms = (uint64_t)warning_s * 1000u;
}

kerr session_add_wiper(session *s, session_wipe_fn fn, void *ud) {
  if (s->n_wipers >= SESSION_MAX_WIPERS)
    return KERR_LIMIT;
  s->wipers[s->n_wipers].fn = fn;
  s->wipers[s->n_wipers].ud = ud;
  s->n_wipers++;
  return KERR_OK;
}

void session_touch(session *s, uint64_t now_ms) {
  s->state = SESSION_ACTIVE;
  s->last_input_ms = now_ms;
}

session_event session_poll(session *s, uint64_t now_ms) {
  if (s->state == SESSION_IDLE)
    return SESSION_EV_NONE;
  uint64_t idle = now_ms > s->last_input_ms ? now_ms - s->last_input_ms : 0;
  if (idle >= s->inactivity_ms + s->warning_ms)
    return SESSION_EV_EXPIRE;
  if (s->state == SESSION_ACTIVE && idle >= s->inactivity_ms) {
    s->state = SESSION_WARNING;
    return SESSION_EV_WARN;
  }
  return SESSION_EV_NONE;
}

uint64_t session_next_deadline(const session *s, uint64_t now_ms) {
  if (s->state == SESSION_IDLE)
    return UINT64_MAX;
  uint64_t due = s->last_input_ms + s->inactivity_ms;
  if (s->state == SESSION_WARNING) {
    /* Wake each second for the countdown, and at expiry. */
    uint64_t end = due + s->warning_ms;
    if (now_ms >= end)
      return 0;
    uint64_t left = end - now_ms;
    uint64_t to_tick = left % 1000u ? left % 1000u : 1000u;
    return to_tick < left ? to_tick : left;
  }
  return now_ms >= due ? 0 : due - now_ms;
}

int session_warning_left_s(const session *s, uint64_t now_ms) {
  if (s->state != SESSION_WARNING)
    return 0;
  uint64_t end = s->last_input_ms + s->inactivity_ms + s->warning_ms;
  if (now_ms >= end)
    return 0;
  return (int)((end - now_ms + 999u) / 1000u);
}

void session_end(session *s) {
  for (size_t i = s->n_wipers; i-- > 0;)
    s->wipers[i].fn(s->wipers[i].ud);
  s->state = SESSION_IDLE;
  s->generation++;
}

void session_wipe_bytes(void *p, size_t n) {
  if (p && n)
    sodium_memzero(p, n);
}

static void wipe_node(cJSON *j) {
  if (j->valuestring)
    sodium_memzero(j->valuestring, strlen(j->valuestring));
  if (j->string)
    sodium_memzero(j->string, strlen(j->string));
  j->valuedouble = 0;
  j->valueint = 0;
}

void session_wipe_json(cJSON *root) {
  if (!root)
    return;
  wipe_node(root);
  for (cJSON *c = root->child; c; c = c->next)
    session_wipe_json(c);
}
