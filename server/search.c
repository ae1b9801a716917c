/* search: keyed digests for finding applications (search.h).
 *
 * Normal forms: a name loses every space (ASCII and the ideographic U+3000)
 * and ASCII letters are lower-cased ("张 三" = "张三", "Li Lei" =
 * "lilei"); an ID number loses spaces and its check letter is upper-cased.
 * Each digest is BLAKE2b-256 keyed with the search key over a one-letter
 * domain ("n" name, "i" ID), a zero byte and the normal form. */
#include "search.h"

#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "kiosk/core/session.h"

enum { NORM_MAX = 1024 };

void search_key_derive(const unsigned char check_key[32],
                       unsigned char key[SEARCH_KEY_BYTES]) {
  static const char ctx[] = "kiosk-search-v1";
  crypto_generichash(key, SEARCH_KEY_BYTES, (const unsigned char *)ctx,
                     sizeof ctx - 1, check_key, 32);
}

/* Name normal form into out (NORM_MAX); 0 if empty or too long. */
static size_t norm_name(const char *v, char *out) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)v; *p;) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
      p++;
      continue;
    }
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
      p += 3;
      continue;
    }
    if (n + 1 >= NORM_MAX)
      return 0;
    out[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    p++;
  }
  out[n] = '\0';
  return n;
}

/* ID number normal form: 15 or 18 characters, digits and a final X. */
static size_t norm_id(const char *v, char out[20]) {
  size_t n = 0;
  for (const char *p = v; *p; p++) {
    if (*p == ' ' || *p == '-')
      continue;
    char c = *p == 'x' ? 'X' : *p;
    if (n >= 18 || !((c >= '0' && c <= '9') || c == 'X'))
      return 0;
    out[n++] = c;
  }
  out[n] = '\0';
  if (n != 18 && n != 15)
    return 0;
  if (strchr(out, 'X') && strchr(out, 'X') != out + n - 1)
    return 0;
  return n;
}

static void digest(const unsigned char key[SEARCH_KEY_BYTES], char domain,
                   const char *norm, size_t n,
                   unsigned char out[STORE_SEARCH_BYTES]) {
  crypto_generichash_state h;
  const unsigned char pre[2] = {(unsigned char)domain, 0};
  crypto_generichash_init(&h, key, SEARCH_KEY_BYTES, STORE_SEARCH_BYTES);
  crypto_generichash_update(&h, pre, 2);
  crypto_generichash_update(&h, (const unsigned char *)norm, n);
  crypto_generichash_final(&h, out, STORE_SEARCH_BYTES);
  sodium_memzero(&h, sizeof h);
}

kerr search_digests_payload(const unsigned char key[SEARCH_KEY_BYTES],
                            const char *plain, size_t n,
                            unsigned char out[][STORE_SEARCH_BYTES],
                            size_t *n_out) {
  cJSON *pt = cJSON_ParseWithLength(plain, n);
  kerr err = search_digests_json(key, pt, out, n_out);
  /* cJSON's copies of the whole payload: wiped before they are freed. */
  session_wipe_json(pt);
  cJSON_Delete(pt);
  return err;
}

kerr search_digests_json(const unsigned char key[SEARCH_KEY_BYTES],
                         const cJSON *pt,
                         unsigned char out[][STORE_SEARCH_BYTES],
                         size_t *n_out) {
  char norm[NORM_MAX], id[20];
  size_t k = 0, m;
  *n_out = 0;
  if (!cJSON_IsObject(pt))
    return KERR_INVALID;
  const cJSON *ans = cJSON_GetObjectItemCaseSensitive(pt, "answers");
  const char *name =
      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ans, "applicant_name"));
  const char *idv =
      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ans, "applicant_id"));
  if (name && (m = norm_name(name, norm)))
    digest(key, 'n', norm, m, out[k++]);
  if (idv && (m = norm_id(idv, id)))
    digest(key, 'i', id, m, out[k++]);
  *n_out = k;
  sodium_memzero(norm, sizeof norm);
  sodium_memzero(id, sizeof id);
  return KERR_OK;
}

void search_digests_query(const unsigned char key[SEARCH_KEY_BYTES],
                          const char *q,
                          unsigned char out[][STORE_SEARCH_BYTES],
                          size_t *n_out) {
  char norm[NORM_MAX], id[20];
  size_t k = 0, m;
  if ((m = norm_name(q, norm)))
    digest(key, 'n', norm, m, out[k++]);
  if ((m = norm_id(q, id)))
    digest(key, 'i', id, m, out[k++]);
  *n_out = k;
  sodium_memzero(norm, sizeof norm);
  sodium_memzero(id, sizeof id);
}

int search_ref_key(const char *q, char out[STORE_REF_MAX + 1]) {
  size_t n = 0;
  for (const char *p = q; *p; p++) {
    char c = *p;
    if (c == '-' || c == ' ')
      continue;
    if (c >= 'a' && c <= 'z')
      c = (char)(c - 32);
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ||
        n >= STORE_REF_MAX)
      return 0;
    out[n++] = c;
  }
  out[n] = '\0';
  return n > 0;
}
