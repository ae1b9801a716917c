/* ime_host: see ime_host.h. Invariant: the chosen input method and the
 * engines' state never outlive a session (session_wipe -> host_wipe). */
#include "services/ime_host.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "core/log.h"

struct ime_host {
  ime_set set;
  svc_wake wake;
};

/* The handwriting worker's answer: wake the shell. */
static void hand_notify(void *ud) {
  ime_host *h = ud;
  svc_post(&h->wake, SVC_IME, 1, 0, 0);
}

static void host_wipe(void *ud) {
  ime_host *h = ud;
  if (h->set.pinyin) {
    kerr e = ime_pinyin_reset(h->set.pinyin);
    if (e)
      LOG_E("ime", "pinyin reset: %s", kerr_str(e));
  }
  if (h->set.hand)
    ime_hand_clear(h->set.hand);
  h->set.chinese = IME_CHINESE_PINYIN;
  h->set.generation++;
}

static int is_dir(const char *path) {
  struct stat st;
  return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

kerr ime_host_create(const ime_host_config *cfg, session *s, ime_host **out) {
  kerr e = KERR_OK;
  *out = NULL;
  ime_host *h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  if (cfg)
    h->wake = cfg->wake;
  ime_pinyin_config pc = {
      .data_dir = cfg ? cfg->rime_dir : NULL,
      .tmp_dir = cfg && is_dir(cfg->tmp_dir) ? cfg->tmp_dir : NULL};
  e = ime_pinyin_create(&pc, &h->set.pinyin);
  if (e) {
    LOG_E("ime", "pinyin unavailable: %s", kerr_str(e));
    h->set.pinyin = NULL;
  }
  ime_hand_config hc = {.model_path = cfg ? cfg->hand_model : NULL,
                        .pad_w = IME_HAND_PAD, .pad_h = IME_HAND_PAD,
                        .notify = hand_notify, .notify_ud = h};
  e = ime_hand_create(&hc, &h->set.hand);
  if (e) {
    LOG_E("ime", "handwriting unavailable: %s", kerr_str(e));
    h->set.hand = NULL;
  }
  e = session_add_wiper(s, host_wipe, h);
  if (e)
    goto out;
  *out = h;
  h = NULL;
out:
  ime_host_destroy(h);
  return e;
}

void ime_host_destroy(ime_host *h) {
  if (!h)
    return;
  ime_pinyin_destroy(h->set.pinyin);
  ime_hand_destroy(h->set.hand);
  free(h);
}

ime_set *ime_host_set(ime_host *h) { return h ? &h->set : NULL; }

bool ime_host_busy(ime_host *h) {
  if (!h)
    return false;
  if (h->set.pinyin && !ime_pinyin_ready(h->set.pinyin))
    return true;
  return h->set.hand && ime_hand_busy(h->set.hand);
}
