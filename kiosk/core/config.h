/* config: the kiosk's configuration file.
 *
 * Format: UTF-8 text, one `key = value` per line, `#` starts a comment,
 * blank lines ignored, keys are dotted names (see docs/configuration.md for
 * every key, its default and meaning). Unknown keys, malformed lines and bad
 * values are errors that name the line, the key and the problem: a kiosk must
 * not start half-configured. config_defaults() gives a working setup for the
 * local reference backend. */
#ifndef KIOSK_CORE_CONFIG_H
#define KIOSK_CORE_CONFIG_H

#include <stddef.h>

#include "core/kerr.h"

#define CONFIG_KEYS_NAMES_MAX 96
#define CONFIG_STR_MAX 512
#define CONFIG_STATUS_URL_MAX 200 /* receipt.status_url, bytes */
/* content.trusted_keys: up to 16 base64 keys of 44 characters, separated. */
#define CONFIG_KEYS_MAX 1024

typedef enum config_renderer {
  CONFIG_RENDERER_AUTO = 0,  /* GPU if the board has one, else software */
  CONFIG_RENDERER_SOFTWARE,  /* SDL's software renderer */
  CONFIG_RENDERER_ACCELERATED
} config_renderer;

/* printer.uri: which receipt printer (see docs/printer.md). */
typedef enum config_printer {
  CONFIG_PRINTER_SIM = 0, /* PNG and ESC/POS files into a folder */
  CONFIG_PRINTER_DEVICE,  /* raw ESC/POS to a character device */
  CONFIG_PRINTER_CUPS     /* a CUPS queue (libcups) */
} config_printer;

#define CONFIG_PRINTER_DOTS_MIN 256
#define CONFIG_PRINTER_DOTS_MAX 832

typedef struct config {
  /* backend */
  char backend_url[CONFIG_STR_MAX];   /* https://… base URL */
  char ca_file[CONFIG_STR_MAX];       /* deployment CA (PEM) */
  char client_cert[CONFIG_STR_MAX];   /* device certificate (PEM) */
  char client_key[CONFIG_STR_MAX];    /* device key (PEM) */
  char pin_sha256[CONFIG_STR_MAX];    /* optional SPKI pin, base64 */
  char seal_public_key[CONFIG_STR_MAX]; /* backend's X25519 key, base64 */
  int connect_timeout_s;
  int request_timeout_s;
  int heartbeat_s;                    /* seconds between heartbeats */
  /* identity */
  char region[16];                    /* region code, e.g. 140500 */
  char device_id[64];                 /* e.g. KIOSK-140500-001 */
  char ref_prefix[3];                 /* reference number prefix, "JC" */
  /* session */
  int inactivity_s;                   /* idle time before the warning */
  int warning_s;                      /* countdown length of the warning */
  int ime_release_s;                  /* idle seconds before the input
                                         methods are unloaded (0: at every
                                         session end) */
  /* screen */
  int fullscreen;                     /* 1: full screen; 0: window */
  int width, height;                  /* window size when not full screen */
  /* the text size a session starts with: 0 标准, 1 大 (the old elder
   * mode; screen.elder_default = true sets it), 2 特大 */
  int elder_default;
  /* speech (devices/speech.h): "speaker", "wav" (files in speech_wav_dir,
   * the simulated speaker) or "off"; "" = speaker with a window, off
   * headless */
  char speech_output[16];
  char speech_wav_dir[CONFIG_STR_MAX];
  int speech_volume;                  /* 0..100 at the start of a session */
  int speech_auto_elder;              /* read each new screen in elder mode */
  int renderer;                       /* a config_renderer value */
  /* a physical keypad (EZ-Access style): for each act, the keys that do
   * it, SDL key names separated by commas ("Return,Keypad Enter"); the
   * shell resolves the names (the core knows no SDL) */
  char keys_up[CONFIG_KEYS_NAMES_MAX], keys_down[CONFIG_KEYS_NAMES_MAX],
      keys_left[CONFIG_KEYS_NAMES_MAX], keys_right[CONFIG_KEYS_NAMES_MAX],
      keys_enter[CONFIG_KEYS_NAMES_MAX], keys_back[CONFIG_KEYS_NAMES_MAX],
      keys_help[CONFIG_KEYS_NAMES_MAX], keys_volume_up[CONFIG_KEYS_NAMES_MAX],
      keys_volume_down[CONFIG_KEYS_NAMES_MAX];
  /* paths */
  char content_dir[CONFIG_STR_MAX];   /* the active content bundle */
  char data_dir[CONFIG_STR_MAX];      /* outbox and state (persistent) */
  char runtime_dir[CONFIG_STR_MAX];   /* RAM-backed scratch (recovery) */
  char fonts_file[CONFIG_STR_MAX];    /* fonts/fonts.conf */
  char printer_dir[CONFIG_STR_MAX];   /* simulated printer's output */
  char rime_dir[CONFIG_STR_MAX];      /* deployed pinyin schema (librime) */
  /* printer */
  char printer_uri[CONFIG_STR_MAX];   /* as written: "sim:", "device:…" */
  int printer_kind;                   /* a config_printer value */
  char printer_target[CONFIG_STR_MAX]; /* folder (sim; "" = paths.printer),
                                          device path or CUPS queue */
  int printer_width_dots;             /* dots per raster line */
  /* receipt */
  char receipt_status_url[CONFIG_STR_MAX]; /* the QR code's address with
                                              {ref} and {token}; "" = the
                                              bare reference */
  /* the ID card reader (devices/idcard_reader.h, docs/devices.md):
   * "none", "sim" (cards as JSON files) or "sdk" (the vendor's library) */
  char idcard_kind[8];
  char idcard_sim_dir[CONFIG_STR_MAX]; /* sim: watched folder ("" none) */
  char idcard_library[CONFIG_STR_MAX]; /* sdk: the vendor's .so */
  int idcard_port;                     /* sdk: 1-16 serial, 1001-1016 USB */
  /* the document camera (devices/camera.h, docs/devices.md): "none",
   * "sim" (pages are JPEG files) or "v4l2" (a UVC camera via libv4l2) */
  char camera_driver[8];
  char camera_device[CONFIG_STR_MAX];  /* v4l2: /dev/video0 */
  char camera_sim_dir[CONFIG_STR_MAX]; /* sim: watched folder ("" none) */
  int camera_max_pages;                /* pages of one material, 1..24 */
  int camera_max_bytes;                /* JPEG bytes of one application */
  int camera_quality;                  /* JPEG quality, 30..95 */
  /* content updates */
  char trusted_keys[CONFIG_KEYS_MAX]; /* administrators' Ed25519 public
                                         keys, base64, comma-separated;
                                         "" = development (unsigned) */
  int sync_interval_s;                /* seconds between content checks */
  /* logging */
  int log_level;                      /* a log_level value */
  /* security */
  int dumpable;                       /* 0: no core dumps, no ptrace
                                         (PR_SET_DUMPABLE 0) */
} config;

/* Fills c with the defaults of the development layout: base_dir is a source
 * tree (assets/, fonts/, var/ for state and the development PKI). The rime
 * folder keeps the installed default; a build tree names its own
 * (config_devtree_read). */
void config_defaults(config *c, const char *base_dir);

/* Fills c with the defaults of an installed kiosk (docs/deploy.md):
 * read-only data under KIOSK_DATADIR (/usr/share/kiosk), the device's
 * certificates under KIOSK_SYSCONFDIR (/etc/kiosk/pki), state in
 * /var/lib/kiosk, scratch in /run/kiosk. */
void config_defaults_installed(config *c);

/* The configuration file an installed kiosk reads when no --config is
 * given (and it exists): /etc/kiosk/kiosk.conf. */
#define CONFIG_SYSTEM_FILE KIOSK_SYSCONFDIR "/kiosk.conf"

/* The marker a build writes at the top of its build tree. A program that
 * finds it in its own folder or up to three folders above runs from a build
 * tree and takes the development layout of the source tree it names. */
#define CONFIG_DEVTREE_FILE "kiosk-devtree.conf"

/* Looks for CONFIG_DEVTREE_FILE beside exe_path (the running program) and
 * in up to three parent folders. Found: copies the source tree into source
 * and the build's rime folder into rime and returns KERR_OK. Not found:
 * KERR_NOTFOUND. A malformed marker: KERR_PARSE. */
kerr config_devtree_read(const char *exe_path, char *source, size_t scap,
                         char *rime, size_t rcap);

/* Reads `path` over the defaults already in c. On failure returns KERR_IO,
 * KERR_PARSE or KERR_INVALID and writes an English message naming the line,
 * key and problem into err (errlen bytes); c may be partly updated. */
kerr config_load(config *c, const char *path, char *err, size_t errlen);

/* Applies one `key`/`value` pair (used by the loader and by --set on the
 * command line). Same errors as config_load, message without a line. */
kerr config_set(config *c, const char *key, const char *value, char *err,
                size_t errlen);

/* Fills c with the defaults for where the running program (exe_path, from
 * /proc/self/exe) is: home (e.g. $KIOSK_HOME) non-empty: the development
 * layout under it; else a build tree's marker: the development layout of the
 * source tree it names, with the build's rime folder; else the installed
 * layout. Returns 1 when it chose the installed layout (whose programs read
 * CONFIG_SYSTEM_FILE when no other file is named), else 0. */
int config_defaults_for(config *c, const char *exe_path, const char *home);
/* The simulated printer's folder: printer.uri's "sim:DIR", or paths.printer
 * for a bare "sim:". Borrowed from c. */
const char *config_printer_dir(const config *c);

#endif
