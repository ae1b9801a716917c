/* The form in the running kiosk (headless, scripted, in this process):
 *
 *   - restart: a run fills part of the form and ends; the recovery point it
 *     left is put back as a crash would have left it (a clean end wipes
 *     it); the next run's home screen offers 「继续填写上次没填完的表？」,
 *     继续填写 opens the form at the same question with the answers kept,
 *     and ending that session wipes the point; 不用了 wipes it too;
 *   - submission: the whole 临时救助 script (tests/scripts/form_temporary.txt)
 *     with a seal key of this test: the outbox then holds one sealed
 *     envelope whose plaintext, opened with the test's secret key, is the
 *     application (the answers, the signature as a PNG, assisted_by null),
 *     and the applicant's name is nowhere in the outbox file in clear.
 * Synthetic people only. */
#include <SDL.h>
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "shell/shell.h"
#include "net/outbox.h"

/* Screenshots of the offer and the check (build/…/shots/form_host_app). */
#ifndef KIOSK_SHOTS_DIR
#define KIOSK_SHOTS_DIR NULL
#endif

static char runtime[64], data[64], printer_dir[96], script_path[128];
static char point[160];
static const char *app_options_shots = KIOSK_SHOTS_DIR;
static char set_runtime[160], set_data[160], set_printer[160], set_key[128];

static int file_exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0;
}

static void write_file(const char *path, const char *text, size_t len) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f)
    return;
  CHECK(fwrite(text, 1, len, f) == len);
  fclose(f);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  *len = 0;
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)n + 1);
  if (p && fread(p, 1, (size_t)n, f) == (size_t)n) {
    p[n] = '\0';
    *len = (size_t)n;
  } else {
    free(p);
    p = NULL;
  }
  fclose(f);
  return p;
}

/* Runs the kiosk on a script; when keep is set, the recovery point is
 * copied out before the app ends (what a crash would leave behind). */
static int run_at(const char *script, int keep, char **kept,
                  size_t *kept_len, int w, int h, int elder) {
  app_options o = {.script_path = script,
                   .shots_dir = app_options_shots,
                   .headless = 1,
                   .width = w,
                   .height = h,
                   .window = 1,
                   .elder = elder};
  o.sets[o.n_sets++] = set_runtime;
  o.sets[o.n_sets++] = set_data;
  o.sets[o.n_sets++] = set_printer;
  o.sets[o.n_sets++] = set_key;
  o.sets[o.n_sets++] = "backend.url=https://127.0.0.1:9";
  o.sets[o.n_sets++] = "device.region=140500";
  app *a = NULL;
  if (app_create(&o, &a) != KERR_OK)
    return -1;
  int rc = app_run(a);
  if (keep)
    *kept = read_file(point, kept_len);
  app_destroy(a);
  return rc;
}

static int run(const char *script, int keep, char **kept, size_t *kept_len) {
  return run_at(script, keep, kept, kept_len, 1280, 800, -1);
}

static const char part_fill[] =
    "expect screen home\n"
    "expect no-text \"继续填写上次没填完的表？\"\n"
    "tap entry.apply\n"
    "tap start.pick\n"
    "seek pick.housing\n"
    "tap pick.housing\n"
    "tap results.apply\n"
    "expect screen form\n"
    "type \"周丽华\"\n"
    "tap form.next\n"
    "type \"140502198511092021\"\n"
    "tap form.next\n"
    "expect text \"您的手机号码是多少？\"\n";

/* The offer: a neutral question only, at every size; 继续填写 asks for the
 * end of the ID number; a wrong entry is refused with the tries left; the
 * right one brings the form back. */
static const char resume[] =
    "expect screen home\n"
    "expect text \"继续填写上次没填完的表？\"\n"
    "expect no-text \"周丽华\"\n"
    "check layout\n"
    "elder on\n"
    "check layout\n"
    "size 1080x1920\n"
    "check layout\n"
    "elder off\n"
    "check layout\n"
    "size 1920x1080\n"
    "check layout\n"
    "size 1280x800\n"
    "tap resume.yes\n"
    "expect screen resume\n"
    "expect text \"请输入身份证号码的最后6位\"\n"
    "expect no-text \"周丽华\"\n"
    "expect no-text \"140502\"\n"
    "check layout\n"
    "elder on\n"
    "check layout\n"
    "size 1080x1920\n"
    "check layout\n"
    "elder off\n"
    "check layout\n"
    "size 1920x1080\n"
    "check layout\n"
    "elder on\n"
    "check layout\n"
    "elder off\n"
    "size 1280x800\n"
    /* too short: not a try */
    "tap kbd.key.0\n"
    "tap kbd.key.9\n"
    "tap resume.check\n"
    "expect text \"要输满6位\"\n"
    /* wrong: refused, two tries left, nothing of the form shown */
    "type \"092029\"\n"
    "tap resume.check\n"
    "expect screen resume\n"
    "expect text \"还可以再试2次\"\n"
    "expect no-text \"周丽华\"\n"
    "check layout\n"
    "shot resume-wrong-1280x800\n"
    "tap kbd.key.0\n"
    "tap kbd.key.9\n"
    "tap kbd.key.2\n"
    "tap kbd.key.0\n"
    "tap kbd.key.2\n"
    "tap kbd.key.1\n"
    "tap resume.check\n"
    "expect screen form\n"
    "expect text \"您的手机号码是多少？\"\n"
    "tap form.prev\n"
    "expect text \"140502198511092021\"\n"
    "tap form.prev\n"
    "expect text \"周丽华\"\n"
    /* 结束 in the middle of the form asks first; 放弃 ends it. */
    "tap nav.end\n"
    "expect text \"您填的内容还没有交，要放弃吗？\"\n"
    "tap confirm.discard\n"
    "expect screen home\n"
    "expect no-text \"继续填写上次没填完的表？\"\n";

/* Three wrong entries wipe the point. */
static const char wrong3[] =
    "expect screen home\n"
    "tap resume.yes\n"
    "expect screen resume\n"
    "type \"111111\"\n"
    "tap resume.check\n"
    "expect text \"还可以再试2次\"\n"
    "type \"222222\"\n"
    "tap resume.check\n"
    "expect text \"还可以再试1次\"\n"
    "type \"33333X\"\n"
    "tap resume.check\n"
    "expect text \"已经删掉了\"\n"
    "expect no-target resume.check\n"
    "check layout\n"
    "shot resume-wiped-1280x800\n"
    "size 1080x1920\n"
    "elder on\n"
    "check layout\n"
    "elder off\n"
    "size 1280x800\n"
    "tap resume.home\n"
    "expect screen home\n"
    "expect no-text \"继续填写上次没填完的表？\"\n";

/* Staff sign in from the check and take the form back for the person. */
static const char staff[] =
    "expect screen home\n"
    "tap resume.yes\n"
    "expect screen resume\n"
    "tap resume.staff\n"
    "expect screen staff_signin\n"
    "type \"S0001\"\n"
    "tap staff.pin\n"
    "type \"246810\"\n"
    "tap staff.login\n"
    "expect screen staff_menu\n"
    "tap menu.assist\n"
    "expect screen home\n"
    "expect text \"继续填写上次没填完的表？\"\n"
    "tap resume.yes\n"
    "expect screen form\n"
    "expect text \"您的手机号码是多少？\"\n"
    "tap nav.end\n"
    "tap confirm.discard\n"
    "expect screen home\n"
    "expect no-text \"继续填写上次没填完的表？\"\n";

/* Screenshots of the offer and the check, one fresh run per size. */
static const char look[] =
    "expect screen home\n"
    "expect no-text \"周丽华\"\n"
    "check layout\n"
    "shot offer\n"
    "tap resume.yes\n"
    "expect screen resume\n"
    "expect no-text \"周丽华\"\n"
    "check layout\n"
    "shot check\n"
    "type \"111111\"\n"
    "tap resume.check\n"
    "expect text \"还可以再试2次\"\n"
    "check layout\n"
    "shot check-wrong\n"
    "tap resume.no\n"
    "expect screen home\n"
    "expect no-text \"继续填写上次没填完的表？\"\n";

static const char decline[] =
    "expect screen home\n"
    "expect text \"继续填写上次没填完的表？\"\n"
    "tap resume.no\n"
    "expect screen home\n"
    "expect no-text \"继续填写上次没填完的表？\"\n";

/* Before the ID number: the point is not offered (and is gone). */
static const char name_only[] =
    "expect screen home\n"
    "tap entry.apply\n"
    "tap start.pick\n"
    "seek pick.housing\n"
    "tap pick.housing\n"
    "tap results.apply\n"
    "expect screen form\n"
    "type \"周丽华\"\n"
    "tap form.next\n"
    "expect text \"身份证\"\n";

static const char no_offer[] =
    "expect screen home\n"
    "expect no-text \"继续填写上次没填完的表？\"\n"
    "expect no-target resume.yes\n";

static void put_back(const char *kept, size_t len) {
  write_file(point, kept, len);
  chmod(point, 0600);
}

static void restart_checks(void) {
  char *kept = NULL;
  size_t kept_len = 0;
  write_file(script_path, part_fill, sizeof part_fill - 1);
  CHECK_INT(run(script_path, 1, &kept, &kept_len), 0);
  CHECK(kept != NULL && kept_len > 0);
  /* A clean end wipes the point. */
  CHECK(!file_exists(point));
  if (!kept)
    return;

  /* As a crash leaves it: offered, taken up again, wiped at the end. */
  put_back(kept, kept_len);
  write_file(script_path, resume, sizeof resume - 1);
  CHECK_INT(run(script_path, 0, NULL, NULL), 0);
  CHECK(!file_exists(point));

  /* Every size and scale, each in a fresh run. */
  static const int sizes[3][2] = {{1920, 1080}, {1080, 1920}, {1280, 800}};
  write_file(script_path, look, sizeof look - 1);
  for (int i = 0; i < 3; i++)
    for (int elder = 0; elder < 2; elder++) {
      char shots[256];
      snprintf(shots, sizeof shots, "%s-%dx%d-%s", KIOSK_SHOTS_DIR,
               sizes[i][0], sizes[i][1], elder ? "elder" : "normal");
      char mk[300];
      snprintf(mk, sizeof mk, "mkdir -p '%s'", shots);
      CHECK(system(mk) == 0);
      put_back(kept, kept_len);
      app_options_shots = shots;
      CHECK_INT(run_at(script_path, 0, NULL, NULL, sizes[i][0], sizes[i][1],
                       elder),
                0);
      app_options_shots = KIOSK_SHOTS_DIR;
      CHECK(!file_exists(point));
    }

  /* Three wrong entries wipe it. */
  put_back(kept, kept_len);
  write_file(script_path, wrong3, sizeof wrong3 - 1);
  char *after = NULL;
  size_t after_len = 0;
  CHECK_INT(run(script_path, 1, &after, &after_len), 0);
  CHECK(after == NULL);
  free(after);

  /* Staff sign-in takes it back without the check. */
  put_back(kept, kept_len);
  write_file(script_path, staff, sizeof staff - 1);
  CHECK_INT(run(script_path, 0, NULL, NULL), 0);
  CHECK(!file_exists(point));

  /* 不用了 wipes it at once. */
  put_back(kept, kept_len);
  write_file(script_path, decline, sizeof decline - 1);
  after = NULL;
  CHECK_INT(run(script_path, 1, &after, &after_len), 0);
  CHECK(after == NULL);
  free(after);
  sodium_memzero(kept, kept_len);
  free(kept);

  /* A point from before the ID number was given is not offered. */
  write_file(script_path, name_only, sizeof name_only - 1);
  CHECK_INT(run(script_path, 1, &kept, &kept_len), 0);
  CHECK(kept != NULL && kept_len > 0);
  if (!kept)
    return;
  put_back(kept, kept_len);
  write_file(script_path, no_offer, sizeof no_offer - 1);
  after = NULL;
  CHECK_INT(run(script_path, 1, &after, &after_len), 0);
  CHECK(after == NULL);
  free(after);
  sodium_memzero(kept, kept_len);
  free(kept);
}

/* Opens the one envelope of the outbox with sk and checks its plaintext. */
static void submission_checks(const unsigned char *pk, const unsigned char *sk) {
  char db[160];
  snprintf(db, sizeof db, "%s/outbox.db", data);
  outbox *ob = NULL;
  outbox_config oc = {.path = db, .ref_prefix = "JC"};
  CHECK_INT(outbox_open(&oc, &ob), KERR_OK);
  if (!ob)
    return;
  outbox_stats st;
  CHECK_INT(outbox_stats_get(ob, &st), KERR_OK);
  CHECK_INT(st.queued + st.sending + st.delivered, 1);
  outbox_item it;
  int64_t next = 0;
  memset(&it, 0, sizeof it);
  CHECK_INT(outbox_claim(ob, INT64_MAX / 2, &it, &next), KERR_OK);
  cJSON *env = it.envelope ? cJSON_Parse(it.envelope) : NULL;
  CHECK(env != NULL);
  const cJSON *sealed = cJSON_GetObjectItemCaseSensitive(env, "sealed");
  CHECK(cJSON_IsString(sealed));
  CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(env, "assisted_by")));
  if (cJSON_IsString(sealed)) {
    size_t b64 = strlen(sealed->valuestring);
    unsigned char *ct = malloc(b64);
    size_t ct_len = 0;
    CHECK(sodium_base642bin(ct, b64, sealed->valuestring, b64, NULL, &ct_len,
                            NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
    CHECK(ct_len > crypto_box_SEALBYTES);
    size_t plen = ct_len - crypto_box_SEALBYTES;
    char *plain = calloc(1, plen + 1);
    CHECK(crypto_box_seal_open((unsigned char *)plain, ct, ct_len, pk, sk) ==
          0);
    cJSON *doc = cJSON_Parse(plain);
    CHECK(doc != NULL);
    const cJSON *ans = cJSON_GetObjectItemCaseSensitive(doc, "answers");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(ans, "applicant_name");
    CHECK(cJSON_IsString(name) && strcmp(name->valuestring, "周丽华") == 0);
    const cJSON *loss = cJSON_GetObjectItemCaseSensitive(ans, "crisis_loss");
    CHECK(cJSON_IsNumber(loss) && loss->valuedouble == 9500);
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(ans, "crisis_date");
    CHECK(cJSON_IsString(date) && strcmp(date->valuestring, "2026-11-15") == 0);
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(doc, "reference");
    CHECK(cJSON_IsString(ref) && strcmp(ref->valuestring, it.reference) == 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "assisted_by")));
    const cJSON *sig = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(doc, "signatures"),
        "applicant_signature");
    CHECK(cJSON_IsString(sig));
    if (cJSON_IsString(sig)) {
      unsigned char png[16];
      size_t n = 0;
      /* The first bytes are enough to see a PNG. */
      sodium_base642bin(png, sizeof png, sig->valuestring, 16, NULL, &n, NULL,
                        sodium_base64_VARIANT_ORIGINAL);
      CHECK(n >= 8 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    }
    cJSON_Delete(doc);
    sodium_memzero(plain, plen);
    free(plain);
    free(ct);
  }
  cJSON_Delete(env);
  outbox_item_free(&it);
  outbox_close(ob);
  /* Nothing personal in clear on disk. */
  size_t len = 0;
  char *bytes = read_file(db, &len);
  CHECK(bytes != NULL);
  if (bytes) {
    const char *needle = "周丽华";
    int found = 0;
    for (size_t i = 0; i + strlen(needle) <= len && !found; i++)
      found = memcmp(bytes + i, needle, strlen(needle)) == 0;
    CHECK(!found);
    free(bytes);
  }
}

int main(void) {
  if (sodium_init() < 0)
    return 1;
  snprintf(runtime, sizeof runtime, "/dev/shm/kiosk-fha-XXXXXX");
  snprintf(data, sizeof data, "/tmp/kiosk-fha-XXXXXX");
  if (!mkdtemp(runtime) || !mkdtemp(data)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(printer_dir, sizeof printer_dir, "%s/printer", data);
  snprintf(script_path, sizeof script_path, "%s/script.txt", data);
  snprintf(point, sizeof point, "%s/kiosk-form-%ld.rec", runtime,
           (long)getpid());
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  crypto_box_keypair(pk, sk);
  char pk_b64[sodium_base64_ENCODED_LEN(crypto_box_PUBLICKEYBYTES,
                                        sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(pk_b64, sizeof pk_b64, pk, sizeof pk,
                    sodium_base64_VARIANT_ORIGINAL);
  snprintf(set_runtime, sizeof set_runtime, "paths.runtime=%s", runtime);
  snprintf(set_data, sizeof set_data, "paths.data=%s", data);
  snprintf(set_printer, sizeof set_printer, "paths.printer=%s", printer_dir);
  snprintf(set_key, sizeof set_key, "backend.seal_public_key=%s", pk_b64);

  if (KIOSK_SHOTS_DIR) {
    char mk[512];
    snprintf(mk, sizeof mk, "mkdir -p '%s'", KIOSK_SHOTS_DIR ? KIOSK_SHOTS_DIR : ".");
    CHECK(system(mk) == 0);
  }
  restart_checks();

  CHECK_INT(run(KIOSK_SOURCE_DIR "/tests/scripts/form_temporary.txt", 0, NULL,
                NULL),
            0);
  submission_checks(pk, sk);
  sodium_memzero(sk, sizeof sk);

  /* Leave nothing behind. */
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", runtime, data);
  CHECK(system(cmd) == 0);
  return TEST_DONE();
}
