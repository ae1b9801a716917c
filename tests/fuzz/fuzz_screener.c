/* Fuzz target: screener.json loading (bounded JSON, questions, values,
 * rules, reason templates), then a run on a fixed household when the
 * document loads. A loaded screener must run; a refused one must say why. */
#include <stdlib.h>

#include "core/screener.h"
#include "fuzz/fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  screener *s = NULL;
  content_problems p;
  content_problems_init(&p);
  kerr e = screener_load((const char *)data, size, &s, &p);
  if (e == KERR_OK) {
    cJSON *a = cJSON_Parse("{\"household_size\":3,\"hukou\":\"urban\","
                           "\"income_month\":2370,\"crisis\":\"disaster\","
                           "\"members\":[{\"age\":70},{\"age\":8}]}");
    screener_standards st;
    screener_standards_init(&st);
    screener_standards_add(&st, "dibao_urban", 948000, SCREENER_PER_YEAR);
    screener_standards_add(&st, "dibao_rural", 786000, SCREENER_PER_YEAR);
    validate_date today = {2025, 7, 1};
    screener_results r;
    if (!a || screener_run(s, a, &st, &today, &r) != KERR_OK)
      __builtin_trap();
    for (size_t i = 0; i < r.n_likely; i++)
      if (r.likely[i].n_reasons > SCREENER_MAX_REASONS)
        __builtin_trap();
    screener_results_free(&r);
    cJSON_Delete(a);
    for (size_t i = 0; i < screener_question_count(s); i++) {
      int ask;
      screener_question_relevant(s, i, NULL, &st, &today, &ask);
    }
    screener_destroy(s);
  } else if (s || content_problems_count(&p) == 0) {
    __builtin_trap();
  }
  content_problems_free(&p);
  return 0;
}
