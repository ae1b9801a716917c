/* submit: see submit.h. */
#include "services/submit.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/session.h"
#include "net/outbox.h"

kerr submit_reserve(net_host *h, submit_ticket *t) {
  memset(t, 0, sizeof *t);
  kerr e = net_host_submit_ready(h);
  if (e) {
    LOG_E("submit", "application refused: %s", e == KERR_CRYPTO
                                                    ? "no seal key configured"
                                                    : "no outbox");
    return e;
  }
  e = outbox_next_reference(net_host_outbox(h), t->reference);
  if (e) {
    LOG_E("submit", "no reference number: %s", kerr_str(e));
    return e;
  }
  seal_uuid_v4(t->uuid);
  t->created_ms = net_host_now_ms(h);
  e = seal_time_format((time_t)(t->created_ms / 1000), t->created_at);
  if (e)
    LOG_E("submit", "clock out of range: %s", kerr_str(e));
  return e;
}

/* The plaintext must be the one built for this ticket: its uuid and
 * reference appear as JSON strings in it. */
static int carries(const char *plain, size_t len, const char *value) {
  char quoted[64];
  size_t n = (size_t)snprintf(quoted, sizeof quoted, "\"%s\"", value);
  if (n >= sizeof quoted || n > len)
    return 0;
  for (size_t i = 0; i + n <= len; i++)
    if (plain[i] == '"' && memcmp(plain + i, quoted, n) == 0)
      return 1;
  return 0;
}

kerr submit_commit(net_host *h, const submit_ticket *t, submit_request *rq) {
  char *env = NULL;
  /* Keep the clear text out of swap while it exists (best effort: a low
   * RLIMIT_MEMLOCK only means it is not locked). */
  int locked = rq->plain && rq->len && sodium_mlock(rq->plain, rq->len) == 0;
  kerr e = net_host_submit_ready(h);
  if (e)
    goto out;
  if (!rq->plain || !rq->len || !t->uuid[0] ||
      !carries(rq->plain, rq->len, t->uuid) ||
      !carries(rq->plain, rq->len, t->reference)) {
    e = KERR_INVALID;
    LOG_E("submit", "%s: the application was not built for this reference",
          t->reference);
    goto out;
  }
  seal_meta m = {.uuid = t->uuid,
                 .reference = t->reference,
                 .device_id = net_host_device_id(h),
                 .created_at = t->created_at,
                 .region = net_host_region(h),
                 .items = rq->items,
                 .n_items = rq->n_items,
                 .urgent = rq->urgent,
                 .content_version = net_host_content_version(h),
                 .assisted_by = rq->assisted_by,
                 .last4 = rq->last4,
                 .kind = rq->kind};
  e = seal_envelope(&m, net_host_seal_key(h), rq->plain, rq->len, &env);
  /* Sealed (or refused): the clear text is no longer needed anywhere. */
  session_wipe_bytes(rq->plain, rq->len);
  if (e) {
    LOG_E("submit", "%s: not sealed: %s", t->reference, kerr_str(e));
    goto out;
  }
  e = outbox_enqueue(net_host_outbox(h), t->uuid, t->reference, env,
                     strlen(env), net_host_now_ms(h));
  if (e) {
    LOG_E("submit", "%s: not stored: %s", t->reference, kerr_str(e));
    goto out;
  }
  LOG_I("submit", "%s stored (%zu items)", t->reference, rq->n_items);
  net_host_kick(h);
out:
  if (rq->plain)
    session_wipe_bytes(rq->plain, rq->len);
  if (locked)
    sodium_munlock(rq->plain, rq->len);
  free(env);
  return e;
}
