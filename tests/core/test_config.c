/* config: good files, every kind of bad file, messages naming line and key. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/config.h"
#include "core/log.h"

static char tmpdir[] = "/tmp/kiosk-config-XXXXXX";

static const char *write_file(const char *name, const char *text) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  fputs(text, f);
  fclose(f);
  return path;
}

static kerr load(const char *text, config *c, char *err, size_t n) {
  config_defaults(c, "/opt/kiosk");
  return config_load(c, write_file("k.conf", text), err, n);
}

/* The installed layout names only system folders, and the build-tree
 * marker is found beside a program or up to three folders above it. */
static void test_layouts(void) {
  config c;
  config_defaults_installed(&c);
  CHECK_STR(c.content_dir, KIOSK_DATADIR "/bundle");
  CHECK_STR(c.fonts_file, KIOSK_DATADIR "/fonts/fonts.conf");
  CHECK_STR(c.rime_dir, KIOSK_DATADIR "/rime");
  CHECK_STR(c.data_dir, KIOSK_STATEDIR);
  CHECK_STR(c.runtime_dir, "/run/kiosk");
  CHECK_STR(c.ca_file, KIOSK_SYSCONFDIR "/pki/ca.crt");
  CHECK_STR(c.client_key, KIOSK_SYSCONFDIR "/pki/device.key");
  CHECK_STR(CONFIG_SYSTEM_FILE, KIOSK_SYSCONFDIR "/kiosk.conf");
  /* Nothing of the source or build tree. */
  CHECK(strncmp(KIOSK_DATADIR, KIOSK_SOURCE_DIR, strlen(KIOSK_SOURCE_DIR)));
  CHECK(strncmp(KIOSK_STATEDIR, KIOSK_SOURCE_DIR, strlen(KIOSK_SOURCE_DIR)));

  char src[256], rime[256], exe[512];
  snprintf(exe, sizeof exe, "%s/a/b/c/prog", tmpdir);
  CHECK_INT(config_devtree_read(exe, src, sizeof src, rime, sizeof rime),
            KERR_NOTFOUND);
  write_file(CONFIG_DEVTREE_FILE, "# marker\nsource = /src/tree\n"
                                  "rime = /build/rime\n");
  CHECK_INT(config_devtree_read(exe, src, sizeof src, rime, sizeof rime),
            KERR_OK);
  CHECK_STR(src, "/src/tree");
  CHECK_STR(rime, "/build/rime");
  snprintf(exe, sizeof exe, "%s/a/b/c/d/prog", tmpdir); /* four up: too far */
  CHECK_INT(config_devtree_read(exe, src, sizeof src, rime, sizeof rime),
            KERR_NOTFOUND);
  snprintf(exe, sizeof exe, "%s/prog", tmpdir);
  write_file(CONFIG_DEVTREE_FILE, "source = relative/path\nrime = /r\n");
  CHECK_INT(config_devtree_read(exe, src, sizeof src, rime, sizeof rime),
            KERR_PARSE);
  write_file(CONFIG_DEVTREE_FILE, "source = /only/source\n");
  CHECK_INT(config_devtree_read(exe, src, sizeof src, rime, sizeof rime),
            KERR_PARSE);
  char marker[600];
  snprintf(marker, sizeof marker, "%s/%s", tmpdir, CONFIG_DEVTREE_FILE);
  unlink(marker);
}

int main(void) {
  if (!mkdtemp(tmpdir))
    return 1;
  test_layouts();
  config c;
  char err[512];

  config_defaults(&c, "/opt/kiosk");
  CHECK_STR(c.content_dir, "/opt/kiosk/assets/bundle");
  CHECK_INT(c.inactivity_s, 90);
  CHECK_INT(c.fullscreen, 1);
  CHECK_STR(c.ref_prefix, "JC");
  CHECK_STR(c.printer_dir, "/opt/kiosk/var/printer");
  CHECK_INT(c.heartbeat_s, 300);

  /* The shipped example file loads and changes what it says. */
  char example[512];
  snprintf(example, sizeof example, "%s/kiosk.conf.example", KIOSK_SOURCE_DIR);
  config_defaults(&c, "/opt/kiosk");
  CHECK_INT(config_load(&c, example, err, sizeof err), KERR_OK);
  CHECK_INT(c.dumpable, 0); /* the default, and the example's */
  CHECK_INT(config_set(&c, "security.dumpable", "true", err, sizeof err),
            KERR_OK);
  CHECK_INT(c.dumpable, 1);

  /* The ID card reader: none by default; a kind it does not know and a
   * port out of range stop the kiosk. */
  config_defaults(&c, "/opt/kiosk");
  CHECK_STR(c.idcard_kind, "none");
  CHECK_INT(c.idcard_port, 1001);
  CHECK_INT(config_set(&c, "idcard.kind", "sdk", err, sizeof err), KERR_OK);
  CHECK_STR(c.idcard_kind, "sdk");
  CHECK_INT(config_set(&c, "idcard.kind", "usb", err, sizeof err),
            KERR_INVALID);
  CHECK(strstr(err, "none, sim or sdk") != NULL);
  CHECK_STR(c.idcard_kind, "sdk");
  CHECK_INT(config_set(&c, "idcard.port", "0", err, sizeof err), KERR_INVALID);
  CHECK_INT(config_set(&c, "idcard.library", "/opt/r/libtermb.so", err,
                       sizeof err),
            KERR_OK);
  CHECK_STR(c.idcard_library, "/opt/r/libtermb.so");

  CHECK_INT(load("# a comment\n\n"
                 "backend.url = https://minzheng.example:8443\n"
                 "device.region = 410600   # 鹤壁市\n"
                 "session.inactivity_s = 120\n"
                 "screen.fullscreen = false\n"
                 "screen.size = 1080x1920\n"
                 "log.level = debug\n"
                 "paths.content = \"/srv/content/current\"\n",
                 &c, err, sizeof err),
            KERR_OK);
  CHECK_STR(c.backend_url, "https://minzheng.example:8443");
  CHECK_STR(c.region, "410600");
  CHECK_INT(c.inactivity_s, 120);
  CHECK_INT(c.fullscreen, 0);
  CHECK_INT(c.width, 1080);
  CHECK_INT(c.height, 1920);
  CHECK_INT(c.log_level, LOG_DEBUG);
  CHECK_STR(c.content_dir, "/srv/content/current");

  /* Bad files: each error names the line and the key. */
  CHECK_INT(load("session.inactivity_s = ninety\n", &c, err, sizeof err),
            KERR_INVALID);
  CHECK(strstr(err, ":1:") && strstr(err, "session.inactivity_s"));
  CHECK_INT(load("\nsession.inactivity_s = 5\n", &c, err, sizeof err),
            KERR_INVALID);
  CHECK(strstr(err, ":2:") && strstr(err, "outside"));
  CHECK_INT(load("backend.url = http://plain.example\n", &c, err, sizeof err),
            KERR_INVALID);
  CHECK(strstr(err, "https://") != NULL);
  CHECK_INT(load("no.such.key = 1\n", &c, err, sizeof err), KERR_INVALID);
  CHECK(strstr(err, "unknown key 'no.such.key'") != NULL);
  CHECK_INT(load("just words\n", &c, err, sizeof err), KERR_PARSE);
  CHECK(strstr(err, "key = value") != NULL);
  CHECK_INT(load("screen.size = 10x10\n", &c, err, sizeof err), KERR_INVALID);
  CHECK_INT(load("screen.fullscreen = maybe\n", &c, err, sizeof err),
            KERR_INVALID);
  CHECK_INT(load("log.level = loud\n", &c, err, sizeof err), KERR_INVALID);
  CHECK_INT(load("screen.renderer = software\n", &c, err, sizeof err), KERR_OK);
  CHECK_INT(c.renderer, CONFIG_RENDERER_SOFTWARE);
  CHECK_INT(load("screen.renderer = gpu\n", &c, err, sizeof err), KERR_INVALID);
  CHECK(strstr(err, "auto, software or accelerated") != NULL);
  CHECK_INT(load("device.id = \xff\xfe\n", &c, err, sizeof err), KERR_INVALID);
  CHECK(strstr(err, "UTF-8") != NULL);
  CHECK_INT(load("session.inactivity_s = 99999999999999999999\n", &c, err,
                 sizeof err),
            KERR_INVALID);

  /* Reference prefix, printer folder, heartbeat period. */
  CHECK_INT(load("device.ref_prefix = HK\npaths.printer = /srv/print\n"
                 "backend.heartbeat_s = 60\n",
                 &c, err, sizeof err),
            KERR_OK);
  CHECK_STR(c.ref_prefix, "HK");
  CHECK_STR(c.printer_dir, "/srv/print");
  CHECK_INT(c.heartbeat_s, 60);
  /* Look-alike characters (0 O 1 I L 2 Z 5 S 8 B G V), lower case, and
   * other lengths are refused, naming the key. */
  const char *bad_prefixes[] = {"JO", "J0", "IJ", "JB", "jc", "J", "JCK",
                                "", "J ", "G7", "5A", "AV"};
  for (size_t i = 0; i < sizeof bad_prefixes / sizeof bad_prefixes[0]; i++) {
    char line[64];
    snprintf(line, sizeof line, "device.ref_prefix = %s\n", bad_prefixes[i]);
    CHECK_INT(load(line, &c, err, sizeof err), KERR_INVALID);
    CHECK(strstr(err, "device.ref_prefix") != NULL);
  }
  CHECK_INT(load("backend.heartbeat_s = 0\n", &c, err, sizeof err),
            KERR_INVALID);
  CHECK(strstr(err, "backend.heartbeat_s") && strstr(err, "outside"));
  CHECK_INT(load("backend.heartbeat_s = 86401\n", &c, err, sizeof err),
            KERR_INVALID);

  /* printer.uri: the default simulates into paths.printer; three forms;
   * anything else is refused naming the key. printer.width_dots. */
  config_defaults(&c, "/opt/kiosk");
  CHECK_STR(c.printer_uri, "sim:");
  CHECK_INT(c.printer_kind, CONFIG_PRINTER_SIM);
  CHECK_STR(config_printer_dir(&c), "/opt/kiosk/var/printer");
  CHECK_INT(c.printer_width_dots, 576);
  CHECK_INT(load("paths.printer = /srv/print\n", &c, err, sizeof err), KERR_OK);
  CHECK_STR(config_printer_dir(&c), "/srv/print");
  CHECK_INT(load("printer.uri = sim:/srv/receipts\n", &c, err, sizeof err),
            KERR_OK);
  CHECK_INT(c.printer_kind, CONFIG_PRINTER_SIM);
  CHECK_STR(config_printer_dir(&c), "/srv/receipts");
  CHECK_INT(load("printer.uri = device:/dev/usb/lp0\nprinter.width_dots = 384\n",
                 &c, err, sizeof err),
            KERR_OK);
  CHECK_INT(c.printer_kind, CONFIG_PRINTER_DEVICE);
  CHECK_STR(c.printer_target, "/dev/usb/lp0");
  CHECK_STR(c.printer_uri, "device:/dev/usb/lp0");
  CHECK_INT(c.printer_width_dots, 384);
  CHECK_INT(load("printer.uri = cups:Receipt_80\n", &c, err, sizeof err),
            KERR_OK);
  CHECK_INT(c.printer_kind, CONFIG_PRINTER_CUPS);
  CHECK_STR(c.printer_target, "Receipt_80");
  const char *bad_uris[] = {"", "lp0", "/dev/usb/lp0", "device:",
                            "device:dev/usb/lp0", "cups:", "cups:a b",
                            "cups:a/b", "usb://EPSON", "SIM:/x"};
  for (size_t i = 0; i < sizeof bad_uris / sizeof bad_uris[0]; i++) {
    char line[128];
    snprintf(line, sizeof line, "\nprinter.uri = %s\n", bad_uris[i]);
    CHECK_INT(load(line, &c, err, sizeof err), KERR_INVALID);
    CHECK(strstr(err, ":2:") && strstr(err, "printer.uri"));
  }
  const char *bad_dots[] = {"0", "383", "100", "2048", "wide", ""};
  for (size_t i = 0; i < sizeof bad_dots / sizeof bad_dots[0]; i++) {
    char line[128];
    snprintf(line, sizeof line, "printer.width_dots = %s\n", bad_dots[i]);
    CHECK_INT(load(line, &c, err, sizeof err), KERR_INVALID);
    CHECK(strstr(err, "printer.width_dots") != NULL);
  }

  /* Content updates: trusted keys (checked as keys), check interval. */
  config_defaults(&c, "/opt/kiosk");
  CHECK_STR(c.trusted_keys, "");
  CHECK_INT(c.sync_interval_s, 4 * 3600);
  const char *k1 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  const char *k2 = "1dKs2VRY4/ElTlCWEymR8YjHUoUlt3x/5sJyq5b8vbc=";
  char keys_line[400];
  snprintf(keys_line, sizeof keys_line,
           "content.trusted_keys = %s, %s\ncontent.sync_interval_s = 600\n",
           k1, k2);
  CHECK_INT(load(keys_line, &c, err, sizeof err), KERR_OK);
  CHECK(strstr(c.trusted_keys, k1) && strstr(c.trusted_keys, k2));
  CHECK_INT(c.sync_interval_s, 600);
  CHECK_INT(load("content.trusted_keys = not-a-key\n", &c, err, sizeof err),
            KERR_INVALID);
  CHECK(strstr(err, ":1:") && strstr(err, "content.trusted_keys"));
  /* A key one character short, and seventeen keys, are refused. */
  snprintf(keys_line, sizeof keys_line, "content.trusted_keys = %.43s\n", k1);
  CHECK_INT(load(keys_line, &c, err, sizeof err), KERR_INVALID);
  char many[1200] = "content.trusted_keys = ";
  for (int i = 0; i < 17; i++) {
    strcat(many, k1);
    strcat(many, ",");
  }
  strcat(many, "\n");
  CHECK_INT(load(many, &c, err, sizeof err), KERR_INVALID);
  CHECK(strstr(err, "more than 16") != NULL);
  CHECK_INT(load("content.sync_interval_s = 59\n", &c, err, sizeof err),
            KERR_INVALID);
  CHECK(strstr(err, "content.sync_interval_s") && strstr(err, "outside"));
  CHECK_INT(load("content.sync_interval_s = 604801\n", &c, err, sizeof err),
            KERR_INVALID);
  /* Empty: back to development (unsigned bundles, no updates). */
  CHECK_INT(load("content.trusted_keys = \"\"\n", &c, err, sizeof err),
            KERR_OK);
  CHECK_STR(c.trusted_keys, "");

  /* A value longer than its field is refused, not truncated. */
  char big[1200] = "device.id = ";
  memset(big + strlen(big), 'A', 600);
  big[12 + 600] = '\0';
  CHECK_INT(load(big, &c, err, sizeof err), KERR_INVALID);

  /* An over-long line is refused. */
  char *huge = malloc(5000);
  memset(huge, 'x', 4999);
  huge[4999] = '\0';
  CHECK_INT(load(huge, &c, err, sizeof err), KERR_PARSE);
  free(huge);

  /* A missing file says so. */
  config_defaults(&c, "/opt/kiosk");
  CHECK_INT(config_load(&c, "/nonexistent/kiosk.conf", err, sizeof err),
            KERR_IO);
  CHECK(strstr(err, "/nonexistent/kiosk.conf") != NULL);

  unlink(write_file("k.conf", ""));
  rmdir(tmpdir);
  return TEST_DONE();
}
