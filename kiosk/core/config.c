/* config: see config.h. Keys are described once, in a table, so that the
 * parser, the error messages and the documentation cannot drift apart. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/bundle_sig.h"
#include "core/log.h"
#include "core/utf8.h"

#define LINE_MAX_BYTES 2048
#define FILE_MAX_BYTES (256 * 1024)

typedef enum {
  T_STR, T_INT, T_BOOL, T_URL, T_LEVEL, T_SIZE, T_RENDERER, T_PREFIX,
  T_KEYS, T_PRINTER, T_DOTS, T_STATUS_URL, T_IDCARD, T_CAMERA
} ktype;

typedef struct key_def {
  const char *name;
  ktype type;
  size_t off;   /* offset of the field in config */
  size_t size;  /* buffer size for strings */
  int min, max; /* for integers */
} key_def;

#define S(name, field) {name, T_STR, offsetof(config, field), sizeof(((config *)0)->field), 0, 0}
#define I(name, field, lo, hi) {name, T_INT, offsetof(config, field), 0, lo, hi}
#define B(name, field) {name, T_BOOL, offsetof(config, field), 0, 0, 1}

static const key_def keys[] = {
    {"backend.url", T_URL, offsetof(config, backend_url), CONFIG_STR_MAX, 0, 0},
    S("backend.ca_file", ca_file),
    S("backend.client_cert", client_cert),
    S("backend.client_key", client_key),
    S("backend.pin_sha256", pin_sha256),
    S("backend.seal_public_key", seal_public_key),
    I("backend.connect_timeout_s", connect_timeout_s, 1, 120),
    I("backend.request_timeout_s", request_timeout_s, 1, 600),
    I("backend.heartbeat_s", heartbeat_s, 1, 86400),
    S("device.region", region),
    S("device.id", device_id),
    {"device.ref_prefix", T_PREFIX, offsetof(config, ref_prefix), 3, 0, 0},
    I("session.inactivity_s", inactivity_s, 15, 3600),
    I("session.warning_s", warning_s, 20, 300),
    I("ime.release_after_s", ime_release_s, 0, 86400),
    B("screen.fullscreen", fullscreen),
    {"screen.size", T_SIZE, offsetof(config, width), 0, 0, 0},
    B("screen.elder_default", elder_default),
    I("screen.text_size", elder_default, 0, 2),
    S("keys.up", keys_up),
    S("keys.down", keys_down),
    S("keys.left", keys_left),
    S("keys.right", keys_right),
    S("keys.enter", keys_enter),
    S("keys.back", keys_back),
    S("keys.help", keys_help),
    S("keys.volume_up", keys_volume_up),
    S("keys.volume_down", keys_volume_down),
    S("speech.output", speech_output),
    S("speech.wav_dir", speech_wav_dir),
    I("speech.volume", speech_volume, 0, 100),
    B("speech.auto_elder", speech_auto_elder),
    {"screen.renderer", T_RENDERER, offsetof(config, renderer), 0, 0, 0},
    S("paths.content", content_dir),
    S("paths.data", data_dir),
    S("paths.runtime", runtime_dir),
    S("paths.fonts", fonts_file),
    S("paths.printer", printer_dir),
    S("paths.rime", rime_dir),
    {"printer.uri", T_PRINTER, offsetof(config, printer_uri), CONFIG_STR_MAX,
     0, 0},
    {"printer.width_dots", T_DOTS, offsetof(config, printer_width_dots), 0,
     CONFIG_PRINTER_DOTS_MIN, CONFIG_PRINTER_DOTS_MAX},
    {"receipt.status_url", T_STATUS_URL, offsetof(config, receipt_status_url),
     CONFIG_STATUS_URL_MAX + 1, 0, 0},
    {"idcard.kind", T_IDCARD, offsetof(config, idcard_kind),
     sizeof(((config *)0)->idcard_kind), 0, 0},
    S("idcard.sim_dir", idcard_sim_dir),
    S("idcard.library", idcard_library),
    I("idcard.port", idcard_port, 1, 9999),
    {"camera.driver", T_CAMERA, offsetof(config, camera_driver),
     sizeof(((config *)0)->camera_driver), 0, 0},
    S("camera.device", camera_device),
    S("camera.sim_dir", camera_sim_dir),
    I("camera.max_pages_per_item", camera_max_pages, 1, 24),
    I("camera.max_bytes", camera_max_bytes, 65536, 4 * 1024 * 1024),
    I("camera.jpeg_quality", camera_quality, 30, 95),
    {"log.level", T_LEVEL, offsetof(config, log_level), 0, 0, 0},
    {"content.trusted_keys", T_KEYS, offsetof(config, trusted_keys),
     CONFIG_KEYS_MAX, 0, 0},
    I("content.sync_interval_s", sync_interval_s, 60, 604800),
    B("security.dumpable", dumpable),
};

/* Everything but the paths. */
static void defaults_common(config *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->backend_url, sizeof c->backend_url, "https://127.0.0.1:8443");
  c->connect_timeout_s = 5;
  c->request_timeout_s = 20;
  c->heartbeat_s = 300;
  snprintf(c->region, sizeof c->region, "140500");
  snprintf(c->device_id, sizeof c->device_id, "KIOSK-140500-001");
  snprintf(c->ref_prefix, sizeof c->ref_prefix, "JC");
  c->inactivity_s = 90;
  c->warning_s = 30;
  c->ime_release_s = 300;
  c->fullscreen = 1;
  c->width = 1920;
  c->height = 1080;
  snprintf(c->rime_dir, sizeof c->rime_dir, "%s/rime", KIOSK_DATADIR);
  snprintf(c->printer_uri, sizeof c->printer_uri, "sim:");
  c->printer_kind = CONFIG_PRINTER_SIM;
  c->printer_width_dots = 576;
  c->log_level = LOG_INFO;
  c->sync_interval_s = 4 * 3600;
  c->speech_volume = 70;
  snprintf(c->idcard_kind, sizeof c->idcard_kind, "none");
  c->idcard_port = 1001;
  snprintf(c->camera_driver, sizeof c->camera_driver, "none");
  snprintf(c->camera_device, sizeof c->camera_device, "/dev/video0");
  c->camera_max_pages = 6;
  c->camera_max_bytes = 4 * 1024 * 1024;
  c->camera_quality = 70;
  c->speech_auto_elder = 1;
  snprintf(c->keys_up, sizeof c->keys_up, "Up");
  snprintf(c->keys_down, sizeof c->keys_down, "Down");
  snprintf(c->keys_left, sizeof c->keys_left, "Left");
  snprintf(c->keys_right, sizeof c->keys_right, "Right");
  snprintf(c->keys_enter, sizeof c->keys_enter, "Return,Keypad Enter");
  snprintf(c->keys_back, sizeof c->keys_back, "Escape,AC Back");
  snprintf(c->keys_help, sizeof c->keys_help, "F1,Help");
  snprintf(c->keys_volume_up, sizeof c->keys_volume_up, "F6,VolumeUp");
  snprintf(c->keys_volume_down, sizeof c->keys_volume_down, "F5,VolumeDown");
}

void config_defaults(config *c, const char *base) {
  defaults_common(c);
  snprintf(c->ca_file, sizeof c->ca_file, "%s/var/pki/ca.crt", base);
  snprintf(c->client_cert, sizeof c->client_cert,
           "%s/var/pki/devices/KIOSK-140500-001.crt", base);
  snprintf(c->client_key, sizeof c->client_key,
           "%s/var/pki/devices/KIOSK-140500-001.key", base);
  snprintf(c->content_dir, sizeof c->content_dir, "%s/assets/bundle", base);
  snprintf(c->data_dir, sizeof c->data_dir, "%s/var/data", base);
  snprintf(c->runtime_dir, sizeof c->runtime_dir, "/dev/shm");
  snprintf(c->fonts_file, sizeof c->fonts_file, "%s/fonts/fonts.conf", base);
  snprintf(c->printer_dir, sizeof c->printer_dir, "%s/var/printer", base);
}

void config_defaults_installed(config *c) {
  defaults_common(c);
  snprintf(c->ca_file, sizeof c->ca_file, "%s/pki/ca.crt", KIOSK_SYSCONFDIR);
  snprintf(c->client_cert, sizeof c->client_cert, "%s/pki/device.crt",
           KIOSK_SYSCONFDIR);
  snprintf(c->client_key, sizeof c->client_key, "%s/pki/device.key",
           KIOSK_SYSCONFDIR);
  snprintf(c->content_dir, sizeof c->content_dir, "%s/bundle", KIOSK_DATADIR);
  snprintf(c->data_dir, sizeof c->data_dir, "%s", KIOSK_STATEDIR);
  snprintf(c->runtime_dir, sizeof c->runtime_dir, "%s", KIOSK_RUNDIR);
  snprintf(c->fonts_file, sizeof c->fonts_file, "%s/fonts/fonts.conf",
           KIOSK_DATADIR);
  snprintf(c->printer_dir, sizeof c->printer_dir, "%s/printer",
           KIOSK_STATEDIR);
}

/* Reads "key = value" lines of a devtree marker into source and rime. */
static kerr devtree_parse(FILE *f, char *source, size_t scap, char *rime,
                          size_t rcap) {
  char line[LINE_MAX_BYTES];
  source[0] = rime[0] = '\0';
  while (fgets(line, sizeof line, f)) {
    char *nl = strchr(line, '\n');
    if (!nl)
      return KERR_PARSE;
    *nl = '\0';
    if (line[0] == '#' || line[0] == '\0')
      continue;
    char *eq = strstr(line, " = ");
    if (!eq)
      return KERR_PARSE;
    *eq = '\0';
    const char *v = eq + 3;
    char *dst = strcmp(line, "source") == 0 ? source
                : strcmp(line, "rime") == 0 ? rime
                                            : NULL;
    size_t cap = dst == source ? scap : rcap;
    if (!dst || v[0] != '/' || strlen(v) >= cap)
      return KERR_PARSE;
    memcpy(dst, v, strlen(v) + 1);
  }
  return source[0] && rime[0] ? KERR_OK : KERR_PARSE;
}

kerr config_devtree_read(const char *exe_path, char *source, size_t scap,
                         char *rime, size_t rcap) {
  char dir[PATH_MAX];
  if (!exe_path || snprintf(dir, sizeof dir, "%s", exe_path) >= (int)sizeof dir)
    return KERR_NOTFOUND;
  for (int up = 0; up < 4; up++) {
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
      return KERR_NOTFOUND;
    *slash = '\0';
    char marker[PATH_MAX + sizeof CONFIG_DEVTREE_FILE + 1];
    snprintf(marker, sizeof marker, "%s/%s", dir, CONFIG_DEVTREE_FILE);
    FILE *f = fopen(marker, "re");
    if (!f)
      continue;
    kerr e = devtree_parse(f, source, scap, rime, rcap);
    fclose(f);
    return e;
  }
  return KERR_NOTFOUND;
}

/* The reference-number alphabet of net/refno.h (REFNO_ALPHABET): the core
 * cannot link net/, so the prefix is checked here against the same symbols
 * and again with refno_check_prefix() when the outbox is opened;
 * tests/app/test_submit.c checks that both accept exactly the same
 * prefixes. */
#define PREFIX_ALPHABET "34679ACDEFHJKMNPQRTUWXY"

static int prefix_ok(const char *v) {
  if (strlen(v) != 2)
    return 0;
  for (int i = 0; i < 2; i++)
    if (!strchr(PREFIX_ALPHABET, v[i]))
      return 0;
  return 1;
}

const char *config_printer_dir(const config *c) {
  if (c->printer_kind == CONFIG_PRINTER_SIM && c->printer_target[0])
    return c->printer_target;
  return c->printer_dir;
}

/* printer.uri: "sim:", "sim:DIR", "device:/PATH" or "cups:QUEUE". Only the
 * form is checked here; whether the device or queue exists is the
 * printer's business at print time (a printer may be plugged in later). */
static kerr parse_printer(config *c, const char *key, const char *v,
                          char *err, size_t errlen) {
  static const struct {
    const char *prefix;
    config_printer kind;
  } kinds[] = {{"sim:", CONFIG_PRINTER_SIM},
               {"device:", CONFIG_PRINTER_DEVICE},
               {"cups:", CONFIG_PRINTER_CUPS}};
  size_t vlen = strlen(v);
  if (vlen >= sizeof c->printer_uri) {
    snprintf(err, errlen, "%s: value longer than %zu bytes", key,
             sizeof c->printer_uri - 1);
    return KERR_INVALID;
  }
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    size_t pl = strlen(kinds[i].prefix);
    if (strncmp(v, kinds[i].prefix, pl) != 0)
      continue;
    const char *t = v + pl;
    switch (kinds[i].kind) {
    case CONFIG_PRINTER_SIM:
      break; /* any folder; empty: paths.printer */
    case CONFIG_PRINTER_DEVICE:
      if (t[0] != '/') {
        snprintf(err, errlen, "%s: '%s': the device must be an absolute "
                 "path, e.g. device:/dev/usb/lp0", key, v);
        return KERR_INVALID;
      }
      break;
    case CONFIG_PRINTER_CUPS:
      /* CUPS queue names: printable, no space, '/', '#' or '\'. */
      if (!t[0] || strlen(t) > 127) {
        snprintf(err, errlen, "%s: '%s': a CUPS queue name of 1 to 127 "
                 "characters is expected, e.g. cups:receipt", key, v);
        return KERR_INVALID;
      }
      for (const char *p = t; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '/' || *p == '#' ||
            *p == '\\' || *p == 0x7f) {
          snprintf(err, errlen, "%s: '%s': a CUPS queue name cannot hold "
                   "spaces, '/', '#' or '\\'", key, v);
          return KERR_INVALID;
        }
      break;
    }
    memcpy(c->printer_uri, v, vlen + 1);
    snprintf(c->printer_target, sizeof c->printer_target, "%s", t);
    c->printer_kind = kinds[i].kind;
    return KERR_OK;
  }
  snprintf(err, errlen, "%s: '%s' is not sim:FOLDER, device:/PATH or "
           "cups:QUEUE", key, v);
  return KERR_INVALID;
}

static const key_def *find_key(const char *name) {
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (strcmp(keys[i].name, name) == 0)
      return &keys[i];
  return NULL;
}

static int parse_int(const char *v, long *out) {
  if (!*v)
    return -1;
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || *end)
    return -1;
  *out = n;
  return 0;
}

kerr config_set(config *c, const char *key, const char *value, char *err,
                size_t errlen) {
  const key_def *k = find_key(key);
  if (!k) {
    snprintf(err, errlen, "unknown key '%s'", key);
    return KERR_INVALID;
  }
  char *field = (char *)c + k->off;
  size_t vlen = strlen(value);
  if (!utf8_valid(value, vlen)) {
    snprintf(err, errlen, "%s: value is not valid UTF-8", key);
    return KERR_INVALID;
  }
  switch (k->type) {
  case T_STATUS_URL:
    /* Empty: the QR code is the bare reference. Else an https:// address
     * naming both the reference and the token (the public page shows
     * nothing without the token), printable ASCII without spaces. */
    for (size_t i = 0; i < vlen; i++)
      if (value[i] <= ' ' || value[i] > '~') {
        snprintf(err, errlen, "%s: no spaces or non-ASCII characters", key);
        return KERR_INVALID;
      }
    if (vlen && (strncmp(value, "https://", 8) != 0 || vlen <= 8 ||
                 !strstr(value, "{ref}") || !strstr(value, "{token}"))) {
      snprintf(err, errlen,
               "%s: must be an https:// address with {ref} and {token}, "
               "e.g. https://mzj.example.gov.cn/cx?r={ref}&t={token}",
               key);
      return KERR_INVALID;
    }
    /* fall through */
  case T_URL:
    if (k->type == T_URL &&
        (strncmp(value, "https://", 8) != 0 || vlen <= 8)) {
      snprintf(err, errlen, "%s: must be an https:// URL", key);
      return KERR_INVALID;
    }
    /* fall through */
  case T_STR:
    if (vlen >= k->size) {
      snprintf(err, errlen, "%s: value longer than %zu bytes", key,
               k->size - 1);
      return KERR_INVALID;
    }
    memcpy(field, value, vlen + 1);
    return KERR_OK;
  case T_INT: {
    long n;
    if (parse_int(value, &n)) {
      snprintf(err, errlen, "%s: '%s' is not a whole number", key, value);
      return KERR_INVALID;
    }
    if (n < k->min || n > k->max) {
      snprintf(err, errlen, "%s: %ld is outside %d..%d", key, n, k->min,
               k->max);
      return KERR_INVALID;
    }
    *(int *)field = (int)n;
    return KERR_OK;
  }
  case T_BOOL:
    if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
        strcmp(value, "1") == 0) {
      *(int *)field = 1;
    } else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
               strcmp(value, "0") == 0) {
      *(int *)field = 0;
    } else {
      snprintf(err, errlen, "%s: '%s' is not true or false", key, value);
      return KERR_INVALID;
    }
    return KERR_OK;
  case T_LEVEL: {
    log_level lv;
    if (log_level_parse(value, &lv)) {
      snprintf(err, errlen, "%s: '%s' is not error, warn, info or debug",
               key, value);
      return KERR_INVALID;
    }
    *(int *)field = (int)lv;
    return KERR_OK;
  }
  case T_IDCARD:
    if (strcmp(value, "none") != 0 && strcmp(value, "sim") != 0 &&
        strcmp(value, "sdk") != 0) {
      snprintf(err, errlen, "%s: '%s' is not none, sim or sdk", key, value);
      return KERR_INVALID;
    }
    snprintf((char *)field, k->size, "%s", value);
    return KERR_OK;
  case T_CAMERA:
    if (strcmp(value, "none") != 0 && strcmp(value, "sim") != 0 &&
        strcmp(value, "v4l2") != 0) {
      snprintf(err, errlen, "%s: '%s' is not none, sim or v4l2", key, value);
      return KERR_INVALID;
    }
    snprintf((char *)field, k->size, "%s", value);
    return KERR_OK;
  case T_RENDERER:
    if (strcmp(value, "auto") == 0)
      *(int *)field = CONFIG_RENDERER_AUTO;
    else if (strcmp(value, "software") == 0)
      *(int *)field = CONFIG_RENDERER_SOFTWARE;
    else if (strcmp(value, "accelerated") == 0)
      *(int *)field = CONFIG_RENDERER_ACCELERATED;
    else {
      snprintf(err, errlen, "%s: '%s' is not auto, software or accelerated",
               key, value);
      return KERR_INVALID;
    }
    return KERR_OK;
  case T_PREFIX:
    if (!prefix_ok(value)) {
      snprintf(err, errlen,
               "%s: '%s' is not 2 characters of %s (upper case)", key, value,
               PREFIX_ALPHABET);
      return KERR_INVALID;
    }
    memcpy(field, value, 3);
    return KERR_OK;
  case T_KEYS: {
    /* Empty: development. Otherwise every key must decode, so a typo
     * cannot silently leave a kiosk trusting fewer keys than meant. */
    bundle_sig_key parsed[BUNDLE_SIG_MAX_KEYS];
    size_t n = 0;
    if (vlen >= k->size) {
      snprintf(err, errlen, "%s: value longer than %zu bytes", key,
               k->size - 1);
      return KERR_INVALID;
    }
    if (vlen) {
      kerr e = bundle_sig_keys_parse(value, parsed, BUNDLE_SIG_MAX_KEYS, &n);
      if (e) {
        snprintf(err, errlen,
                 "%s: %s", key,
                 e == KERR_LIMIT ? "more than 16 keys"
                                 : "not a list of base64 Ed25519 public keys "
                                   "(44 characters each)");
        return KERR_INVALID;
      }
    }
    memcpy(field, value, vlen + 1);
    return KERR_OK;
  }
  case T_PRINTER:
    return parse_printer(c, key, value, err, errlen);
  case T_DOTS: {
    long n;
    if (parse_int(value, &n) || n < k->min || n > k->max || n % 8) {
      snprintf(err, errlen, "%s: '%s' is not a multiple of 8 between %d and "
               "%d (384 for 58 mm paper, 576 for 80 mm)", key, value, k->min,
               k->max);
      return KERR_INVALID;
    }
    *(int *)field = (int)n;
    return KERR_OK;
  }
  case T_SIZE: {
    int w, h;
    char extra;
    if (sscanf(value, "%dx%d%c", &w, &h, &extra) != 2 || w < 320 ||
        h < 320 || w > 7680 || h > 7680) {
      snprintf(err, errlen,
               "%s: '%s' is not WIDTHxHEIGHT between 320 and 7680", key,
               value);
      return KERR_INVALID;
    }
    c->width = w;
    c->height = h;
    return KERR_OK;
  }
  }
  snprintf(err, errlen, "%s: internal error", key);
  return KERR_INTERNAL;
}

static char *trim(char *s) {
  while (*s && isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

kerr config_load(config *c, const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return KERR_IO;
  }
  kerr result = KERR_OK;
  char line[LINE_MAX_BYTES];
  int lineno = 0;
  long total = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    size_t len = strlen(line);
    total += (long)len;
    if (total > FILE_MAX_BYTES) {
      snprintf(err, errlen, "%s: file larger than %d bytes", path,
               FILE_MAX_BYTES);
      result = KERR_LIMIT;
      goto out;
    }
    if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
      snprintf(err, errlen, "%s:%d: line longer than %d bytes", path, lineno,
               LINE_MAX_BYTES - 2);
      result = KERR_PARSE;
      goto out;
    }
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    char *s = trim(line);
    if (!*s)
      continue;
    char *eq = strchr(s, '=');
    if (!eq) {
      snprintf(err, errlen, "%s:%d: expected 'key = value'", path, lineno);
      result = KERR_PARSE;
      goto out;
    }
    *eq = '\0';
    char *key = trim(s);
    char *value = trim(eq + 1);
    size_t vlen = strlen(value);
    if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
      value[vlen - 1] = '\0';
      value++;
    }
    char msg[256];
    result = config_set(c, key, value, msg, sizeof msg);
    if (result) {
      snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
      goto out;
    }
  }
  if (ferror(f)) {
    snprintf(err, errlen, "%s: read error", path);
    result = KERR_IO;
  }
out:
  fclose(f);
  return result;
}

int config_defaults_for(config *c, const char *exe_path, const char *home) {
  char source[CONFIG_STR_MAX], rime[CONFIG_STR_MAX];
  int devtree = config_devtree_read(exe_path, source, sizeof source, rime,
                                    sizeof rime) == KERR_OK;
  if (home && *home)
    config_defaults(c, home);
  else if (devtree)
    config_defaults(c, source);
  else {
    config_defaults_installed(c);
    return 1;
  }
  if (devtree)
    snprintf(c->rime_dir, sizeof c->rime_dir, "%s", rime);
  return 0;
}
