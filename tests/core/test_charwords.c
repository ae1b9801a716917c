/* charwords: the table of a word per character loads, is searched, and a
 * broken or unordered file is refused whole; the table this build wrote
 * from rime's pinyin table tells characters that sound alike apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/charwords.h"

static char dir[] = "/tmp/kiosk-charwords-XXXXXX";

/* Writes text to a file in dir and loads it. */
static kerr load_text(const char *text, charwords **out) {
  char path[256];
  snprintf(path, sizeof path, "%s/t.tsv", dir);
  FILE *f = fopen(path, "w");
  if (!f)
    return KERR_IO;
  fputs(text, f);
  fclose(f);
  kerr e = charwords_load(path, out);
  unlink(path);
  return e;
}

int main(void) {
  if (!mkdtemp(dir))
    return 1;
  charwords *t = NULL;
  /* Sorted by bytes: 李 E6 9D 8E, 理 E7 90 86, 里 E9 87 8C. */
  CHECK_INT(load_text("李\t行李\n理\t管理\n里\t这里\n", &t), KERR_OK);
  CHECK_INT(charwords_count(t), 3);
  CHECK_STR(charwords_find(t, "李"), "行李");
  CHECK_STR(charwords_find(t, "里"), "这里");
  CHECK_STR(charwords_find(t, "理"), "管理");
  CHECK(charwords_find(t, "力") == NULL);   /* not in it */
  CHECK(charwords_find(t, "李里") == NULL); /* not one character */
  CHECK(charwords_find(t, "") == NULL);
  CHECK(charwords_find(t, "\xE6\x9D") == NULL); /* a cut character */
  CHECK(charwords_find(NULL, "李") == NULL);
  charwords_free(t);
  /* Without a newline at the end. */
  CHECK_INT(load_text("李\t行李", &t), KERR_OK);
  CHECK_STR(charwords_find(t, "李"), "行李");
  charwords_free(t);

  /* Refused whole, never half used. */
  static const char *const broken[] = {
      "里\t这里\n李\t行李\n",   /* out of order */
      "李\t行李\n李\t李白\n",   /* twice */
      "李里\t行李\n",           /* two characters */
      "李\t管理\n",             /* the word lacks it */
      "李\n",                   /* no word */
      "李\t\n",                 /* an empty word */
      "李\t行李\tx\n",          /* a third column */
      "\xE6\x9D\t行李\n",       /* invalid UTF-8 */
      "李\t行李行李行李行李\n", /* a word too long */
      "李\t行李\n\n",           /* an empty line */
      "",                       /* nothing */
  };
  for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
    t = (charwords *)1;
    CHECK_INT(load_text(broken[i], &t), KERR_PARSE);
    CHECK(t == NULL);
  }
  CHECK_INT(charwords_load("/nonexistent/charwords.tsv", &t), KERR_NOTFOUND);
  CHECK(t == NULL);
  rmdir(dir);

  /* The table this build deployed (tools/charwords): homophones get
   * different words, each holding its character. */
  char path[512];
  snprintf(path, sizeof path, "%s/charwords.tsv", KIOSK_TEST_RIME_DIR);
  CHECK_INT(charwords_load(path, &t), KERR_OK);
  CHECK(charwords_count(t) > 3000);
  static const char *const li[] = {"李", "里", "理", "力", "立", "丽"};
  const char *seen[6] = {0};
  for (size_t i = 0; i < 6; i++) {
    const char *w = charwords_find(t, li[i]);
    CHECK(w != NULL);
    if (!w)
      continue;
    CHECK(strstr(w, li[i]) != NULL);
    for (size_t j = 0; j < i; j++)
      CHECK(!seen[j] || strcmp(seen[j], w) != 0);
    seen[i] = w;
  }
  /* Simplified, as the keyboard shows them: 陈 and not 陳. */
  CHECK(charwords_find(t, "陈") != NULL);
  CHECK(charwords_find(t, "陳") == NULL);
  charwords_free(t);
  return TEST_DONE();
}
