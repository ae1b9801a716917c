/* fontindex: see fontindex.h. The layout read here is the OpenType
 * specification's: a collection starts with 'ttcf', a version, the number
 * of faces and their offsets; each face starts with its table directory
 * (sfnt version, numTables, then 16-byte records: tag, checksum, offset,
 * length); the 'name' table has a format, a count, the offset of its
 * strings, then 12-byte records (platform, encoding, language, name ID,
 * length, offset). Every number is big-endian; every read is bounded. */
#include "ui/fontindex.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define MAX_FACES 64
#define MAX_TABLES 512
#define MAX_NAMES 4096
#define MAX_NAME_BYTES 512

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static unsigned be16(const unsigned char *p) {
  return (unsigned)p[0] << 8 | p[1];
}

static int read_at(int fd, uint32_t off, void *buf, size_t n) {
  return pread(fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

/* Appends code point cp as UTF-8 to out (cap bytes, kept terminated);
 * -1 when it does not fit. */
static int put_utf8(char *out, size_t cap, size_t *len, uint32_t cp) {
  unsigned char b[4];
  size_t n;
  if (cp < 0x80) {
    b[0] = (unsigned char)cp;
    n = 1;
  } else if (cp < 0x800) {
    b[0] = (unsigned char)(0xC0 | cp >> 6);
    b[1] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    b[0] = (unsigned char)(0xE0 | cp >> 12);
    b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    b[2] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    b[0] = (unsigned char)(0xF0 | cp >> 18);
    b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    b[3] = (unsigned char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  if (*len + n >= cap)
    return -1;
  memcpy(out + *len, b, n);
  *len += n;
  out[*len] = '\0';
  return 0;
}

/* The record's string as UTF-8 in out; -1 for an encoding not read. */
static int decode_name(const unsigned char *s, unsigned n, unsigned platform,
                       unsigned encoding, char *out, size_t cap) {
  size_t len = 0;
  out[0] = '\0';
  if (platform == 1 && encoding == 0) { /* Mac Roman: ASCII only here */
    for (unsigned i = 0; i < n; i++)
      if (s[i] >= 0x80 || put_utf8(out, cap, &len, s[i]))
        return -1;
    return 0;
  }
  if (!(platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))))
    return -1;
  for (unsigned i = 0; i + 1 < n; i += 2) { /* UTF-16BE */
    uint32_t cp = be16(s + i);
    if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < n) {
      uint32_t lo = be16(s + i + 2);
      if (lo < 0xDC00 || lo >= 0xE000)
        return -1;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    } else if (cp >= 0xD800 && cp < 0xE000) {
      return -1;
    }
    if (put_utf8(out, cap, &len, cp))
      return -1;
  }
  return 0;
}

/* 1 if the face whose table directory starts at off names family. */
static int face_has_family(int fd, uint32_t off, const char *family) {
  unsigned char hdr[12], rec[16];
  if (read_at(fd, off, hdr, sizeof hdr))
    return 0;
  unsigned tables = be16(hdr + 4);
  if (tables > MAX_TABLES)
    return 0;
  uint32_t name_off = 0, name_len = 0;
  for (unsigned i = 0; i < tables; i++) {
    if (read_at(fd, off + 12 + 16 * i, rec, sizeof rec))
      return 0;
    if (memcmp(rec, "name", 4) == 0) {
      name_off = be32(rec + 8);
      name_len = be32(rec + 12);
      break;
    }
  }
  unsigned char nh[6];
  if (!name_off || name_len < 6 || read_at(fd, name_off, nh, sizeof nh))
    return 0;
  unsigned count = be16(nh + 2), strings = be16(nh + 4);
  if (count > MAX_NAMES || 6 + 12u * count > name_len)
    return 0;
  for (unsigned i = 0; i < count; i++) {
    unsigned char r[12];
    if (read_at(fd, name_off + 6 + 12 * i, r, sizeof r))
      return 0;
    unsigned platform = be16(r), encoding = be16(r + 2), id = be16(r + 6);
    unsigned len = be16(r + 8), soff = be16(r + 10);
    if ((id != 1 && id != 16 && id != 21) || len == 0 ||
        len > MAX_NAME_BYTES || (uint64_t)strings + soff + len > name_len)
      continue;
    unsigned char s[MAX_NAME_BYTES];
    char utf8[MAX_NAME_BYTES * 2 + 1];
    if (read_at(fd, name_off + strings + soff, s, len))
      return 0;
    if (decode_name(s, len, platform, encoding, utf8, sizeof utf8) == 0 &&
        strcmp(utf8, family) == 0)
      return 1;
  }
  return 0;
}

int font_face_index(const char *path, const char *family) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int found = -1;
  unsigned char hdr[12];
  if (read_at(fd, 0, hdr, sizeof hdr) == 0) {
    if (memcmp(hdr, "ttcf", 4) == 0) {
      uint32_t n = be32(hdr + 8);
      for (uint32_t i = 0; i < n && i < MAX_FACES && found < 0; i++) {
        unsigned char o[4];
        if (read_at(fd, 12 + 4 * i, o, sizeof o))
          break;
        if (face_has_family(fd, be32(o), family))
          found = (int)i;
      }
    } else if (face_has_family(fd, 0, family)) {
      found = 0;
    }
  }
  close(fd);
  return found;
}
