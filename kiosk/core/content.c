/* content: loading a bundle as a whole, and reading it afterwards.
 *
 * content_load() reads manifest.json, then every file it lists (size, then
 * SHA-256), then parses and validates the known files. It collects every
 * problem before deciding; a bundle with any problem is destroyed and
 * nothing of it is returned. The loaded content keeps the parsed cJSON
 * trees: the public structs point into them, so nothing is copied twice.
 * All arrays live in a small arena freed at once by content_destroy(). */
#include "core/content.h"

#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/content_private.h"
#include "core/json_limits.h"
#include "core/log.h"

struct content_block {
  struct content_block *next;
  alignas(max_align_t) unsigned char data[];
};

void *content_alloc(content *c, size_t n) {
  if (n == 0 || n > SIZE_MAX - sizeof(struct content_block))
    return NULL;
  struct content_block *b = calloc(1, sizeof *b + n);
  if (!b)
    return NULL;
  b->next = c->arena;
  c->arena = b;
  return b->data;
}

void content_destroy(content *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n_files; i++)
    free(c->files[i].data);
  cJSON_Delete(c->manifest);
  cJSON_Delete(c->catalogue);
  cJSON_Delete(c->regions_doc);
  cJSON_Delete(c->strings_doc);
  cJSON_Delete(c->icons_doc);
  while (c->arena) {
    struct content_block *next = c->arena->next;
    free(c->arena);
    c->arena = next;
  }
  free(c);
}

/* ------------------------------------------------------------------ */
/* loading                                                             */

static content_entry *entry_find(const content *c, const char *path) {
  for (size_t i = 0; i < c->n_files; i++)
    if (c->files[i].path && strcmp(c->files[i].path, path) == 0)
      return &c->files[i];
  return NULL;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads every listed file and checks size and hash. */
static void read_files(content *c, int dirfd, content_problems *p) {
  size_t total = 0;
  for (size_t i = 0; i < c->n_files; i++) {
    content_entry *e = &c->files[i];
    if (!e->path)
      continue; /* already reported by the manifest check */
    size_t max = ends_with(e->path, ".json") ? CONTENT_MAX_JSON_BYTES
                                             : CONTENT_MAX_FILE_BYTES;
    if (e->size > max) {
      content_problems_add(p, CONTENT_P_LIMIT, e->path, "",
                           "清单写的大小 %zu 字节超过上限 %zu 字节", e->size, max);
      continue;
    }
    /* Stop before reading past the total: the manifest's sizes are checked
     * first, and each read is bounded by `max`, so at most one file's worth
     * beyond the total is ever in memory. */
    if (total + e->size > CONTENT_MAX_TOTAL_BYTES) {
      content_problems_add(p, CONTENT_P_LIMIT, e->path, "",
                           "内容包总大小超过上限 %u 字节，这个文件及以后的文件没有读取",
                           CONTENT_MAX_TOTAL_BYTES);
      break;
    }
    if (content_fs_read(dirfd, e->path, max, &e->data, &e->len, p) != KERR_OK)
      continue;
    total += e->len;
    if (e->len != e->size) {
      content_problems_add(p, CONTENT_P_SIZE, e->path, "",
                           "文件大小是 %zu 字节，清单里写的是 %zu 字节（文件被改过？"
                           "改完请运行 kioskctl content rehash）",
                           e->len, e->size);
    }
    unsigned char sha[32];
    crypto_hash_sha256(sha, (const unsigned char *)e->data, e->len);
    if (sodium_memcmp(sha, e->sha256, 32) != 0) {
      char hex[65];
      sodium_bin2hex(hex, sizeof hex, sha, sizeof sha);
      content_problems_add(p, CONTENT_P_HASH, e->path, "",
                           "SHA-256 与清单不符（实际是 %.16s…）；文件改过的话，请运行 "
                           "kioskctl content rehash",
                           hex);
    }
  }
  if (total > CONTENT_MAX_TOTAL_BYTES)
    content_problems_add(p, CONTENT_P_LIMIT, "", "",
                         "内容包总大小 %zu 字节超过上限 %u 字节", total,
                         CONTENT_MAX_TOTAL_BYTES);
}

/* Parses one known file; NULL (problem recorded) if missing or bad. */
static cJSON *parse_known(content *c, const char *path, content_problems *p) {
  content_entry *e = entry_find(c, path);
  if (!e) {
    content_problems_add(p, CONTENT_P_MISSING, path, "",
                         "必需的文件没有列在 manifest.json 的 files 里");
    return NULL;
  }
  if (!e->data)
    return NULL; /* unreadable: already reported */
  content_cv v;
  content_cv_init(&v, p, path);
  cJSON *root = content_cv_parse(&v, e->data, e->len, CONTENT_MAX_JSON_BYTES);
  if (root && !cJSON_IsObject(root)) {
    content_cv_fail(&v, CONTENT_P_TYPE, "整个文件应为一个对象（{…}）");
    cJSON_Delete(root);
    root = NULL;
  }
  return root;
}

static kerr kerr_for(content_problem_kind k) {
  switch (k) {
  case CONTENT_P_IO: return KERR_IO;
  case CONTENT_P_MISSING: return KERR_NOTFOUND;
  case CONTENT_P_SIZE:
  case CONTENT_P_HASH: return KERR_CRYPTO;
  case CONTENT_P_LIMIT: return KERR_LIMIT;
  case CONTENT_P_UTF8:
  case CONTENT_P_SYNTAX: return KERR_PARSE;
  case CONTENT_P_VERSION:
  case CONTENT_P_EXPIRED: return KERR_STATE;
  default: return KERR_INVALID;
  }
}

kerr content_load(const char *dir, content **out, content_problems *problems) {
  kerr err = KERR_OK;
  content_problems local;
  content_problems *p = problems;
  int dirfd = -1;
  content *c = NULL;
  char *mdata = NULL;
  size_t mlen = 0;

  *out = NULL;
  content_problems_init(&local);
  if (!p)
    p = &local;
  size_t before = p->n + p->dropped;
  size_t first = p->n;

  if (sodium_init() < 0) {
    err = KERR_INTERNAL;
    goto out;
  }
  c = calloc(1, sizeof *c);
  if (!c) {
    err = KERR_NOMEM;
    goto out;
  }
  dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    int e = errno;
    content_problems_add(p, e == ENOENT ? CONTENT_P_MISSING : CONTENT_P_IO, "", "",
                         "无法打开内容包文件夹：%s", strerror(e));
    err = e == ENOENT ? KERR_NOTFOUND : KERR_IO;
    goto out;
  }
  err = content_fs_read(dirfd, "manifest.json", CONTENT_MAX_MANIFEST_BYTES, &mdata,
                        &mlen, p);
  if (err)
    goto out;
  content_cv v;
  content_cv_init(&v, p, "manifest.json");
  c->manifest = content_cv_parse(&v, mdata, mlen, CONTENT_MAX_MANIFEST_BYTES);
  if (!c->manifest) {
    err = KERR_PARSE;
    goto out;
  }
  content_schema_manifest(c, p);
  if (content_problems_has(p, CONTENT_P_FORMAT) || c->n_files == 0) {
    err = KERR_INVALID;
    goto out;
  }
  read_files(c, dirfd, p);

  c->icons_doc = parse_known(c, "icons.json", p);
  c->strings_doc = parse_known(c, "strings.json", p);
  c->regions_doc = parse_known(c, "regions.json", p);
  c->catalogue = parse_known(c, "catalogue.json", p);
  if (c->icons_doc)
    content_schema_icons(c, p);
  if (c->strings_doc)
    content_schema_strings(c, p);
  if (c->regions_doc)
    content_schema_regions(c, p);
  if (c->catalogue && c->icons_doc && c->regions_doc)
    content_schema_catalogue(c, p);

  if (p->n + p->dropped != before) {
    err = first < p->n ? kerr_for(p->a[first].kind) : KERR_INVALID;
    goto out;
  }
  LOG_I("content", "loaded bundle %s for region %s: %zu items, %zu regions, %zu strings",
        c->version, c->region_code, c->n_items, c->n_regions, c->n_strings);
  *out = c;
  c = NULL;
out:
  if (err) {
    LOG_W("content", "bundle refused: %zu problem(s), first: %s",
          p->n + p->dropped - before, kerr_str(err));
    if (err == KERR_NOMEM && p->n + p->dropped == before)
      content_problems_add(p, CONTENT_P_IO, "", "", "内存不足");
  }
  free(mdata);
  if (dirfd >= 0)
    close(dirfd);
  content_destroy(c);
  content_problems_free(&local);
  return err;
}

kerr content_replace(content **current, const char *dir,
                     content_problems *problems) {
  content *next = NULL;
  kerr err = content_load(dir, &next, problems);
  if (err)
    return err;
  if (*current && content_version_compare(next->version, (*current)->version) <= 0) {
    content_problems_add(problems, CONTENT_P_VERSION, "manifest.json", "$.version",
                         "版本 %s 不比正在使用的 %s 新，不更换", next->version,
                         (*current)->version);
    content_destroy(next);
    return KERR_STATE;
  }
  content_destroy(*current);
  *current = next;
  return KERR_OK;
}

/* ------------------------------------------------------------------ */
/* versions and dates                                                  */

/* Parses up to 4 components; returns their count, 0 if invalid. */
static int version_parse(const char *s, unsigned long v[4]) {
  int n = 0;
  const char *p = s;
  for (;;) {
    if (n == 4)
      return 0;
    size_t digits = 0;
    unsigned long x = 0;
    while (*p >= '0' && *p <= '9') {
      if (++digits > 9)
        return 0;
      x = x * 10 + (unsigned long)(*p - '0');
      p++;
    }
    if (digits == 0)
      return 0;
    v[n++] = x;
    if (*p == '\0')
      return n;
    if (*p != '.')
      return 0;
    p++;
  }
}

int content_version_valid(const char *s) {
  unsigned long v[4];
  return s && version_parse(s, v) > 0;
}

int content_version_compare(const char *a, const char *b) {
  unsigned long va[4] = {0}, vb[4] = {0};
  int na = version_parse(a, va), nb = version_parse(b, vb);
  if (na == 0 || nb == 0)
    return na - nb; /* an invalid version sorts first */
  for (int i = 0; i < na && i < nb; i++)
    if (va[i] != vb[i])
      return va[i] < vb[i] ? -1 : 1;
  return na - nb;
}

int content_date_valid(const char *s) { return s && content_schema_date_ok(s); }

int content_expired(const content *c, const char *today) {
  if (!c || !today || !content_schema_date_ok(today))
    return 0;
  return strcmp(today, c->expires) > 0;
}

/* ------------------------------------------------------------------ */
/* accessors                                                           */

const char *content_version(const content *c) { return c->version; }
const char *content_region_code(const content *c) { return c->region_code; }
const char *content_region_name(const content *c) { return c->region_name; }
const char *content_issued(const content *c) { return c->issued; }
const char *content_expires(const content *c) { return c->expires; }

size_t content_item_count(const content *c) { return c->n_items; }

const content_item *content_item_at(const content *c, size_t i) {
  return i < c->n_items ? &c->items[i] : NULL;
}

const content_item *content_item_find(const content *c, const char *id) {
  for (size_t i = 0; i < c->n_items; i++)
    if (c->items[i].id && strcmp(c->items[i].id, id) == 0)
      return &c->items[i];
  return NULL;
}

size_t content_region_count(const content *c) { return c->n_regions; }

const content_region *content_region_at(const content *c, size_t i) {
  return i < c->n_regions ? &c->regions[i] : NULL;
}

const content_region *content_region_find(const content *c, const char *code) {
  for (size_t i = 0; i < c->n_regions; i++)
    if (c->regions[i].code && strcmp(c->regions[i].code, code) == 0)
      return &c->regions[i];
  return NULL;
}

static int standard_to_come(const content_standard *s, const char *today) {
  return s->effective_announced && strcmp(s->effective, today) > 0;
}

const content_standard *content_standard_find(const content_region *r,
                                              const char *key,
                                              const char *today) {
  const content_standard *best = NULL;
  for (size_t i = 0; r && i < r->n_standards; i++) {
    const content_standard *s = &r->standards[i];
    if (!s->key || strcmp(s->key, key) != 0 || standard_to_come(s, today))
      continue;
    if (!best || strcmp(s->effective, best->effective) > 0)
      best = s;
  }
  return best;
}

const content_standard *content_standard_upcoming(const content_region *r,
                                                  const char *key,
                                                  const char *today) {
  const content_standard *next = NULL;
  for (size_t i = 0; r && i < r->n_standards; i++) {
    const content_standard *s = &r->standards[i];
    if (!s->key || strcmp(s->key, key) != 0 || !standard_to_come(s, today))
      continue;
    if (!next || strcmp(s->effective, next->effective) < 0)
      next = s;
  }
  return next;
}

int content_standard_in_force(const content_region *r,
                              const content_standard *s, const char *today) {
  return s && s->key && content_standard_find(r, s->key, today) == s;
}

kerr content_standard_monthly_fen(const content_standard *s, int64_t *out) {
  if (!s || !s->has_value)
    return KERR_NOTFOUND;
  switch (s->unit) {
  case CONTENT_UNIT_PERSON_MONTH:
    *out = s->value_fen;
    return KERR_OK;
  case CONTENT_UNIT_PERSON_YEAR:
    *out = s->value_fen / 12;
    return KERR_OK;
  default:
    return KERR_INVALID;
  }
}

kerr content_standard_monthly_yuan(const content_standard *s, int64_t *out) {
  if (!s || !s->has_value || s->unit != CONTENT_UNIT_PERSON_YEAR)
    return KERR_NOTFOUND;
  *out = (s->value_fen + 600) / 1200;
  return KERR_OK;
}

int content_standard_note_conflict(const content_standard *s, int64_t *said) {
  static const char month[] = "每月";
  int64_t m;
  if (content_standard_monthly_yuan(s, &m) || !s->note)
    return 0;
  for (const char *p = strstr(s->note, month); p; p = strstr(p + 1, month)) {
    const char *q = p + sizeof month - 1;
    int64_t n = 0;
    int digits = 0;
    for (; (*q >= '0' && *q <= '9') || *q == ','; q++)
      if (*q != ',' && digits < 12) {
        n = n * 10 + (*q - '0');
        digits++;
      }
    if (digits && strncmp(q, "元", strlen("元")) == 0 &&
        (n < m - 1 || n > m + 1)) {
      *said = n;
      return 1;
    }
  }
  return 0;
}

static int kv_key_cmp(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const content_kv *)elem)->key);
}

const char *content_string_find(const content *c, const char *key) {
  if (!c || !key || c->n_strings == 0)
    return NULL;
  const content_kv *kv =
      bsearch(key, c->strings, c->n_strings, sizeof *c->strings, kv_key_cmp);
  return kv ? kv->value : NULL;
}

const char *content_string(const content *c, const char *key) {
  const char *s = content_string_find(c, key);
  if (!s) {
    LOG_D("content", "missing string %s", key ? key : "(null)");
    return CONTENT_STRING_MISSING;
  }
  return s;
}

size_t content_speak_apply(const content *c, const char *in, char *out,
                           size_t cap) {
  size_t n = 0;
  if (!cap)
    return 0;
  out[0] = '\0';
  if (!in)
    return 0;
  while (*in) {
    /* The longest rule written here, else one character as it is. */
    const content_kv *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; c && i < c->n_speak; i++) {
      size_t wl = strlen(c->speak[i].key);
      if (wl > best_len && strncmp(in, c->speak[i].key, wl) == 0) {
        best = &c->speak[i];
        best_len = wl;
      }
    }
    const char *put = best ? best->value : in;
    size_t len = best ? strlen(best->value) : 1;
    if (!best)
      while ((unsigned char)in[len] >= 0x80 && (unsigned char)in[len] < 0xC0)
        len++; /* the rest of this UTF-8 character */
    if (n + len >= cap)
      break; /* cut at a whole character or rule */
    memcpy(out + n, put, len);
    n += len;
    out[n] = '\0';
    in += best ? best_len : len;
  }
  return n;
}

size_t content_string_count(const content *c) { return c->n_strings; }

size_t content_icon_count(const content *c) { return c->n_icons; }

const content_icon *content_icon_find(const content *c, const char *name) {
  for (size_t i = 0; i < c->n_icons; i++)
    if (c->icons[i].name && strcmp(c->icons[i].name, name) == 0)
      return &c->icons[i];
  return NULL;
}

const char *content_layer_label(const content *c, content_layer layer) {
  static const char *const keys[CONTENT_LAYER_COUNT] = {
      "layer.basic", "layer.special", "layer.emergency", "layer.social"};
  if ((int)layer < 0 || layer >= CONTENT_LAYER_COUNT)
    return CONTENT_STRING_MISSING;
  return content_string(c, keys[layer]);
}

const char *content_unit_label(const content *c, content_unit unit) {
  static const char *const keys[CONTENT_UNIT_COUNT] = {
      "unit.yuan_per_person_month", "unit.yuan_per_person_year",
      "unit.yuan_per_person_time", "unit.yuan_per_case", "unit.ratio",
      "unit.yes_no"};
  if ((int)unit < 0 || unit >= CONTENT_UNIT_COUNT)
    return CONTENT_STRING_MISSING;
  return content_string(c, keys[unit]);
}

kerr content_file(const content *c, const char *path, const char **data,
                  size_t *len) {
  const content_entry *e = entry_find(c, path);
  if (!e || !e->data)
    return KERR_NOTFOUND;
  *data = e->data;
  *len = e->len;
  return KERR_OK;
}

size_t content_file_count(const content *c) { return c->n_files; }

/* ------------------------------------------------------------------ */
/* rehash                                                              */

static kerr write_manifest(int dirfd, const char *text, content_problems *p) {
  kerr err = KERR_OK;
  const char *tmp = ".manifest.json.tmp";
  int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                  0644);
  if (fd < 0) {
    content_problems_add(p, CONTENT_P_IO, "manifest.json", "", "无法写入：%s",
                         strerror(errno));
    return KERR_IO;
  }
  size_t len = strlen(text), done = 0;
  while (done < len) {
    ssize_t w = write(fd, text + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      content_problems_add(p, CONTENT_P_IO, "manifest.json", "", "写入失败：%s",
                           strerror(errno));
      err = KERR_IO;
      break;
    }
    done += (size_t)w;
  }
  if (!err && (write(fd, "\n", 1) != 1 || fsync(fd) != 0)) {
    content_problems_add(p, CONTENT_P_IO, "manifest.json", "", "写入失败：%s",
                         strerror(errno));
    err = KERR_IO;
  }
  close(fd);
  if (!err && renameat(dirfd, tmp, dirfd, "manifest.json") != 0) {
    content_problems_add(p, CONTENT_P_IO, "manifest.json", "", "无法替换：%s",
                         strerror(errno));
    err = KERR_IO;
  }
  if (err)
    unlinkat(dirfd, tmp, 0);
  return err;
}

kerr content_rehash(const char *dir, content_problems *problems) {
  kerr err = KERR_OK;
  int dirfd = -1;
  char *mdata = NULL, *text = NULL;
  size_t mlen = 0;
  cJSON *root = NULL;
  content_problems local;
  content_problems *p = problems ? problems : &local;
  content_problems_init(&local);
  size_t before = p->n + p->dropped;

  if (sodium_init() < 0) {
    err = KERR_INTERNAL;
    goto out;
  }
  dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    content_problems_add(p, CONTENT_P_IO, "", "", "无法打开内容包文件夹：%s",
                         strerror(errno));
    err = KERR_IO;
    goto out;
  }
  err = content_fs_read(dirfd, "manifest.json", CONTENT_MAX_MANIFEST_BYTES, &mdata,
                        &mlen, p);
  if (err)
    goto out;
  content_cv v;
  content_cv_init(&v, p, "manifest.json");
  root = content_cv_parse(&v, mdata, mlen, CONTENT_MAX_MANIFEST_BYTES);
  cJSON *files = root ? cJSON_GetObjectItemCaseSensitive(root, "files") : NULL;
  if (!cJSON_IsArray(files)) {
    if (root)
      content_problems_add(p, CONTENT_P_FIELD, "manifest.json", "$.files",
                           "缺少文件列表“files”");
    err = KERR_INVALID;
    goto out;
  }
  size_t i = 0;
  for (cJSON *f = files->child; f; f = f->next, i++) {
    char jp[64], why[160];
    snprintf(jp, sizeof jp, "$.files[%zu].path", i);
    cJSON *path = cJSON_GetObjectItemCaseSensitive(f, "path");
    if (!cJSON_IsString(path)) {
      content_problems_add(p, CONTENT_P_FIELD, "manifest.json", jp, "缺少路径");
      continue;
    }
    if (!content_fs_path_ok(path->valuestring, why, sizeof why)) {
      content_problems_add(p, CONTENT_P_PATH, "manifest.json", jp, "“%s”：%s",
                           path->valuestring, why);
      continue;
    }
    char *data = NULL;
    size_t len = 0;
    if (content_fs_read(dirfd, path->valuestring, CONTENT_MAX_FILE_BYTES, &data, &len,
                        p) != KERR_OK)
      continue;
    unsigned char sha[32];
    char hex[65];
    crypto_hash_sha256(sha, (const unsigned char *)data, len);
    free(data);
    sodium_bin2hex(hex, sizeof hex, sha, sizeof sha);
    cJSON *hs = cJSON_CreateString(hex);
    cJSON *sz = cJSON_CreateNumber((double)len);
    if (!hs || !sz) {
      cJSON_Delete(hs);
      cJSON_Delete(sz);
      err = KERR_NOMEM;
      goto out;
    }
    if (cJSON_GetObjectItemCaseSensitive(f, "sha256"))
      cJSON_ReplaceItemInObjectCaseSensitive(f, "sha256", hs);
    else
      cJSON_AddItemToObject(f, "sha256", hs);
    if (cJSON_GetObjectItemCaseSensitive(f, "size"))
      cJSON_ReplaceItemInObjectCaseSensitive(f, "size", sz);
    else
      cJSON_AddItemToObject(f, "size", sz);
  }
  if (p->n + p->dropped != before) {
    err = KERR_INVALID;
    goto out;
  }
  text = cJSON_Print(root);
  if (!text) {
    err = KERR_NOMEM;
    goto out;
  }
  err = write_manifest(dirfd, text, p);
out:
  free(text);
  cJSON_Delete(root);
  free(mdata);
  if (dirfd >= 0)
    close(dirfd);
  content_problems_free(&local);
  return err;
}
