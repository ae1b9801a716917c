/* console_req: see console_req.h. */
#include "console_req.h"

#include <ctype.h>
#include <string.h>

#include "intake.h"
#include "reqjson.h"

kerr console_req_login(const char *body, size_t n, cJSON **j, const char **id,
                       const char **pw, char *msg, size_t msgcap) {
  static const char *const keys[] = {"id", "password", NULL};
  *id = *pw = NULL;
  kerr err = reqjson_parse(body, n, 2, j, msg, msgcap);
  if (!err)
    err = reqjson_keys(*j, keys, msg, msgcap);
  if (err)
    return err;
  *id = reqjson_str(*j, "id", STORE_STAFF_MAX,
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789-_",
                    msg, msgcap);
  *pw = *id ? reqjson_text(*j, "password", 256, msg, msgcap) : NULL;
  if (!*pw) {
    *id = NULL;
    return KERR_INVALID;
  }
  return KERR_OK;
}

kerr console_req_status(const char *body, size_t n, cJSON **j,
                        const char **status, const char **note, char *msg,
                        size_t msgcap) {
  static const char *const keys[] = {"status", "note", "item", NULL};
  *status = *note = NULL;
  kerr err = reqjson_parse(body, n, 2, j, msg, msgcap);
  if (!err)
    err = reqjson_keys(*j, keys, msg, msgcap);
  if (err)
    return err;
  const char *s = reqjson_str(*j, "status", STORE_STATUS_MAX, NULL, msg,
                              msgcap);
  const cJSON *nv = cJSON_GetObjectItemCaseSensitive(*j, "note");
  const char *nt = "";
  if (s && nv && !cJSON_IsNull(nv))
    nt = reqjson_text(*j, "note", STORE_NOTE_MAX, msg, msgcap);
  if (!s || !nt)
    return KERR_INVALID;
  *status = s;
  *note = nt;
  return KERR_OK;
}

kerr console_req_item(const cJSON *j, const char **item, char *msg,
                      size_t msgcap) {
  *item = NULL;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "item");
  if (!v || cJSON_IsNull(v))
    return KERR_OK;
  *item = reqjson_str(j, "item", STORE_ITEM_MAX,
                      "abcdefghijklmnopqrstuvwxyz0123456789_-", msg, msgcap);
  return *item ? KERR_OK : KERR_INVALID;
}

kerr console_req_reference(const char *ref, char up[STORE_REF_MAX + 1],
                           int *valid) {
  size_t n = strlen(ref);
  *valid = 0;
  if (n > STORE_REF_MAX)
    return KERR_LIMIT;
  for (size_t i = 0; i <= n; i++)
    up[i] = (char)toupper((unsigned char)ref[i]);
  *valid = intake_reference_ok(up);
  return KERR_OK;
}
