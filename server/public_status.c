/* public_status: see public_status.h.
 *
 * Rate limits are those of the progress query, by client address: a caller
 * who has failed too often (a malformed link, an unknown reference or a
 * wrong token) is refused first, then every request takes from the status
 * allowance. Every candidate application with the reference is compared in
 * constant time, and an unknown reference is answered exactly like a
 * wrong token, so the page cannot be used to learn which references
 * exist. All answers are small HTML pages in plain words; nothing about a
 * failure is said beyond "this link is not right" or "nothing found". */
#include "public_status.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "intake.h"
#include "kiosk/core/log.h"
#include "srv_private.h"

void public_status_token(const char *uuid,
                         char out[PUBLIC_STATUS_TOKEN_CHARS + 1]) {
  static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
  static const char tag[] = "kiosk-receipt-v1|";
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash_state st;
  crypto_generichash_init(&st, NULL, 0, sizeof h);
  crypto_generichash_update(&st, (const unsigned char *)tag, sizeof tag - 1);
  crypto_generichash_update(&st, (const unsigned char *)uuid, strlen(uuid));
  crypto_generichash_final(&st, h, sizeof h);
  for (int i = 0; i < PUBLIC_STATUS_TOKEN_CHARS; i++) {
    int bit = i * 5, v = 0;
    for (int b = 0; b < 5; b++, bit++)
      v = (v << 1) | ((h[bit / 8] >> (7 - bit % 8)) & 1);
    out[i] = b32[v];
  }
  out[PUBLIC_STATUS_TOKEN_CHARS] = '\0';
}

int public_status_token_ok(const char *s) {
  if (!s || strlen(s) != PUBLIC_STATUS_TOKEN_CHARS)
    return 0;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '2' && *p <= '7')))
      return 0;
  return 1;
}

/* ---- the page ---- */

typedef struct page {
  struct buf b;
  kerr e; /* the first failure to grow */
} page;

static void put(page *p, const char *s) {
  if (!p->e)
    p->e = buf_add_str(&p->b, s);
}

/* Text into HTML: & < > " ' escaped. */
static void put_text(page *p, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': put(p, "&amp;"); break;
    case '<': put(p, "&lt;"); break;
    case '>': put(p, "&gt;"); break;
    case '"': put(p, "&quot;"); break;
    case '\'': put(p, "&#39;"); break;
    default:
      if (!p->e)
        p->e = buf_add(&p->b, s, 1);
    }
  }
}

static void head(page *p, const char *title) {
  put(p, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
         "<title>");
  put_text(p, title);
  put(p, "</title><style>"
         "body{font-family:sans-serif;font-size:18px;line-height:1.6;"
         "margin:0;padding:16px;color:#1a1a1a;background:#f6f2ea}"
         "main{max-width:640px;margin:0 auto}"
         "h1{font-size:24px;margin:0 0 12px}"
         ".ref{font-size:28px;font-weight:bold;color:#0d4a87;"
         "letter-spacing:1px}"
         "ol{list-style:none;padding:0}"
         "li{background:#fff;border:1px solid #cfc6b4;border-radius:8px;"
         "padding:12px;margin:10px 0}"
         ".item{font-weight:bold}.st{font-size:22px;color:#0d4a87}"
         ".day,.note{color:#555;font-size:16px}"
         "</style></head><body><main>\n<h1>");
  put_text(p, title);
  put(p, "</h1>\n");
}

static void tail(page *p, const char *hotline) {
  if (hotline && hotline[0]) {
    put(p, "<p class=\"note\">");
    put_text(p, hotline);
    put(p, "</p>\n");
  }
  put(p, "</main></body></html>\n");
}

/* "2026-11-22T10:00:00+08:00" -> "2026年11月22日". */
static void put_day(page *p, const char *iso) {
  int y, mo, d;
  char out[40];
  if (sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) == 3)
    snprintf(out, sizeof out, "%d年%d月%d日", y, mo, d);
  else
    snprintf(out, sizeof out, "%.30s", iso);
  put_text(p, out);
}

/* What each status means: the kiosk's words (progress.status.*.hint),
 * except that the office's notes are not on this page, so returned and
 * refused send the applicant to the window. */
static const char *status_hint(const char *status) {
  static const char *const hints[][2] = {
    {"submitted", "申请已经送到民政部门。"},
    {"accepted", "乡镇民政所已经受理。"},
    {"reviewing", "正在核对家庭经济状况，可能会到家里看一看。"},
    {"publicized", "正在村（社区）公示。"},
    {"approved", "已经审批，结果会告诉您。"},
    {"paid", "救助金已经发到社保卡（一卡通）上。"},
    {"returned", "需要补充材料。请带上回执到窗口问工作人员。"},
    {"refused", "这一项没有批下来。理由请带上回执到窗口问工作人员。"},
  };
  for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
    if (strcmp(hints[i][0], status) == 0)
      return hints[i][1];
  return "请到窗口问工作人员。";
}

static void put_status(page *p, const char *name, const char *status,
                       const char *at) {
  const char *label = flow_status_label(status);
  put(p, "<li><div class=\"item\">");
  put_text(p, name);
  put(p, "</div><div class=\"st\">");
  put_text(p, label ? label : "其他");
  put(p, "</div><div class=\"day\">");
  put(p, "办理日期：");
  put_day(p, at);
  put(p, "</div><div class=\"note\">");
  put_text(p, status_hint(status));
  put(p, "</div></li>\n");
}

static enum MHD_Result reply_page(srv_req *r, unsigned code, page *p,
                                  const char *const *extra) {
  const char *h[10] = {"Cache-Control", "no-store",
                       "Content-Security-Policy",
                       "default-src 'none'; style-src 'unsafe-inline'",
                       "Referrer-Policy", "no-referrer"};
  if (extra && extra[0] && extra[1]) { /* Retry-After */
    h[6] = extra[0];
    h[7] = extra[1];
  }
  return srv_reply(r, code, "text/html; charset=utf-8", buf_ptr(&p->b),
                   buf_len(&p->b), h);
}

/* A page with one plain message. */
static enum MHD_Result reply_message(srv_req *r, unsigned code,
                                     const char *title, const char *msg,
                                     const char *const *extra) {
  page p = {.e = KERR_OK};
  buf_init(&p.b, 16 * 1024);
  head(&p, title);
  put(&p, "<p>");
  put_text(&p, msg);
  put(&p, "</p>\n");
  tail(&p, r->s->cfg.public_hotline);
  enum MHD_Result ret =
      p.e ? srv_reply_error(r, 500, "internal", "page too large")
          : reply_page(r, code, &p, extra);
  buf_free(&p.b);
  return ret;
}

/* ---- the lookup ---- */

typedef struct pub_scan {
  char want[PUBLIC_STATUS_TOKEN_CHARS + 1];
  int found;
  char uuid[STORE_UUID_MAX + 1];
  char reference[STORE_REF_MAX + 1];
  char received[STORE_TIME_MAX + 1];
  char status[STORE_STATUS_MAX + 1];
  char kind[STORE_KIND_MAX + 1];
  char last_at[STORE_TIME_MAX + 1]; /* its own newest event, or received */
  store_item *items;                /* copied, n_items of them */
  size_t n_items;
  int nomem;
} pub_scan;

static int pub_each(void *ud, const store_progress *p) {
  pub_scan *sc = ud;
  const store_app *a = p->app;
  char t[PUBLIC_STATUS_TOKEN_CHARS + 1];
  public_status_token(a->uuid, t);
  /* Constant time per candidate; every candidate is compared. */
  if (sodium_memcmp(t, sc->want, PUBLIC_STATUS_TOKEN_CHARS) == 0 &&
      !sc->found) {
    sc->found = 1;
    snprintf(sc->uuid, sizeof sc->uuid, "%s", a->uuid);
    snprintf(sc->reference, sizeof sc->reference, "%s", a->reference);
    snprintf(sc->received, sizeof sc->received, "%s", a->received_at_text);
    snprintf(sc->status, sizeof sc->status, "%s", a->status);
    snprintf(sc->kind, sizeof sc->kind, "%s", a->kind);
    snprintf(sc->last_at, sizeof sc->last_at, "%s", a->received_at_text);
    for (size_t i = 0; i < p->n_events; i++)
      if (!p->events[i].item)
        snprintf(sc->last_at, sizeof sc->last_at, "%s", p->events[i].at_text);
    if (p->n_items) {
      sc->items = malloc(p->n_items * sizeof *sc->items);
      if (!sc->items) {
        sc->nomem = 1;
        return 1;
      }
      memcpy(sc->items, p->items, p->n_items * sizeof *sc->items);
      sc->n_items = p->n_items;
    }
  }
  return 0;
}

static const char *const TITLE = "申请办理进度";

enum MHD_Result public_status(srv_req *r) {
  srv *s = r->s;
  char key[80], ra[16];
  int retry = 0;
  double now = (double)srv_now(s);
  enum MHD_Result ret;
  snprintf(key, sizeof key, "a:%s", r->addr);
  if (!ratelimit_take(s->rl_fail, key, now, 0, &retry) ||
      !ratelimit_take(s->rl_status, key, now, 1, &retry)) {
    snprintf(ra, sizeof ra, "%d", retry);
    const char *const x[] = {"Retry-After", ra, NULL};
    char msg[160];
    snprintf(msg, sizeof msg, "查询太频繁了，请%d分钟后再试。",
             (retry + 59) / 60 < 1 ? 1 : (retry + 59) / 60);
    return reply_message(r, 429, TITLE, msg, x);
  }
  const char *ref_in = srv_query(r, "r");
  const char *tok = srv_query(r, "t");
  char ref[STORE_REF_MAX + 1] = "";
  /* A link copied by hand may come in lower case. */
  for (size_t i = 0; ref_in && ref_in[i] && i < STORE_REF_MAX; i++)
    ref[i] = (char)toupper((unsigned char)ref_in[i]);
  if (!ref_in || !tok || strlen(ref_in) > STORE_REF_MAX ||
      !intake_reference_ok(ref) || !public_status_token_ok(tok)) {
    ratelimit_take(s->rl_fail, key, now, 1, NULL);
    return reply_message(r, 400, TITLE,
                         "这个链接不完整，或者有错。请用手机再扫一次回执上的"
                         "二维码，或者到自助机上用查询编号查询。",
                         NULL);
  }
  pub_scan *sc = calloc(1, sizeof *sc);
  if (!sc)
    return MHD_NO;
  memcpy(sc->want, tok, PUBLIC_STATUS_TOKEN_CHARS);
  kerr err = store_app_progress(s->st, ref, pub_each, sc);
  if (!err && sc->nomem)
    err = KERR_NOMEM;
  if (err) {
    LOG_E("public", "store failed: %s", kerr_str(err));
    ret = reply_message(r, 500, TITLE,
                        "现在查不了，请过一会儿再试，或者到窗口问工作人员。",
                        NULL);
    goto out;
  }
  if (!sc->found) {
    ratelimit_take(s->rl_fail, key, now, 1, NULL);
    ret = reply_message(r, 404, TITLE,
                        "没有查到这份申请。刚提交的申请，如果当时网络不通，"
                        "可能还没送到，请过一会儿再查；或者到窗口问工作人员。",
                        NULL);
    goto out;
  }
  page p = {.e = KERR_OK};
  buf_init(&p.b, 64 * 1024);
  head(&p, TITLE);
  put(&p, "<p>查询编号</p><p class=\"ref\">");
  put_text(&p, sc->reference);
  put(&p, "</p>\n<p class=\"day\">收到申请：");
  put_day(&p, sc->received);
  put(&p, "</p>\n<ol>\n");
  for (size_t i = 0; i < sc->n_items; i++) {
    const store_item *it = &sc->items[i];
    const char *name = dept_item_name(s->depts, it->item);
    put_status(&p, name ? name : it->item, it->status, it->updated_at_text);
  }
  /* A referral or an application without items: its own status, dated
   * by its newest event. */
  if (sc->n_items == 0)
    put_status(&p, strcmp(sc->kind, "referral") == 0 ? "帮别人求助" : "申请",
               sc->status[0] ? sc->status : "submitted", sc->last_at);
  put(&p, "</ol>\n<p class=\"note\">这个页面只显示办理进度，不显示个人信息。"
          "请保管好回执，不要把二维码发给不认识的人。</p>\n");
  tail(&p, s->cfg.public_hotline);
  if (p.e) {
    ret = srv_reply_error(r, 500, "internal", "page too large");
  } else {
    ret = reply_page(r, 200, &p, NULL);
  }
  buf_free(&p.b);
out:
  free(sc->items);
  sodium_memzero(sc, sizeof *sc);
  free(sc);
  return ret;
}
