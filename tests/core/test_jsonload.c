/* jsonload: each reader's value, default and recorded problem. */
#include <cjson/cJSON.h>

#include "check.h"
#include "core/expr.h"
#include "core/jsonload.h"

int main(void) {
  content_problems p;
  jsonload L;
  int has = -1;
  cJSON *o = cJSON_Parse("{\"s\":\"abc\",\"e\":\"\",\"n\":5,\"f\":2.5,"
                         "\"b\":true,\"x\":[1],\"big\":99}");
  CHECK(o != NULL);
  content_problems_init(&p);
  jsonload_init(&L, &p, "form.json");

  /* Good members: no problem. */
  CHECK_STR(jsonload_str(&L, o, "s", "$", 3, 0), "abc");
  CHECK_STR(jsonload_str(&L, o, "missing", "$", 3, 1), "");
  CHECK_STR(jsonload_str(&L, o, "e", "$", 3, 1), "");
  CHECK_INT(jsonload_bool(&L, o, "b", "$", 0), 1);
  CHECK_INT(jsonload_bool(&L, o, "missing", "$", 1), 1);
  CHECK_INT(jsonload_num(&L, o, "f", "$", 0, &has), 25000);
  CHECK_INT(has, 1);
  CHECK_INT(jsonload_num(&L, o, "missing", "$", 7, &has), 7);
  CHECK_INT(has, 0);
  CHECK_INT(jsonload_int(&L, o, "n", "$", 1, 10, 0), 5);
  CHECK_INT(jsonload_int(&L, o, "missing", "$", 1, 10, 3), 3);
  CHECK_INT(L.err, KERR_OK);
  CHECK_INT(content_problems_count(&p), 0);

  /* Each wrong member: its problem, file and path; the first kind stays. */
  CHECK(jsonload_str(&L, o, "s", "$.a", 2, 0) == NULL);
  CHECK_INT(L.err, KERR_LIMIT);
  CHECK_INT(p.a[0].kind, CONTENT_P_LIMIT);
  CHECK_STR(p.a[0].file, "form.json");
  CHECK_STR(p.a[0].path, "$.a.s");
  CHECK(jsonload_str(&L, o, "missing", "$", 3, 0) == NULL);
  CHECK_INT(p.a[1].kind, CONTENT_P_FIELD);
  CHECK(jsonload_str(&L, o, "n", "$", 3, 0) == NULL);
  CHECK_INT(p.a[2].kind, CONTENT_P_TYPE);
  CHECK(jsonload_str(&L, o, "e", "$", 3, 0) == NULL);
  CHECK_INT(p.a[3].kind, CONTENT_P_VALUE);
  CHECK_INT(jsonload_bool(&L, o, "n", "$", 0), 0);
  CHECK_INT(p.a[4].kind, CONTENT_P_TYPE);
  CHECK_INT(jsonload_num(&L, o, "x", "$", 9, &has), 9);
  CHECK_INT(has, 0);
  CHECK_INT(p.a[5].kind, CONTENT_P_TYPE);
  CHECK_INT(jsonload_int(&L, o, "f", "$", 1, 10, 4), 4);
  CHECK_INT(p.a[6].kind, CONTENT_P_VALUE);
  CHECK_INT(jsonload_int(&L, o, "big", "$", 1, 10, 4), 4);
  CHECK_INT(p.a[7].kind, CONTENT_P_VALUE);
  CHECK_INT(content_problems_count(&p), 8);
  CHECK_INT(L.err, KERR_LIMIT);

  /* Names and identifiers. */
  CHECK(jsonload_name_ok("a_1", 3));
  CHECK(jsonload_name_ok("1a", 3));
  CHECK(!jsonload_name_ok("a_12", 3));
  CHECK(!jsonload_name_ok("", 3));
  CHECK(!jsonload_name_ok("aB", 3));
  CHECK(!jsonload_name_ok("a-b", 3));
  CHECK(jsonload_id_ok("_a", 3));
  CHECK(!jsonload_id_ok("1a", 3));

  content_problems_free(&p);
  cJSON_Delete(o);
  return TEST_DONE();
}
