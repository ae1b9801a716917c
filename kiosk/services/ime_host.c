/* ime_host: see ime_host.h. Invariants: the chosen input method and the
 * engines' state never outlive a session (session_wipe -> host_wipe);
 * engines exist only between a want and their release, and never after
 * ime_host_close(). */
#include "services/ime_host.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/charwords.h"
#include "core/log.h"

struct ime_host {
  ime_set set;
  charwords *words; /* set.words, owned */
  ime_host_config cfg;
  session *sess;
  uint64_t used_ms;  /* session clock at the last want or session end */
  bool touched;      /* wanted or a session ended since the last tick */
  bool tried_pinyin; /* ime_pinyin_create() called since the last release */
  bool tried_hand;   /* ime_hand_create() likewise */
  bool tried_words;  /* charwords_load() called (once for the host's life) */
  bool closed;
};

/* An engine has loaded or has an answer: wake the shell. */
static void engine_notify(void *ud) {
  ime_host *h = ud;
  svc_post(&h->cfg.wake, SVC_IME, 1, 0, 0);
}

static int is_dir(const char *path) {
  struct stat st;
  return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void load_pinyin(ime_host *h) {
  ime_pinyin_config pc = {
      .data_dir = h->cfg.rime_dir,
      .tmp_dir = is_dir(h->cfg.tmp_dir) ? h->cfg.tmp_dir : NULL,
      .notify = engine_notify, .notify_ud = h};
  kerr e = ime_pinyin_create(&pc, &h->set.pinyin);
  h->tried_pinyin = true;
  if (e) {
    LOG_E("ime", "pinyin unavailable: %s", kerr_str(e));
    h->set.pinyin = NULL;
  } else {
    LOG_I("ime", "pinyin loading");
  }
}

static void load_hand(ime_host *h) {
  ime_hand_config hc = {.model_path = h->cfg.hand_model,
                        .pad_w = IME_HAND_PAD, .pad_h = IME_HAND_PAD,
                        .notify = engine_notify, .notify_ud = h};
  kerr e = ime_hand_create(&hc, &h->set.hand);
  h->tried_hand = true;
  if (e) {
    LOG_E("ime", "handwriting unavailable: %s", kerr_str(e));
    h->set.hand = NULL;
  } else {
    LOG_I("ime", "handwriting loading");
  }
}

static void host_release(ime_host *h) {
  if (!h->tried_pinyin && !h->tried_hand)
    return;
  ime_pinyin_destroy(h->set.pinyin);
  ime_hand_destroy(h->set.hand);
  h->set.pinyin = NULL;
  h->set.hand = NULL;
  h->tried_pinyin = h->tried_hand = false;
  /* librime and zinnia free many small blocks: give the pages back. */
  malloc_trim(0);
  LOG_I("ime", "input methods released");
}

/* The words said with candidates (~70 KiB), read with the first engine
 * asked for and kept: nothing at start. Without them a candidate is read
 * alone. */
static void load_words(ime_host *h) {
  h->tried_words = true;
  if (!h->cfg.rime_dir)
    return;
  char path[1024];
  snprintf(path, sizeof path, "%s/charwords.tsv", h->cfg.rime_dir);
  kerr e = charwords_load(path, &h->words);
  if (e)
    LOG_W("ime", "%s: %s: candidates are read without a word", path,
          kerr_str(e));
  h->set.words = h->words;
}

static void host_want(void *ud, ime_chinese which) {
  ime_host *h = ud;
  if (h->closed)
    return;
  h->touched = true;
  if (!h->tried_words)
    load_words(h);
  if (which == IME_CHINESE_HAND && !h->tried_hand)
    load_hand(h);
  else if (which == IME_CHINESE_PINYIN && !h->tried_pinyin)
    load_pinyin(h);
}

static void host_wipe(void *ud) {
  ime_host *h = ud;
  if (h->cfg.release_after_s == 0) {
    host_release(h);
  } else if (h->set.pinyin) {
    kerr e = ime_pinyin_reset(h->set.pinyin);
    if (e)
      LOG_E("ime", "pinyin reset: %s", kerr_str(e));
  }
  if (h->set.hand)
    ime_hand_clear(h->set.hand);
  h->set.chinese = IME_CHINESE_PINYIN;
  h->set.generation++;
  h->touched = true;
}

kerr ime_host_create(const ime_host_config *cfg, session *s, ime_host **out) {
  kerr e;
  *out = NULL;
  ime_host *h = calloc(1, sizeof *h);
  if (!h)
    return KERR_NOMEM;
  if (cfg)
    h->cfg = *cfg;
  if (h->cfg.release_after_s < 0)
    h->cfg.release_after_s = 0;
  h->sess = s;
  h->set.want = host_want;
  h->set.want_ud = h;
  e = session_add_wiper(s, host_wipe, h);
  if (e) {
    free(h);
    return e;
  }
  *out = h;
  return KERR_OK;
}

void ime_host_destroy(ime_host *h) {
  if (!h)
    return;
  host_release(h);
  charwords_free(h->words);
  free(h);
}

ime_set *ime_host_set(ime_host *h) { return h ? &h->set : NULL; }

uint64_t ime_host_tick(ime_host *h, uint64_t now_ms) {
  uint64_t idle_ms, due;
  if (!h || (!h->tried_pinyin && !h->tried_hand))
    return UINT64_MAX;
  if (h->touched) {
    h->used_ms = now_ms;
    h->touched = false;
  }
  idle_ms = (uint64_t)h->cfg.release_after_s * 1000u;
  due = h->used_ms + idle_ms;
  /* Never while someone uses the kiosk, nor under a load (destroying
   * would wait for it on the UI thread): the next tick will see. */
  if (h->sess->state != SESSION_IDLE)
    return idle_ms ? idle_ms : 1000;
  if (now_ms < due)
    return due - now_ms;
  if (ime_host_busy(h))
    return 200;
  host_release(h);
  return UINT64_MAX;
}

void ime_host_close(ime_host *h) {
  if (!h)
    return;
  host_release(h);
  h->closed = true;
}

bool ime_host_busy(ime_host *h) {
  if (!h)
    return false;
  if (h->set.pinyin && ime_pinyin_loading(h->set.pinyin))
    return true;
  return h->set.hand && ime_hand_busy(h->set.hand);
}
