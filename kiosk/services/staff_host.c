/* staff_host: see staff_host.h. */
#include "services/staff_host.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"

struct staff_host {
  staff_guard *guard;
  int signed_in;
  staff_who who;
};

/* The session's wiper: signs out (wiping who it was) when the session ends. */
static void sign_out_wiper(void *ud) {
  staff_host *h = ud;
  if (!h || !h->signed_in)
    return;
  LOG_I("staff", "%s signed out", h->who.id);
  sodium_memzero(&h->who, sizeof h->who);
  h->signed_in = 0;
}

kerr staff_host_create(session *s, staff_host **out) {
  *out = NULL;
  staff_host *h = calloc(1, sizeof *h);
  kerr e = KERR_NOMEM;
  if (!h)
    goto out;
  e = staff_guard_create(&h->guard);
  if (e)
    goto out;
  e = session_add_wiper(s, sign_out_wiper, h);
  if (e)
    goto out;
  *out = h;
  h = NULL;
out:
  staff_host_destroy(h);
  return e;
}

void staff_host_destroy(staff_host *h) {
  if (!h)
    return;
  staff_guard_destroy(h->guard);
  sodium_memzero(h, sizeof *h);
  free(h);
}

kerr staff_host_sign_in(staff_host *h, const content *c, const char *id,
                        char *pin, uint64_t now_ms, staff_refusal *why) {
  staff_list *l = NULL;
  char err[200];
  kerr e = KERR_STATE;
  if (!h)
    goto out;
  e = staff_list_from_content(c, &l, err, sizeof err);
  if (e && e != KERR_NOTFOUND) {
    LOG_E("staff", "staff.json refused: %s", err);
    l = NULL;
  }
  staff_who who;
  e = staff_check(h->guard, l, id, pin, now_ms, &who, why);
  if (e == KERR_OK) {
    h->who = who;
    h->signed_in = 1;
    LOG_I("staff", "%s signed in (%s)", who.id,
          who.role == STAFF_ROLE_ADMIN ? "admin" : "staff");
  } else if (e == KERR_DENIED || e == KERR_BUSY) {
    LOG_I("staff", "sign-in refused: %s", kerr_str(e));
  }
  sodium_memzero(&who, sizeof who);
out:
  if (pin)
    sodium_memzero(pin, strlen(pin));
  staff_list_destroy(l);
  return e;
}

const staff_who *staff_host_who(const staff_host *h) {
  return h && h->signed_in ? &h->who : NULL;
}

int staff_host_is_admin(const staff_host *h) {
  return h && h->signed_in && h->who.role == STAFF_ROLE_ADMIN;
}
