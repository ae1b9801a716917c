/* linebreak: Chinese line-breaking rules with a fixed-width measure
 * (every CJK character 10 px, every other character 5 px). */
#include "check.h"
#include "core/linebreak.h"
#include "core/utf8.h"

static int measure(void *ud, const char *s, size_t n) {
  (void)ud;
  int w = 0;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t k = utf8_decode(s + i, n - i, &cp);
    if (!k)
      k = 1;
    w += cp < 0x2E80 ? 5 : 10;
    i += k;
  }
  return w;
}

/* Wraps and joins lines with '|' into out. Returns the line count. */
static size_t wrap(const char *text, int width, char *out, size_t outlen) {
  linebreak_line lines[64];
  size_t n = linebreak_wrap(text, strlen(text), width, measure, NULL, lines, 64);
  out[0] = '\0';
  size_t pos = 0;
  for (size_t i = 0; i < n && i < 64; i++) {
    if (i)
      out[pos++] = '|';
    memcpy(out + pos, text + lines[i].start, lines[i].len);
    pos += lines[i].len;
    out[pos] = '\0';
    (void)outlen;
  }
  return n;
}

static void check_rules(const char *text, int width) {
  linebreak_line lines[64];
  size_t n = linebreak_wrap(text, strlen(text), width, measure, NULL, lines, 64);
  for (size_t i = 0; i < n; i++) {
    uint32_t first, last = 0;
    utf8_decode(text + lines[i].start, lines[i].len, &first);
    size_t ll = utf8_last_len(text + lines[i].start, lines[i].len);
    if (ll)
      utf8_decode(text + lines[i].start + lines[i].len - ll, ll, &last);
    if (i > 0)
      CHECK(!linebreak_is_no_start(first));
    if (i + 1 < n)
      CHECK(!linebreak_is_no_end(last));
    CHECK(lines[i].width <= width);
  }
}

int main(void) {
  char out[512];

  /* Plain CJK: 40 px holds four characters. */
  CHECK_INT(wrap("一二三四五六七八", 40, out, sizeof out), 2);
  CHECK_STR(out, "一二三四|五六七八");

  /* A comma never starts a line: it stays with the character before it,
   * which moves to the next line. */
  CHECK_INT(wrap("一二三四，五六", 40, out, sizeof out), 2);
  CHECK_STR(out, "一二三|四，五六");

  /* Full stop and closing quote never start a line either. */
  wrap("他说「好的」。再见", 50, out, sizeof out);
  CHECK_STR(out, "他说「好|的」。再见");
  check_rules("他说「好的」。再见", 50);

  /* An opening bracket never ends a line. */
  wrap("一二三（四五）六", 40, out, sizeof out);
  CHECK_STR(out, "一二三|（四五）|六");

  /* Numbers are not split: 9,480 moves whole to the next line. */
  wrap("标准为9,480元", 50, out, sizeof out);
  CHECK_STR(out, "标准为|9,480元");
  wrap("标准为9,480元", 30, out, sizeof out);
  CHECK_STR(out, "标准为|9,480|元");

  /* Latin words break at spaces, never inside. */
  wrap("hello world again", 60, out, sizeof out);
  CHECK_STR(out, "hello world|again");
  wrap("hello world again", 40, out, sizeof out);
  CHECK_STR(out, "hello|world|again");

  /* A word wider than the line is split as a last resort. */
  CHECK_INT(wrap("abcdefghij", 20, out, sizeof out), 3);
  CHECK_STR(out, "abcd|efgh|ij");

  /* Explicit newlines, and empty lines between paragraphs. */
  CHECK_INT(wrap("一二\n\n三", 100, out, sizeof out), 3);
  CHECK_STR(out, "一二||三");

  /* A longer policy sentence obeys every rule at many widths. */
  const char *policy =
      "低保标准：城市每人每月790元（以当地最新公布为准）。"
      "申请时请带好身份证、户口簿，以及“家庭收入”证明；"
      "办理时间一般为20个工作日！";
  for (int w = 30; w <= 400; w += 7)
    check_rules(policy, w);

  /* max_lines smaller than needed: the total is still reported. */
  linebreak_line few[1];
  CHECK_INT(linebreak_wrap("一二三四五六", strlen("一二三四五六"), 20, measure,
                           NULL, few, 1),
            3);
  CHECK_INT(few[0].len, 6);

  /* Invalid UTF-8 does not crash or loop. */
  const char bad[] = "\xE4\xB8\xFF\xFF abc \xC0";
  CHECK(linebreak_wrap(bad, sizeof bad - 1, 10, measure, NULL, few, 1) >= 1);

  return TEST_DONE();
}
