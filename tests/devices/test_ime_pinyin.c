/* Tests for ime_pinyin against the real librime engine and the schema
 * deployed into the build tree: candidates for names and addresses, ü as v,
 * backspace, paging to rare name characters, picking, committing, limits,
 * and that ime_pinyin_reset() forgets everything the previous applicant
 * taught the engine. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/ime.h"

#define PAGE 9

static ime_pinyin *open_engine(const char *tmp) {
  ime_pinyin_config cfg = {.data_dir = KIOSK_TEST_RIME_DIR, .tmp_dir = tmp};
  ime_pinyin *p = NULL;
  kerr err = ime_pinyin_create(&cfg, &p);
  CHECK_INT(err, KERR_OK);
  if (err) return NULL;
  /* Keys before the engine is loaded are refused, never lost silently. */
  if (!ime_pinyin_ready(p)) {
    bool handled = true;
    kerr e = ime_pinyin_feed(p, 'a', &handled);
    CHECK(e == KERR_BUSY || e == KERR_OK);
    if (e == KERR_BUSY) CHECK(!handled);
    else ime_pinyin_clear(p);
  }
  CHECK_INT(ime_pinyin_wait(p), KERR_OK);
  CHECK(ime_pinyin_ready(p));
  return p;
}

static void type(ime_pinyin *p, const char *keys) {
  for (; *keys; keys++) {
    bool handled = false;
    CHECK_INT(ime_pinyin_feed(p, *keys, &handled), KERR_OK);
    CHECK(handled);
  }
}

static void key(ime_pinyin *p, int k, bool want_handled) {
  bool handled = !want_handled;
  CHECK_INT(ime_pinyin_feed(p, k, &handled), KERR_OK);
  CHECK_INT(handled, want_handled);
}

static int find_on_page(const ime_pinyin_view *v, const char *text) {
  for (int i = 0; i < v->n; i++)
    if (strcmp(v->cand[i].text, text) == 0) return i;
  return -1;
}

/* Absolute rank (page * PAGE + index) of text within max_pages pages of the
 * current composition, or -1; leaves the menu on the page where it was
 * found. */
static int find_rank(ime_pinyin *p, const char *text, int max_pages) {
  const ime_pinyin_view *v = ime_pinyin_view_get(p);
  for (int pg = 0; pg < max_pages; pg++) {
    int i = find_on_page(v, text);
    if (i >= 0) return v->page * PAGE + i;
    if (!v->has_more) break;
    int before = v->page;
    key(p, IME_KEY_PAGE_DOWN, true);
    CHECK_INT(v->page, before + 1);
  }
  return -1;
}

static void take(ime_pinyin *p, const char *want) {
  char buf[IME_PINYIN_COMMIT_MAX];
  CHECK_INT(ime_pinyin_take_commit(p, buf, sizeof buf), KERR_OK);
  CHECK_STR(buf, want);
}

static void test_name_and_space(ime_pinyin *p) {
  type(p, "zhangsan");
  const ime_pinyin_view *v = ime_pinyin_view_get(p);
  CHECK_STR(v->preedit, "zhang san");
  CHECK_INT(v->n, PAGE);
  CHECK_STR(v->cand[0].text, "张三");
  CHECK_INT(v->page, 0);
  CHECK(v->has_more);
  key(p, IME_KEY_SPACE, true);
  CHECK_STR(v->preedit, "");
  CHECK_INT(v->n, 0);
  take(p, "张三");
  take(p, ""); /* taken once only */
  /* With nothing composed, space belongs to the text field. */
  key(p, IME_KEY_SPACE, false);
}

static void test_v_for_u(ime_pinyin *p) {
  type(p, "lv");
  const ime_pinyin_view *v = ime_pinyin_view_get(p);
  CHECK_STR(v->preedit, "lü");
  int i = find_on_page(v, "吕");
  CHECK(i >= 0);
  CHECK_INT(ime_pinyin_select(p, i), KERR_OK);
  take(p, "吕");
  CHECK_STR(v->preedit, "");
}

/* A name the dictionary does not know: pick the surname, then the given
 * name is offered as one phrase. */
static void test_multi_syllable(ime_pinyin *p) {
  type(p, "lvxiaoming");
  const ime_pinyin_view *v = ime_pinyin_view_get(p);
  CHECK_STR(v->preedit, "lü xiao ming");
  CHECK(strlen(v->cand[0].text) == 9); /* a three-character sentence */
  int i = find_on_page(v, "吕");
  CHECK(i >= 0);
  CHECK_INT(ime_pinyin_select(p, i), KERR_OK);
  take(p, ""); /* nothing committed until the whole input is converted */
  CHECK_STR(v->preedit, "吕xiao ming");
  CHECK_STR(v->cand[0].text, "小明");
  CHECK_INT(ime_pinyin_select(p, 0), KERR_OK);
  take(p, "吕小明");

  /* An address, committed with a digit key. */
  type(p, "hebeishengshijiazhuangshi");
  CHECK_STR(v->cand[0].text, "河北省石家庄市");
  key(p, '1', true);
  take(p, "河北省石家庄市");
}

static void test_backspace(ime_pinyin *p) {
  type(p, "zhangsan");
  const ime_pinyin_view *v = ime_pinyin_view_get(p);
  for (int k = 0; k < 2; k++) key(p, IME_KEY_BACKSPACE, true);
  CHECK_STR(v->preedit, "zhang s");
  CHECK_STR(v->cand[0].text, "张三"); /* s abbreviates san */
  for (int k = 0; k < 5; k++) key(p, IME_KEY_BACKSPACE, true);
  CHECK_STR(v->preedit, "z");
  CHECK(v->n > 0);
  key(p, IME_KEY_BACKSPACE, true);
  CHECK_STR(v->preedit, "");
  CHECK_INT(v->n, 0);
  take(p, "");
  /* Nothing left: backspace and digits go to the text field. */
  key(p, IME_KEY_BACKSPACE, false);
  key(p, '3', false);
  take(p, "");
}

static void test_paging(ime_pinyin *p) {
  type(p, "shi");
  const ime_pinyin_view *v = ime_pinyin_view_get(p);
  char first[IME_PINYIN_TEXT_MAX];
  snprintf(first, sizeof first, "%s", v->cand[0].text);
  CHECK_INT(v->page, 0);
  CHECK(v->has_more);
  key(p, IME_KEY_PAGE_DOWN, true);
  CHECK_INT(v->page, 1);
  CHECK_INT(v->n, PAGE);
  CHECK_INT(find_on_page(v, first), -1);
  char second[IME_PINYIN_TEXT_MAX];
  snprintf(second, sizeof second, "%s", v->cand[0].text);
  key(p, IME_KEY_PAGE_DOWN, true);
  CHECK_INT(v->page, 2);
  key(p, IME_KEY_PAGE_UP, true);
  CHECK_INT(v->page, 1);
  CHECK_STR(v->cand[0].text, second);
  key(p, IME_KEY_PAGE_UP, true);
  CHECK_INT(v->page, 0);
  CHECK_STR(v->cand[0].text, first);
  /* Picking on a later page commits that page's candidate. */
  key(p, IME_KEY_PAGE_DOWN, true);
  key(p, '1', true);
  take(p, second);
  CHECK_INT(ime_pinyin_select(p, 0), KERR_RANGE); /* nothing composed */
}

/* Rare characters of given names are reachable within a few pages. */
static void test_rare_name_characters(ime_pinyin *p) {
  static const struct {
    const char *keys, *ch;
  } rare[] = {{"kun", "堃"}, {"zhe", "喆"}, {"yu", "昱"}, {"xin", "鑫"},
              {"yan", "琰"}, {"han", "晗"}};
  for (size_t k = 0; k < sizeof rare / sizeof rare[0]; k++) {
    type(p, rare[k].keys);
    int rank = find_rank(p, rare[k].ch, 5);
    if (rank < 0) fprintf(stderr, "%s not within 5 pages\n", rare[k].ch);
    CHECK(rank >= 0);
    if (rank < 0) {
      ime_pinyin_clear(p);
      continue;
    }
    const ime_pinyin_view *v = ime_pinyin_view_get(p);
    CHECK_INT(ime_pinyin_select(p, find_on_page(v, rare[k].ch)), KERR_OK);
    take(p, rare[k].ch);
  }
}

static void test_limits_and_clear(ime_pinyin *p) {
  bool handled = false;
  for (int k = 0; k < IME_PINYIN_INPUT_MAX; k++) {
    CHECK_INT(ime_pinyin_feed(p, "zhang"[k % 5], &handled), KERR_OK);
  }
  CHECK_INT(ime_pinyin_feed(p, 'a', &handled), KERR_LIMIT);
  CHECK(handled);
  const ime_pinyin_view *v = ime_pinyin_view_get(p);
  CHECK(v->n > 0);
  CHECK(strlen(v->preedit) < sizeof v->preedit);
  for (int i = 0; i < v->n; i++)
    CHECK(strlen(v->cand[i].text) < sizeof v->cand[i].text);
  /* Keys that are not the input method's are left to the text field. */
  CHECK_INT(ime_pinyin_feed(p, ',', &handled), KERR_OK);
  CHECK(!handled);
  CHECK_INT(ime_pinyin_feed(p, 0x4e00, &handled), KERR_OK);
  CHECK(!handled);
  CHECK_INT(ime_pinyin_select(p, PAGE + 1), KERR_RANGE);
  CHECK_INT(ime_pinyin_select(p, -1), KERR_RANGE);
  ime_pinyin_clear(p);
  CHECK_STR(v->preedit, "");
  CHECK_INT(v->n, 0);

  /* Upper case folds; escape drops; enter commits the letters. */
  type(p, "WANG");
  CHECK_STR(v->preedit, "wang");
  key(p, IME_KEY_ESCAPE, true);
  CHECK_STR(v->preedit, "");
  take(p, "");
  type(p, "abc");
  key(p, IME_KEY_ENTER, true);
  take(p, "abc");

  /* A buffer too small takes nothing. */
  type(p, "beijing");
  key(p, IME_KEY_SPACE, true);
  char small[4];
  CHECK_INT(ime_pinyin_take_commit(p, small, sizeof small), KERR_LIMIT);
  take(p, "北京");
  /* Committed text not yet taken is dropped by clear. */
  type(p, "beijing");
  key(p, IME_KEY_SPACE, true);
  ime_pinyin_clear(p);
  take(p, "");
}

/* Random key storms (fixed seed): the engine never fails, the view keeps
 * its invariants, committed text stays bounded. */
static void test_random_keys(ime_pinyin *p) {
  static const int extra[] = {IME_KEY_BACKSPACE, IME_KEY_SPACE,
                              IME_KEY_PAGE_UP,   IME_KEY_PAGE_DOWN,
                              IME_KEY_ENTER,     IME_KEY_ESCAPE,
                              '\'',              '5',
                              '9',               ','};
  unsigned long long x = 0x9e3779b97f4a7c15ULL;
  char buf[IME_PINYIN_COMMIT_MAX];
  for (int k = 0; k < 600; k++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int r = (int)(x % 40);
    bool handled;
    kerr err;
    if (r < 26) {
      err = ime_pinyin_feed(p, 'a' + r, &handled);
      CHECK(err == KERR_OK || err == KERR_LIMIT);
    } else if (r < 36) {
      CHECK_INT(ime_pinyin_feed(p, extra[r - 26], &handled), KERR_OK);
    } else if (r < 39) {
      err = ime_pinyin_select(p, (int)(x >> 20) % 12 - 1);
      CHECK(err == KERR_OK || err == KERR_RANGE);
    } else {
      CHECK_INT(ime_pinyin_take_commit(p, buf, sizeof buf), KERR_OK);
    }
    const ime_pinyin_view *v = ime_pinyin_view_get(p);
    CHECK(v->n >= 0 && v->n <= IME_PINYIN_PAGE_MAX);
    CHECK(memchr(v->preedit, '\0', sizeof v->preedit) != NULL);
    CHECK(v->page >= 0);
    if (v->n > 0) CHECK(v->preedit[0] != '\0');
  }
  ime_pinyin_clear(p);
  CHECK_INT(ime_pinyin_take_commit(p, buf, sizeof buf), KERR_OK);
  CHECK_STR(buf, "");
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

/* An applicant picks a low-ranked character again and again; the engine
 * learns it (so this test can see learning at all), and after reset the
 * next applicant gets the original ranking. */
static void test_reset_forgets(ime_pinyin *p, const char *tmp) {
  const char *keys = "kun", *ch = "焜";
  type(p, keys);
  int before = find_rank(p, ch, 5);
  CHECK(before >= PAGE); /* not on the first page to begin with */
  ime_pinyin_clear(p);
  CHECK_INT(count_entries(tmp), 1); /* this applicant's learning folder */

  for (int round = 0; round < 3; round++) {
    type(p, keys);
    CHECK(find_rank(p, ch, 5) >= 0);
    const ime_pinyin_view *v = ime_pinyin_view_get(p);
    CHECK_INT(ime_pinyin_select(p, find_on_page(v, ch)), KERR_OK);
    take(p, ch);
  }
  type(p, keys);
  int learned = find_rank(p, ch, 5);
  CHECK(learned >= 0 && learned < before);
  ime_pinyin_clear(p);
  /* A phrase the applicant built is learned too. */
  type(p, "lvxiaoming");
  const ime_pinyin_view *v = ime_pinyin_view_get(p);
  CHECK_INT(ime_pinyin_select(p, find_on_page(v, "吕")), KERR_OK);
  CHECK_INT(ime_pinyin_select(p, find_on_page(v, "小明")), KERR_OK);
  take(p, "吕小明");
  type(p, "lvxiaoming");
  CHECK_STR(v->cand[0].text, "吕小明");
  ime_pinyin_clear(p);

  CHECK_INT(ime_pinyin_reset(p), KERR_OK);
  CHECK_STR(ime_pinyin_view_get(p)->preedit, "");
  CHECK_INT(ime_pinyin_wait(p), KERR_OK);
  CHECK_INT(count_entries(tmp), 1); /* a new, empty folder */
  type(p, keys);
  CHECK_INT(find_rank(p, ch, 5), before);
  ime_pinyin_clear(p);
  type(p, "lvxiaoming");
  CHECK(strcmp(v->cand[0].text, "吕小明") != 0);
  ime_pinyin_clear(p);
}

static void test_errors(void) {
  ime_pinyin *p = NULL;
  ime_pinyin_config bad = {.data_dir = "/nonexistent/rime", .tmp_dir = NULL};
  CHECK_INT(ime_pinyin_create(&bad, &p), KERR_NOTFOUND);
  CHECK(p == NULL);
  char longpath[1024];
  memset(longpath, 'a', sizeof longpath - 1);
  longpath[sizeof longpath - 1] = '\0';
  bad.data_dir = longpath;
  CHECK_INT(ime_pinyin_create(&bad, &p), KERR_LIMIT);
  /* An unusable tmp folder fails the load, not the caller. */
  ime_pinyin_config notmp = {.data_dir = KIOSK_TEST_RIME_DIR, .tmp_dir = "/nonexistent"};
  CHECK_INT(ime_pinyin_create(&notmp, &p), KERR_OK);
  CHECK_INT(ime_pinyin_wait(p), KERR_IO);
  CHECK(!ime_pinyin_ready(p));
  bool handled = true;
  CHECK_INT(ime_pinyin_feed(p, 'a', &handled), KERR_STATE);
  CHECK(!handled);
  ime_pinyin_destroy(p);
  /* A tmp folder whose learning-folder path would not fit is refused
   * whole, never cut short to some other folder. */
  char longtmp[506];
  memset(longtmp, 'x', sizeof longtmp - 1);
  memcpy(longtmp, "/tmp/", 5);
  longtmp[sizeof longtmp - 1] = '\0';
  notmp.tmp_dir = longtmp;
  CHECK_INT(ime_pinyin_create(&notmp, &p), KERR_OK);
  CHECK_INT(ime_pinyin_wait(p), KERR_LIMIT);
  ime_pinyin_destroy(p);
  ime_pinyin_destroy(NULL);
}

static bool exists_in(const char *dir, const char *name) {
  char path[1024];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return lstat(path, &st) == 0;
}

/* Makes dir/name with a file inside, its time set `age` seconds back. */
static void make_folder(const char *dir, const char *name, int age) {
  char path[1024], file[1100];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  CHECK_INT(mkdir(path, 0700), 0);
  snprintf(file, sizeof file, "%s/learned.db", path);
  FILE *f = fopen(file, "w");
  CHECK(f != NULL);
  if (f) {
    fputs("synthetic learned words", f);
    fclose(f);
  }
  struct timespec ts[2];
  clock_gettime(CLOCK_REALTIME, &ts[0]);
  ts[0].tv_sec -= age;
  ts[1] = ts[0];
  CHECK_INT(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* A kiosk that crashed leaves its learning folder behind; the next engine
 * removes it, but never a folder a live engine holds, a fresh one, or
 * anything not named like ours. */
static void test_sweep(void) {
  char tmp[] = "/tmp/test-ime-sweep-XXXXXX";
  if (!mkdtemp(tmp)) return;
  make_folder(tmp, "kiosk-ime-Crash1", 3600);
  make_folder(tmp, "kiosk-ime-Live12", 3600);
  make_folder(tmp, "kiosk-ime-Young1", 0);
  make_folder(tmp, "kiosk-ime-other-name", 3600);
  char live[1024];
  snprintf(live, sizeof live, "%s/kiosk-ime-Live12", tmp);
  int lfd = open(live, O_RDONLY | O_DIRECTORY);
  CHECK(lfd >= 0 && flock(lfd, LOCK_EX | LOCK_NB) == 0);

  ime_pinyin_config cfg = {.data_dir = KIOSK_TEST_RIME_DIR, .tmp_dir = tmp};
  ime_pinyin *p = NULL;
  CHECK_INT(ime_pinyin_create(&cfg, &p), KERR_OK);
  if (p) {
    CHECK_INT(ime_pinyin_wait(p), KERR_OK);
    CHECK(!exists_in(tmp, "kiosk-ime-Crash1"));
    CHECK(exists_in(tmp, "kiosk-ime-Live12"));
    CHECK(exists_in(tmp, "kiosk-ime-Young1"));
    CHECK(exists_in(tmp, "kiosk-ime-other-name"));
    CHECK_INT(count_entries(tmp), 4); /* the three + the engine's own */
    ime_pinyin_destroy(p);
  }
  CHECK_INT(count_entries(tmp), 3);
  close(lfd);
  static const char *left[] = {"kiosk-ime-Live12", "kiosk-ime-Young1",
                               "kiosk-ime-other-name"};
  for (size_t i = 0; i < 3; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/learned.db", tmp, left[i]);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s", tmp, left[i]);
    rmdir(path);
  }
  CHECK_INT(rmdir(tmp), 0);
}

/* Size and modification time of each deployed file, to show the engine
 * only reads them (deployment is done at build time, never here). */
typedef struct stamp {
  long long size, mtime_ns;
} stamp;
static const char *const deployed[] = {"default.yaml",
                                       "kiosk_pinyin.schema.yaml",
                                       "kiosk_pinyin.prism.bin"};
#define N_DEPLOYED (sizeof deployed / sizeof deployed[0])

static void stamp_deployed(stamp *out) {
  for (size_t i = 0; i < N_DEPLOYED; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/staging/%s",
             KIOSK_TEST_RIME_DIR, deployed[i]);
    struct stat st;
    CHECK_INT(stat(path, &st), 0);
    out[i].size = (long long)st.st_size;
    out[i].mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL +
                      st.st_mtim.tv_nsec;
  }
}

int main(void) {
  char tmp[] = "/tmp/test-ime-pinyin-XXXXXX";
  if (!mkdtemp(tmp)) return 1;
  stamp before[N_DEPLOYED], after[N_DEPLOYED];
  stamp_deployed(before);
  test_errors();
  test_sweep();
  ime_pinyin *p = open_engine(tmp);
  if (p) {
    ime_pinyin *second = NULL;
    CHECK_INT(ime_pinyin_create(NULL, &second), KERR_BUSY);
    test_name_and_space(p);
    test_v_for_u(p);
    test_multi_syllable(p);
    test_backspace(p);
    test_paging(p);
    test_rare_name_characters(p);
    test_limits_and_clear(p);
    test_random_keys(p);
    test_reset_forgets(p, tmp);
    ime_pinyin_destroy(p);
  }
  CHECK_INT(count_entries(tmp), 0); /* learning folder wiped and removed */
  rmdir(tmp);
  /* A new engine can be made after the old one is gone. */
  p = open_engine(NULL);
  if (p) {
    type(p, "nihao");
    CHECK_STR(ime_pinyin_view_get(p)->cand[0].text, "你好");
    ime_pinyin_destroy(p);
  }
  stamp_deployed(after);
  for (size_t i = 0; i < N_DEPLOYED; i++) {
    CHECK_INT(after[i].size, before[i].size);
    CHECK_INT(after[i].mtime_ns, before[i].mtime_ns);
  }
  return TEST_DONE();
}
