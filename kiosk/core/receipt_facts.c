/* receipt_facts: see receipt_facts.h. */
#include "core/receipt_facts.h"

#include <string.h>

static int chosen(const receipt_facts *f, const content_item *it) {
  for (size_t i = 0; i < f->n_items; i++)
    if (f->items[i] == it)
      return 1;
  return 0;
}

void receipt_facts_build(const content *c, const char *const *ids, size_t n,
                         receipt_facts *f) {
  const char *kinds[RECEIPT_FACTS_MATERIALS];
  memset(f, 0, sizeof *f);
  for (size_t i = 0; i < n && f->n_items < RECEIPT_FACTS_ITEMS; i++) {
    const content_item *it = content_item_find(c, ids[i]);
    if (it && !chosen(f, it))
      f->items[f->n_items++] = it;
  }
  /* Catalogue order, so the broadest wording of a kind comes first (低保
   * asks for everyone's 身份证、户口本; 临时救助 for the applicant's). */
  for (size_t i = 0; i < content_item_count(c); i++) {
    const content_item *it = content_item_at(c, i);
    if (!chosen(f, it))
      continue;
    for (size_t j = 0; j < it->n_materials; j++) {
      const char *m = it->materials[j];
      const char *k = it->material_kinds ? it->material_kinds[j] : "";
      int dup = 0;
      for (size_t x = 0; x < f->n_materials && !dup; x++)
        dup = strcmp(f->materials[x], m) == 0 ||
              (k[0] && strcmp(kinds[x], k) == 0);
      if (dup || f->n_materials == RECEIPT_FACTS_MATERIALS)
        continue;
      kinds[f->n_materials] = k;
      f->materials[f->n_materials++] = m;
    }
  }
}

const char *receipt_facts_time_limit(const content_region *r,
                                     const content_step *s) {
  if (s->paid_monthly && r && r->payment_day && r->payment_day[0])
    return r->payment_day;
  return s->time_limit;
}
