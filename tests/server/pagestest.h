/* pagestest: synthetic applications with photographed pages.
 *
 * The kiosk's document camera puts each photographed page into the sealed
 * payload's "attachments" (docs/submission.schema.json). These helpers
 * make small valid JPEGs with libjpeg and seal an application (the same
 * invented applicant as srvtest_app_make: 测试申请人N, 低保 and 医疗救助)
 * carrying whatever attachments a test gives, to the PKI's seal.pub. */
#ifndef TESTS_SERVER_PAGESTEST_H
#define TESTS_SERVER_PAGESTEST_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "srvtest.h"

/* A baseline JPEG of w×h pixels (a grey gradient and a dark band whose
 * place depends on seed, so two pages differ), quality 80, malloc'ed into
 * *out (*len bytes). 0 = ok. */
int pagestest_jpeg(int w, int h, int seed, unsigned char **out, size_t *len);

/* One attachment object as the contract has it: items (a NULL-terminated
 * list of item ids), material, page, type image/jpeg, width, height and
 * data (standard base64 of data[0..len)). The caller owns it. */
cJSON *pagestest_page(const char *const *items, const char *material,
                      int page, int w, int h, const void *data, size_t len);

/* An application from device with random uuid and reference whose payload
 * has "attachments" = a copy of attachments (any JSON value; NULL leaves
 * the field out) and, when pad > 0, a display row of pad bytes (to grow
 * the sealed box). 0 = ok; free with srvtest_app_free. */
int pagestest_app_make(srvtest_app *a, const char *device, int n,
                       const cJSON *attachments, size_t pad);

#endif
