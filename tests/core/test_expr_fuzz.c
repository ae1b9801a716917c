/* expr: a short deterministic fuzz run in the normal test suite.
 *
 * Mutates a seed corpus of expressions with a fixed-seed PRNG (byte flips,
 * token insertions, deletions, duplications, splices) for FUZZ_ITERATIONS
 * rounds; each mutant is parsed, visited and evaluated, and the invariants
 * in fuzz_one() are checked. Under ASan/UBSan any overflow, leak or
 * undefined behaviour fails the test. The same parse+evaluate function is
 * the libFuzzer target in tests/fuzz/ for long runs. Also feeds mutated
 * screener documents to screener_load() for a smaller number of rounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/screener.h"
#include "fuzz/fuzz_env.h"

#define FUZZ_ITERATIONS 100000
#define SCREENER_ITERATIONS 1000
#define MAX_LEN (EXPR_MAX_SOURCE + 64)

static const char *const seeds[] = {
    "${income} / ${household_size} < std.dibao_urban_month",
    "count(${members}, ${member.age} >= 60 and not ${member.disabled}) > 0",
    "sum(${members}, ${member.income}) / count(${members}, true)",
    "if(${hukou} = 'urban', std.dibao_urban_month, std.dibao_rural_month)",
    "selected('dibao') or selected(${needs}, 'medicine')",
    "age_from_id(${id_number}) >= 60",
    "round(min(1.5, max(2, 3), -4) * 2.25, 2)",
    "answered(${income}) and ${income} != 0 and 1 / ${zero} > 1",
    "not (1 < 2) or \"a\\\"b\" = 'c' and true != false",
    "${big} * ${big} + ${big} - -${big}",
    "count(${members}, age_from_id(${member.id_number}) < 18)",
    "((((((((1))))))))",
    "(1 = 1) == true",
    "std.nothing + ${nothing}",
};

static const char *const tokens[] = {
    "${income}", "${member.age}", "${members}", "(", ")", ",", "'", "\"",
    "and ", " or ", "not ", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*",
    "/", "0", "1.5", "0.0001", "99999999999", "count(", "sum(", "if(",
    "min(", "max(", "round(", "selected(", "answered(", "age_from_id(",
    "std.", "std.dibao_urban_month", "${", "}", "true", "false", "\\", " ",
    "\xe4\xbd\x8e", "\xff", "\0"};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

/* One random edit of buf[0..*len) within cap. */
static void mutate(char *buf, size_t *len, size_t cap) {
  size_t n = *len;
  switch (rnd() % 7) {
  case 0: /* flip a byte */
    if (n)
      buf[below(n)] ^= (char)(1u << below(8));
    break;
  case 1: /* random byte */
    if (n)
      buf[below(n)] = (char)rnd();
    break;
  case 2:
  case 3: { /* insert a token */
    size_t t = below(sizeof tokens / sizeof tokens[0]);
    size_t tl = tokens[t][0] ? strlen(tokens[t]) : 1;
    size_t at = below(n + 1);
    if (n + tl <= cap) {
      memmove(buf + at + tl, buf + at, n - at);
      memcpy(buf + at, tokens[t], tl);
      *len = n + tl;
    }
    break;
  }
  case 4: { /* delete a range */
    if (!n)
      break;
    size_t at = below(n), k = 1 + below(n - at < 8 ? n - at : 8);
    memmove(buf + at, buf + at + k, n - at - k);
    *len = n - k;
    break;
  }
  case 5: { /* duplicate a range (grows nesting and length) */
    if (!n)
      break;
    size_t at = below(n), k = 1 + below(n - at);
    if (n + k <= cap) {
      memmove(buf + at + k, buf + at, n - at);
      *len = n + k;
    }
    break;
  }
  default: { /* splice the tail of another seed */
    const char *s = seeds[below(sizeof seeds / sizeof seeds[0])];
    size_t sl = strlen(s), from = below(sl), at = below(n + 1);
    if (at + (sl - from) <= cap) {
      memcpy(buf + at, s + from, sl - from);
      *len = at + (sl - from);
    }
    break;
  }
  }
}

int main(void) {
  static char buf[MAX_LEN];
  size_t nseeds = sizeof seeds / sizeof seeds[0];
  size_t parsed = 0, evaluated_ok = 0, failures = 0;

  /* Every seed itself parses. */
  for (size_t i = 0; i < nseeds; i++) {
    expr *e = NULL;
    expr_error err;
    CHECK_INT(expr_parse(seeds[i], strlen(seeds[i]), &e, &err), KERR_OK);
    expr_destroy(e);
  }

  /* A pool of inputs that parse: seeds first, then mutants that parsed
   * (replacing random entries once full), so mutations build on valid
   * structure and reach deep into the evaluator. */
  static char pool[256][512];
  static size_t pool_len[256];
  size_t npool = 0;
  for (size_t i = 0; i < nseeds; i++) {
    pool_len[npool] = strlen(seeds[i]);
    memcpy(pool[npool++], seeds[i], strlen(seeds[i]));
  }
  for (long it = 0; it < FUZZ_ITERATIONS; it++) {
    size_t from = below(npool), len = pool_len[from];
    memcpy(buf, pool[from], len);
    int rounds = 1 + (int)below(it % 64 == 0 ? 40 : 2);
    for (int k = 0; k < rounds; k++)
      mutate(buf, &len, sizeof buf);
    expr *e = NULL;
    expr_error err;
    if (expr_parse(buf, len, &e, &err) == KERR_OK) {
      parsed++;
      expr_value v;
      if (expr_eval(e, &fuzz_env, &v, &err) == KERR_OK)
        evaluated_ok++;
      expr_destroy(e);
      if (len <= sizeof pool[0]) {
        size_t to = npool < 256 ? npool++ : nseeds + below(256 - nseeds);
        memcpy(pool[to], buf, len);
        pool_len[to] = len;
      }
    }
    if (fuzz_one(buf, len)) {
      failures++;
      if (failures < 5)
        fprintf(stderr, "invariant broken on: %.*s\n", (int)len, buf);
    }
  }
  printf("expr fuzz: %d inputs, %zu parsed, %zu evaluated\n", FUZZ_ITERATIONS,
         parsed, evaluated_ok);
  CHECK_INT(failures, 0);
  /* The mutator must reach the evaluator, not only the lexer. */
  CHECK(parsed > FUZZ_ITERATIONS / 20);
  CHECK(evaluated_ok > FUZZ_ITERATIONS / 100);

  /* Mutated screener documents: loading never crashes or leaks. */
  {
    FILE *f = fopen(KIOSK_SOURCE_DIR "/assets/bundle/screener.json", "rb");
    static char doc[SCREENER_MAX_BYTES + 1];
    static char mut[SCREENER_MAX_BYTES + 1];
    size_t dl = f ? fread(doc, 1, SCREENER_MAX_BYTES, f) : 0;
    if (f)
      fclose(f);
    CHECK(dl > 0);
    size_t loaded = 0;
    for (int it = 0; it < SCREENER_ITERATIONS && dl; it++) {
      size_t ml = dl;
      memcpy(mut, doc, dl);
      int rounds = 1 + (int)below(3);
      for (int k = 0; k < rounds; k++)
        mutate(mut, &ml, SCREENER_MAX_BYTES);
      screener *s = NULL;
      content_problems p;
      content_problems_init(&p);
      if (screener_load(mut, ml, &s, &p) == KERR_OK) {
        loaded++;
        cJSON *a = cJSON_Parse("{\"household_size\":3,\"hukou\":\"urban\","
                               "\"income_month\":2000,\"crisis\":\"fire\"}");
        screener_standards st;
        screener_standards_init(&st);
        screener_standards_add(&st, "dibao_urban", 948000, SCREENER_PER_YEAR);
        screener_results r;
        CHECK_INT(screener_run(s, a, &st, NULL, &r), KERR_OK);
        screener_results_free(&r);
        cJSON_Delete(a);
        screener_destroy(s);
      } else {
        CHECK(s == NULL);
        CHECK(content_problems_count(&p) > 0);
      }
      content_problems_free(&p);
    }
    printf("screener fuzz: %d documents, %zu loaded\n", SCREENER_ITERATIONS,
           loaded);
    CHECK(loaded > 0);
  }
  return TEST_DONE();
}
