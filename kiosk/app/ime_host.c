/* ime_host: see ime_host.h. Invariant: the chosen input method and the
 * engines' state never outlive a session (session_wipe -> host_wipe). */
#include "app/ime_host.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "app/app_private.h"
#include "core/log.h"

struct ime_host {
  ime_pinyin *pinyin;
  ime_hand *hand;
  ime_host_chinese chinese;
  unsigned generation;
};

static void host_wipe(void *ud) {
  ime_host *h = ud;
  if (h->pinyin) {
    kerr e = ime_pinyin_reset(h->pinyin);
    if (e)
      LOG_E("ime", "pinyin reset: %s", kerr_str(e));
  }
  if (h->hand)
    ime_hand_clear(h->hand);
  h->chinese = IME_HOST_PINYIN;
  h->generation++;
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
  ime_pinyin_config pc = {
      .data_dir = cfg ? cfg->rime_dir : NULL,
      .tmp_dir = cfg && is_dir(cfg->tmp_dir) ? cfg->tmp_dir : NULL};
  e = ime_pinyin_create(&pc, &h->pinyin);
  if (e) {
    LOG_E("ime", "pinyin unavailable: %s", kerr_str(e));
    h->pinyin = NULL;
  }
  ime_hand_config hc = {.model_path = cfg ? cfg->hand_model : NULL,
                        .pad_w = IME_HOST_PAD, .pad_h = IME_HOST_PAD};
  e = ime_hand_create(&hc, &h->hand);
  if (e) {
    LOG_E("ime", "handwriting unavailable: %s", kerr_str(e));
    h->hand = NULL;
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
  ime_pinyin_destroy(h->pinyin);
  ime_hand_destroy(h->hand);
  free(h);
}

ime_pinyin *ime_host_pinyin(ime_host *h) { return h ? h->pinyin : NULL; }
ime_hand *ime_host_hand(ime_host *h) { return h ? h->hand : NULL; }

ime_host_chinese ime_host_chinese_get(const ime_host *h) {
  return h ? h->chinese : IME_HOST_PINYIN;
}

void ime_host_chinese_set(ime_host *h, ime_host_chinese c) {
  if (h)
    h->chinese = c;
}

unsigned ime_host_generation(const ime_host *h) {
  return h ? h->generation : 0;
}

ime_host *app_ime(app *a) { return a->ime; }

bool ime_host_busy(ime_host *h) {
  if (!h)
    return false;
  if (h->pinyin && !ime_pinyin_ready(h->pinyin))
    return true;
  return h->hand && ime_hand_busy(h->hand);
}
