/* receipt_facts on the default bundle: each receipt holds only what its
 * own items and its own region say — Jincheng 低保 without Hebi's payment
 * day, Hebi 临时救助 without a monthly-payment step or 公示, children's
 * items without 公示 — and the materials of several items list the ID card
 * once. */
#include <stdio.h>
#include <string.h>

#include "core/content.h"
#include "core/receipt_facts.h"
#include "check.h"

/* Every text the receipt shows for these items in this region, joined. */
static void receipt_text(const content *c, const content_region *r,
                         const char *const *ids, size_t n, char *out,
                         size_t size) {
  receipt_facts f;
  size_t at = 0;
  receipt_facts_build(c, ids, n, &f);
#define PUT(s) at += (size_t)snprintf(out + at, at < size ? size - at : 0, "%s\n", s)
  for (size_t i = 0; i < f.n_items; i++) {
    PUT(f.items[i]->name);
    for (size_t j = 0; j < f.items[i]->n_steps; j++) {
      const content_step *st = &f.items[i]->steps[j];
      PUT(st->name);
      PUT(st->detail);
      PUT(receipt_facts_time_limit(r, st));
    }
  }
  for (size_t i = 0; i < f.n_materials; i++)
    PUT(f.materials[i]);
  PUT(r->where_to_apply);
#undef PUT
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

int main(void) {
  content *c = NULL;
  static char t[32768];
  CHECK_INT(content_load(KIOSK_SOURCE_DIR "/assets/bundle", &c, NULL),
            KERR_OK);
  if (!c)
    return TEST_DONE();
  const content_region *jc = content_region_find(c, "140500");
  const content_region *hb = content_region_find(c, "410600");
  CHECK(jc && hb);
  CHECK_STR(jc->payment_day, "");
  CHECK(strstr(hb->payment_day, "10日") != NULL);

  /* Jincheng 低保: its own steps, 公示 with what is posted, no Hebi day. */
  const char *dibao[] = {"dibao"};
  receipt_text(c, jc, dibao, 1, t, sizeof t);
  CHECK(strstr(t, "公示") != NULL);
  CHECK(strstr(t, "7天") != NULL);
  CHECK(strstr(t, "30个工作日") != NULL);
  CHECK(strstr(t, "每月发一次") != NULL);
  CHECK(strstr(t, "10日") == NULL);
  CHECK(strstr(t, "浙江") == NULL);
  CHECK(strstr(t, "鹤壁") == NULL);
  CHECK(strstr(t, "临时救助金") == NULL);
  /* The same in Hebi: the day is Hebi's. */
  receipt_text(c, hb, dibao, 1, t, sizeof t);
  CHECK(strstr(t, "每月10日前") != NULL);

  /* Hebi 临时救助: one-off, no 公示, no monthly payment, no 低保 steps. */
  const char *temp[] = {"temporary"};
  receipt_text(c, hb, temp, 1, t, sizeof t);
  CHECK(strstr(t, "临时救助") != NULL);
  CHECK(strstr(t, "先救助，后补手续") != NULL);
  CHECK(strstr(t, "公示") == NULL);
  CHECK(strstr(t, "每月") == NULL);
  CHECK(strstr(t, "30个工作日") == NULL);
  CHECK(strstr(t, "低保") == NULL);
  CHECK(strstr(t, "晋城") == NULL);

  /* Children: no 公示 step, nothing of 低保's process, no payment day
   * (the region's day is for 低保 and 特困). */
  const char *kids[] = {"children"};
  for (int k = 0; k < 2; k++) {
    receipt_text(c, k ? hb : jc, kids, 1, t, sizeof t);
    const receipt_facts *fp = NULL;
    receipt_facts f;
    receipt_facts_build(c, kids, 1, &f);
    fp = &f;
    CHECK_INT(fp->n_items, 1);
    for (size_t j = 0; j < fp->items[0]->n_steps; j++)
      CHECK(strcmp(fp->items[0]->steps[j].name, "公示") != 0);
    CHECK(strstr(t, "张贴") == NULL);
    CHECK(strstr(t, "10日") == NULL);
    CHECK(strstr(t, "低保") == NULL);
  }

  /* 低保 + 医疗救助 + 临时救助: the ID card once, in 低保's wording, and
   * lines all three ask for merged; unknown ids are skipped. */
  const char *three[] = {"temporary", "dibao", "medical", "nosuch"};
  receipt_facts f;
  receipt_facts_build(c, three, 4, &f);
  CHECK_INT(f.n_items, 3);
  CHECK_STR(f.items[0]->id, "temporary"); /* the order chosen */
  int ids = 0;
  for (size_t i = 0; i < f.n_materials; i++) {
    ids += count(f.materials[i], "身份证");
    for (size_t j = 0; j < i; j++)
      CHECK(strcmp(f.materials[i], f.materials[j]) != 0);
  }
  CHECK_INT(ids, 1);
  CHECK_STR(f.materials[0], "全家人的身份证、户口本");
  /* 临时救助 alone asks for the applicant's. */
  receipt_facts_build(c, temp, 1, &f);
  CHECK_STR(f.materials[0], "身份证");

  content_destroy(c);
  return TEST_DONE();
}
