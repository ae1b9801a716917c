/* Reference numbers: format, uniqueness over the whole sequence space, and
 * detection of every single-character error and adjacent transposition. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "net/refno.h"

static unsigned char *seen_create(void) {
  return calloc(REFNO_SEQ_COUNT / 8 + 1, 1);
}

/* Index of the raw (non-hyphen) characters in the canonical form. */
static const int raw_pos[7] = {0, 1, 3, 4, 5, 6, 8};

int main(void) {
  char ref[REFNO_BUF], canon[REFNO_BUF], prefix[3];
  uint32_t seq = 0;
  unsigned long caught_sub = 0, caught_swap = 0;
  unsigned char *seen;
  unsigned rng = 12345;

  /* Shape and a known value. */
  CHECK_INT(refno_format("JC", 0, ref), KERR_OK);
  CHECK_INT(strlen(ref), REFNO_LEN);
  CHECK(ref[2] == '-' && ref[7] == '-');
  CHECK(strncmp(ref, "JC-3333-", 8) == 0);
  CHECK_INT(refno_normalize(ref, canon), KERR_OK);
  CHECK_STR(canon, ref);

  /* Bad prefixes and ranges. */
  CHECK_INT(refno_format("J0", 1, ref), KERR_INVALID);
  CHECK_INT(refno_format("jc", 1, ref), KERR_INVALID);
  CHECK_INT(refno_format("JCK", 1, ref), KERR_INVALID);
  CHECK_INT(refno_format(NULL, 1, ref), KERR_INVALID);
  CHECK_INT(refno_format("JC", REFNO_SEQ_COUNT, ref), KERR_RANGE);
  CHECK_INT(refno_format("JC", REFNO_SEQ_COUNT - 1, ref), KERR_OK);
  CHECK(strncmp(ref, "JC-YYYY-", 8) == 0);

  /* Lenient input: lower case, no hyphens, spaces. */
  CHECK_INT(refno_format("JC", 4242, ref), KERR_OK);
  {
    char typed[32];
    size_t n = 0;
    for (size_t i = 0; ref[i]; i++)
      if (ref[i] != '-')
        typed[n++] = (char)(ref[i] | 0x20);
    typed[n] = '\0';
    CHECK_INT(refno_normalize(typed, canon), KERR_OK);
    CHECK_STR(canon, ref);
    CHECK_INT(refno_parse(typed, prefix, &seq), KERR_OK);
    CHECK_STR(prefix, "JC");
    CHECK_INT(seq, 4242);
  }
  CHECK_INT(refno_normalize("", canon), KERR_PARSE);
  CHECK_INT(refno_normalize(NULL, canon), KERR_PARSE);
  CHECK_INT(refno_normalize("JC-7K4M-XX", canon), KERR_PARSE);
  CHECK_INT(refno_normalize("JC-0K4M-X", canon), KERR_PARSE);
  CHECK_INT(refno_normalize("JC-7K4M-X/../../x", canon), KERR_PARSE);
  {
    char longs[200];
    memset(longs, '-', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    CHECK_INT(refno_normalize(longs, canon), KERR_PARSE);
  }

  /* Every sequence of one prefix gives a distinct, valid reference that
   * parses back to its sequence. */
  seen = seen_create();
  CHECK(seen != NULL);
  {
    unsigned long bad = 0;
    for (uint32_t s = 0; s < REFNO_SEQ_COUNT; s++) {
      uint32_t back = 0;
      if (refno_format("JC", s, ref) != KERR_OK ||
          refno_parse(ref, NULL, &back) != KERR_OK || back != s)
        bad++;
      if (seen[back / 8] & (1u << (back % 8)))
        bad++;
      seen[back / 8] |= (unsigned char)(1u << (back % 8));
    }
    CHECK_INT(bad, 0);
  }
  free(seen);

  /* Single-character substitutions and adjacent transpositions, over every
   * 7th sequence of several prefixes (about 160 000 references). */
  {
    const char *prefixes[] = {"JC", "34", "YX", "AA"};
    unsigned long missed = 0;
    for (int p = 0; p < 4; p++) {
      for (uint32_t s = (uint32_t)p; s < REFNO_SEQ_COUNT; s += 7) {
        if (refno_format(prefixes[p], s, ref) != KERR_OK) {
          missed++;
          continue;
        }
        /* One random substitution per position per sample keeps this fast;
         * the exhaustive sweep over all 22 substitutes runs on a subset. */
        for (int i = 0; i < 7; i++) {
          char bad[REFNO_BUF];
          int full = (s % 97) == 0;
          for (int k = 0; k < REFNO_RADIX; k++) {
            int pick = full ? k : (int)((rng = rng * 1103515245u + 12345u) >> 16) % REFNO_RADIX;
            memcpy(bad, ref, REFNO_BUF);
            bad[raw_pos[i]] = REFNO_ALPHABET[pick];
            if (strcmp(bad, ref) != 0) {
              if (refno_normalize(bad, NULL) == KERR_OK)
                missed++;
              else
                caught_sub++;
            }
            if (!full)
              break;
          }
        }
        for (int i = 0; i + 1 < 7; i++) {
          char bad[REFNO_BUF];
          memcpy(bad, ref, REFNO_BUF);
          bad[raw_pos[i]] = ref[raw_pos[i + 1]];
          bad[raw_pos[i + 1]] = ref[raw_pos[i]];
          if (strcmp(bad, ref) == 0)
            continue;
          if (refno_normalize(bad, NULL) == KERR_OK)
            missed++;
          else
            caught_swap++;
        }
      }
    }
    CHECK_INT(missed, 0);
    CHECK(caught_sub > 150000);
    CHECK(caught_swap > 150000);
  }
  printf("caught %lu substitutions, %lu transpositions\n", caught_sub,
         caught_swap);
  return TEST_DONE();
}
