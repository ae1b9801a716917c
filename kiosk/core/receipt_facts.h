/* receipt_facts: what a receipt says about the items chosen, taken only
 * from those items in the catalogue and from the kiosk's region.
 *
 * The materials of all chosen items, each kind of paper once (an item's
 * material line may name its kind, "id_card"; the first item in catalogue
 * order that asks for a kind says it, and identical lines are merged too);
 * each item's own steps and time limits (an item without a 公示 step has
 * none on its receipt); a monthly-payment step takes its day from the
 * region's payment_day when the region has one. Nothing here comes from
 * another item or region. Pure: no display, no I/O. */
#ifndef KIOSK_CORE_RECEIPT_FACTS_H
#define KIOSK_CORE_RECEIPT_FACTS_H

#include <stddef.h>

#include "core/content.h"

#define RECEIPT_FACTS_ITEMS 16
#define RECEIPT_FACTS_MATERIALS 64

typedef struct receipt_facts {
  const content_item *items[RECEIPT_FACTS_ITEMS]; /* in the order chosen */
  size_t n_items;
  const char *materials[RECEIPT_FACTS_MATERIALS];
  size_t n_materials;
} receipt_facts;

/* Fills f for the item ids (unknown ids are skipped; at most
 * RECEIPT_FACTS_ITEMS). Every pointer is borrowed from c. */
void receipt_facts_build(const content *c, const char *const *ids, size_t n,
                         receipt_facts *f);

/* The time limit to show for step s in region r: the region's payment day
 * for a monthly-payment step when the region has one, else the step's. */
const char *receipt_facts_time_limit(const content_region *r,
                                     const content_step *s);

#endif
