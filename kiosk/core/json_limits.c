/* json_limits: see json_limits.h. One linear pre-scan bounds everything
 * cJSON could be made to spend (recursion, allocation), then cJSON parses,
 * then a bounded walk checks what only the decoded tree shows. */
#include "core/json_limits.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

const char *json_limits_fault_str(json_limits_fault f) {
  switch (f) {
  case JSON_LIMITS_OK: return "正常";
  case JSON_LIMITS_TOO_BIG: return "文件太大";
  case JSON_LIMITS_BAD_UTF8: return "含有不是 UTF-8 编码的字节（请用 UTF-8 保存文件）";
  case JSON_LIMITS_TOO_DEEP: return "括号嵌套层数太多";
  case JSON_LIMITS_STRING_TOO_LONG: return "一段文字太长";
  case JSON_LIMITS_TOO_MANY_ITEMS: return "一个列表或对象里的条目太多";
  case JSON_LIMITS_SYNTAX: return "JSON 格式错误（检查逗号、引号和括号）";
  case JSON_LIMITS_DUPLICATE_KEY: return "同一个对象里有重复的字段名";
  case JSON_LIMITS_BAD_CHAR: return "含有不允许的控制字符";
  }
  return "未知错误";
}

static kerr fail(json_limits_error *err, json_limits_fault f, const char *buf,
                 size_t offset) {
  if (err) {
    err->fault = f;
    err->offset = offset;
    err->line = 1;
    err->column = 1;
    for (size_t i = 0; i < offset; i++) {
      if (buf[i] == '\n') {
        err->line++;
        err->column = 1;
      } else {
        err->column++;
      }
    }
  }
  switch (f) {
  case JSON_LIMITS_TOO_BIG:
  case JSON_LIMITS_TOO_DEEP:
  case JSON_LIMITS_STRING_TOO_LONG:
  case JSON_LIMITS_TOO_MANY_ITEMS:
    return KERR_LIMIT;
  default:
    return KERR_PARSE;
  }
}

static int is_hex0(const char *p, size_t left) {
  return left >= 4 && memcmp(p, "0000", 4) == 0;
}

/* The linear pre-scan. Returns JSON_LIMITS_OK or the first fault, with its
 * offset in *at. */
static json_limits_fault prescan(const char *buf, size_t start, size_t len,
                                 const json_limits *lim, size_t *at) {
  const unsigned char *p = (const unsigned char *)buf;
  size_t items[JSON_LIMITS_MAX_DEPTH + 1];
  size_t depth = 0, str_start = 0;
  int in_str = 0, esc = 0;
  size_t max_depth = lim->max_depth;
  if (max_depth > JSON_LIMITS_MAX_DEPTH)
    max_depth = JSON_LIMITS_MAX_DEPTH;
  items[0] = 0;
  for (size_t i = start; i < len;) {
    unsigned char c = p[i];
    *at = i;
    if (c >= 0x80) {
      uint32_t cp;
      size_t k = utf8_decode(buf + i, len - i, &cp);
      if (k == 0)
        return JSON_LIMITS_BAD_UTF8;
      if (in_str && i + k - str_start > lim->max_string)
        return JSON_LIMITS_STRING_TOO_LONG;
      esc = 0;
      i += k;
      continue;
    }
    if (in_str) {
      if (c < 0x20)
        return JSON_LIMITS_BAD_CHAR; /* raw control character in a string */
      if ((esc || c != '"') && i + 1 - str_start > lim->max_string)
        return JSON_LIMITS_STRING_TOO_LONG;
      if (esc) {
        esc = 0;
        if (c == 'u' && is_hex0(buf + i + 1, len - i - 1))
          return JSON_LIMITS_BAD_CHAR; /* \u0000 would truncate the string */
      } else if (c == '\\') {
        esc = 1;
      } else if (c == '"') {
        in_str = 0;
      }
      i++;
      continue;
    }
    switch (c) {
    case '\0':
      return JSON_LIMITS_BAD_CHAR;
    case '"':
      in_str = 1;
      str_start = i + 1;
      break;
    case '[':
    case '{':
      if (depth >= max_depth)
        return JSON_LIMITS_TOO_DEEP;
      items[++depth] = 1;
      break;
    case ']':
    case '}':
      if (depth == 0)
        return JSON_LIMITS_SYNTAX;
      depth--;
      break;
    case ',':
      if (depth > 0 && ++items[depth] > lim->max_items)
        return JSON_LIMITS_TOO_MANY_ITEMS;
      break;
    default:
      break;
    }
    i++;
  }
  return JSON_LIMITS_OK;
}

static int bad_text(const char *s) {
  size_t n = strlen(s);
  if (!utf8_valid(s, n))
    return 1;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
      return 1;
  }
  return 0;
}

/* Checks decoded strings and duplicate keys; depth is bounded by the
 * pre-scan. */
static json_limits_fault walk(const cJSON *node, json_limits_error *err) {
  if (node->string && bad_text(node->string))
    return JSON_LIMITS_BAD_CHAR;
  if (cJSON_IsString(node) && bad_text(node->valuestring))
    return JSON_LIMITS_BAD_CHAR;
  if (cJSON_IsObject(node)) {
    for (const cJSON *a = node->child; a; a = a->next) {
      for (const cJSON *b = node->child; b != a; b = b->next) {
        if (a->string && b->string && strcmp(a->string, b->string) == 0) {
          if (err)
            snprintf(err->key, sizeof err->key, "%s", a->string);
          return JSON_LIMITS_DUPLICATE_KEY;
        }
      }
    }
  }
  for (const cJSON *ch = node->child; ch; ch = ch->next) {
    json_limits_fault f = walk(ch, err);
    if (f != JSON_LIMITS_OK)
      return f;
  }
  return JSON_LIMITS_OK;
}

kerr json_limits_parse(const char *buf, size_t len, const json_limits *lim,
                       cJSON **out, json_limits_error *err) {
  *out = NULL;
  if (err)
    memset(err, 0, sizeof *err);
  if (len > lim->max_bytes)
    return fail(err, JSON_LIMITS_TOO_BIG, buf, 0);
  size_t start = 0;
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
    start = 3;
  size_t at = start;
  json_limits_fault f = prescan(buf, start, len, lim, &at);
  if (f != JSON_LIMITS_OK)
    return fail(err, f, buf, at);

  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(buf + start, len - start, &end, 0);
  if (!root) {
    size_t off = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : start;
    return fail(err, JSON_LIMITS_SYNTAX, buf, off);
  }
  size_t off = (size_t)(end - buf);
  while (off < len && (buf[off] == ' ' || buf[off] == '\t' || buf[off] == '\n' ||
                       buf[off] == '\r'))
    off++;
  if (off < len) {
    cJSON_Delete(root);
    return fail(err, JSON_LIMITS_SYNTAX, buf, off); /* trailing content */
  }
  f = walk(root, err);
  if (f != JSON_LIMITS_OK) {
    cJSON_Delete(root);
    return fail(err, f, buf, 0);
  }
  *out = root;
  return KERR_OK;
}
