/* Tests for dynload: the engines' libraries opened on first use. A missing
 * library or function leaves every slot as it was and says so; the kiosk
 * binary itself does not load the engines at launch. */
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "devices/dynload.h"

static int loaded_cb(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  if (strstr(info->dlpi_name, (const char *)data))
    return 1;
  return 0;
}

/* 1 when a library whose path contains name is mapped in this process. */
static int loaded(const char *name) {
  return dl_iterate_phdr(loaded_cb, (void *)name);
}

int main(void) {
  double (*fn)(double) = NULL, (*missing)(double) = NULL;
  const dynload_sym none[] = {{"kiosk_no_such_function", (void **)&missing}};

  /* Neither engine is mapped before it is asked for (this test links
   * kiosk_devices as the kiosk does). */
  CHECK(!loaded("librime"));
  CHECK(!loaded("libzinnia"));
  CHECK(!loaded("libespeak-ng"));

  /* No such library: not found, nothing filled. */
  CHECK_INT(dynload("libkiosk-no-such-library.so.9", none, 1),
            KERR_NOTFOUND);
  CHECK(missing == NULL);

  /* A library that exists, one function that does not: all or nothing. */
  {
    const dynload_sym two[] = {{"cos", (void **)&fn},
                               {"kiosk_no_such_function", (void **)&missing}};
    CHECK_INT(dynload("libm.so.6", two, 2), KERR_NOTFOUND);
    CHECK(fn == NULL && missing == NULL);
  }
  /* Found: the pointer works. */
  {
    const dynload_sym one[] = {{"cos", (void **)&fn}};
    CHECK_INT(dynload("libm.so.6", one, 1), KERR_OK);
    CHECK(fn != NULL && fn && fn(0.0) == 1.0);
  }
  /* The engines' real libraries open by the names the build recorded. */
  {
    void *(*get_api)(void) = NULL;
    const dynload_sym r[] = {{"rime_get_api", (void **)&get_api}};
    CHECK_INT(dynload(KIOSK_RIME_SONAME, r, 1), KERR_OK);
    CHECK(get_api != NULL && get_api && get_api() != NULL);
    CHECK(loaded("librime"));
  }
  CHECK_INT(dynload("", none, 1), KERR_NOTFOUND);
  return TEST_DONE();
}
