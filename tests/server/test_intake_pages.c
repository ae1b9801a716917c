/* intake_payload_pages (intake.h) on its own: a payload without
 * attachments, 24 pages, every field's bounds, and its base64 check
 * against libsodium's decoder (which the console uses to send a page) on
 * edge cases and random strings: whatever the check accepts, the decoder
 * decodes into bytes beginning FF D8 FF, and the other way round. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "check.h"
#include "server/intake.h"

static cJSON *page(const char *data) {
  cJSON *o = cJSON_CreateObject();
  cJSON *it = cJSON_AddArrayToObject(o, "items");
  cJSON_AddItemToArray(it, cJSON_CreateString("dibao"));
  cJSON_AddStringToObject(o, "material", "全家人的身份证、户口本");
  cJSON_AddNumberToObject(o, "page", 1);
  cJSON_AddStringToObject(o, "type", "image/jpeg");
  cJSON_AddNumberToObject(o, "width", 1200);
  cJSON_AddNumberToObject(o, "height", 1600);
  cJSON_AddStringToObject(o, "data", data);
  return o;
}

/* Whether a payload with one page of this data passes. */
static int accepted(const char *data) {
  char msg[200];
  cJSON *pt = cJSON_CreateObject();
  cJSON_AddItemToArray(cJSON_AddArrayToObject(pt, "attachments"), page(data));
  kerr err = intake_payload_pages(pt, msg, sizeof msg);
  cJSON_Delete(pt);
  return err == KERR_OK;
}

/* What the console's decoder makes of it. */
static int decodes(const char *data) {
  cJSON *p = page(data);
  unsigned char *jpeg = NULL;
  size_t len = 0;
  kerr err = intake_page_decode(p, &jpeg, &len);
  free(jpeg);
  cJSON_Delete(p);
  return err == KERR_OK;
}

int main(void) {
  char msg[200];
  CHECK(sodium_init() >= 0);
  cJSON *pt = cJSON_CreateObject();
  CHECK(intake_payload_pages(pt, msg, sizeof msg) == KERR_OK);
  cJSON *att = cJSON_AddArrayToObject(pt, "attachments");
  CHECK(intake_payload_pages(pt, msg, sizeof msg) == KERR_OK); /* [] */
  for (int i = 0; i < 24; i++)
    cJSON_AddItemToArray(att, page("/9j/4AAQ"));
  CHECK(intake_payload_pages(pt, msg, sizeof msg) == KERR_OK);
  cJSON_AddItemToArray(att, page("/9j/4AAQ"));
  CHECK(intake_payload_pages(pt, msg, sizeof msg) == KERR_INVALID);
  CHECK(strstr(msg, "24") != NULL);
  cJSON_Delete(pt);

  /* Bounds of the numbers and texts. */
  static const struct {
    const char *key;
    double v;
    int ok;
  } nums[] = {{"page", 1, 1},      {"page", 24, 1},     {"page", 0, 0},
              {"page", 25, 0},     {"width", 1, 1},     {"width", 10000, 1},
              {"width", 10001, 0}, {"height", 0, 0},    {"height", -1, 0},
              {"height", 2.5, 0}};
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    pt = cJSON_CreateObject();
    cJSON *p = page("/9j/4AAQ");
    cJSON_ReplaceItemInObject(p, nums[i].key, cJSON_CreateNumber(nums[i].v));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(pt, "attachments"), p);
    kerr err = intake_payload_pages(pt, msg, sizeof msg);
    if ((err == KERR_OK) != nums[i].ok)
      fprintf(stderr, "  %s %g: %s\n", nums[i].key, nums[i].v, msg);
    CHECK((err == KERR_OK) == nums[i].ok);
    if (err)
      CHECK(strstr(msg, "attachments[0]") != NULL);
    cJSON_Delete(pt);
  }
  char mat[400 * 3 + 4] = "";
  for (int k = 0; k < 400; k++)
    strcat(mat, "材");
  pt = cJSON_CreateObject();
  cJSON *p = page("/9j/4AAQ");
  cJSON_ReplaceItemInObject(p, "material", cJSON_CreateString(mat));
  cJSON_AddItemToArray(cJSON_AddArrayToObject(pt, "attachments"), p);
  CHECK(intake_payload_pages(pt, msg, sizeof msg) == KERR_OK); /* 400 */
  strcat(mat, "材");
  cJSON_ReplaceItemInObject(p, "material", cJSON_CreateString(mat));
  CHECK(intake_payload_pages(pt, msg, sizeof msg) == KERR_INVALID); /* 401 */
  cJSON_Delete(pt);

  /* Base64 edge cases: the check and the decoder agree on each. */
  static const struct {
    const char *s;
    int ok;
  } b64[] = {
      {"/9j/", 1},         {"/9j/4A==", 1},     {"/9j/4AA=", 1},
      {"/9j/4AAQ", 1},     {"/9j/4B==", 0},     {"/9j/4AB=", 0},
      {"/9j/4A=", 0},      {"/9j/4A", 0},       {"/9j/4A=A", 0},
      {"/9j/4A\n==", 0},   {"/9j/ 4AA", 0},     {"/9j/4A-_", 0},
      {"/9j", 0},          {"", 0},             {"====", 0},
      {"/9j/====", 0},     {"/9j/4===", 0},     {"R0lGODlh", 0},
      {"/9i/4AAQ", 0},     {"/9j/4AAQ====", 0},
  };
  for (size_t i = 0; i < sizeof b64 / sizeof b64[0]; i++) {
    int a = accepted(b64[i].s), d = decodes(b64[i].s);
    if (a != b64[i].ok || d != b64[i].ok)
      fprintf(stderr, "  \"%s\": check %d, decoder %d, want %d\n", b64[i].s,
              a, d, b64[i].ok);
    CHECK(a == b64[i].ok);
    CHECK(d == b64[i].ok);
  }
  /* Random strings over the alphabet, '=' and a few others, after
   * "/9j/": the two always agree. */
  static const char set[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/====-\n";
  int agree = 1, yes = 0;
  for (int round = 0; round < 20000; round++) {
    char s[24] = "/9j/";
    size_t n = 4 + randombytes_uniform(12);
    for (size_t k = 4; k < n; k++)
      s[k] = set[randombytes_uniform(sizeof set - 1)];
    s[n] = '\0';
    int a = accepted(s), d = decodes(s);
    yes += a;
    if (a != d) {
      if (agree)
        fprintf(stderr, "  \"%s\": check %d, decoder %d\n", s, a, d);
      agree = 0;
    }
  }
  CHECK(agree);
  CHECK(yes > 100); /* the random strings did include valid ones */
  return TEST_DONE();
}
