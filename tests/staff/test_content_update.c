/* Content updates in the app, against the real kiosk-server over mTLS.
 *
 * Part one drives content_host directly: which bundle it starts with
 * (shipped, installed update, refused unsigned / foreign-signed / spoiled
 * bundles, development mode without keys), a periodic update that is held
 * until the session ends and then swapped in, a restart that keeps it, and
 * a check asked for by staff.
 *
 * Part two runs the kiosk program itself, headless and scripted, against
 * the same server: the policy screen shows the shipped 低保 figure; staff
 * sign in, ask for an update from the menu; the figure stays the same
 * while the session lasts; after 结束 the policy screen shows the new one.
 * Synthetic content only; no personal data anywhere. */
#include <SDL.h>

#include "services/content_host.h"
#include "shell/wake.h"
#include "check.h"
#include "core/log.h"
#include "pub_bundle.h"
#include "pub_server.h"

#define WAIT_EVENT_MS 30000

static config base_config(const pub_server *srv, const char *shipped,
                          const char *data, const char *keys) {
  config c;
  char err[300];
  config_defaults(&c, KIOSK_SOURCE_DIR);
  snprintf(c.backend_url, sizeof c.backend_url, "%s", srv->url);
  snprintf(c.ca_file, sizeof c.ca_file, "%s/ca.crt", PUB_PKI);
  snprintf(c.client_cert, sizeof c.client_cert,
           "%s/devices/KIOSK-140500-001.crt", PUB_PKI);
  snprintf(c.client_key, sizeof c.client_key,
           "%s/devices/KIOSK-140500-001.key", PUB_PKI);
  snprintf(c.content_dir, sizeof c.content_dir, "%s", shipped);
  snprintf(c.data_dir, sizeof c.data_dir, "%s", data);
  if (config_set(&c, "content.trusted_keys", keys, err, sizeof err))
    fprintf(stderr, "config: %s\n", err);
  return c;
}

/* Waits for one of the host's events; 1 if it came. */
static int wait_event(content_host *h, int code) {
  uint64_t end = SDL_GetTicks64() + WAIT_EVENT_MS;
  while (SDL_GetTicks64() < end) {
    SDL_Event ev;
    if (!SDL_WaitEventTimeout(&ev, 200))
      continue;
    svc_source src;
    int got;
    if (shell_wake_match(&ev, &src, &got, NULL, NULL) && src == SVC_CONTENT) {
      content_host_take(h);
      if (got == code)
        return 1;
    }
  }
  return 0;
}

static long dibao_of(const content *c) {
  const content_region *r = c ? content_region_find(c, "140500") : NULL;
  const content_standard *s = r ? content_standard_find(r, "dibao_urban", "2026-12-01")
                                : NULL;
  return s && s->has_value ? (long)(s->value_fen / 100) : -1;
}

static content_host *start(const config *c, session *s, content **cur,
                           uint32_t first_delay_ms, int wait_sync) {
  content_host_config hc = {.cfg = c, .wait_sync = wait_sync,
                            .first_delay_ms = first_delay_ms,
                            .interval_ms = 600000,
                            .wake = shell_wake()};
  content_host *h = NULL;
  session_init(s, 90, 30);
  CHECK_INT(content_host_create(&hc, s, cur, &h), KERR_OK);
  return h;
}

static void part_host(const pub_server *srv, const char *keys,
                      const unsigned char *sk) {
  char shipped[64], v2[64], data[] = "/tmp/kiosk-staff-data-XXXXXX";
  CHECK(mkdtemp(data) != NULL);
  CHECK_INT(pb_make(shipped, "2030.1.1", 0, NULL, sk), 0);
  config c = base_config(srv, shipped, data, keys);
  session s;
  content *cur = NULL;
  content_host_status st;

  /* Nothing installed yet: the shipped bundle, signed. */
  content_host *h = start(&c, &s, &cur, 60000, 0);
  CHECK(cur != NULL);
  CHECK_STR(content_version(cur), "2030.1.1");
  content_host_status_get(h, &st);
  CHECK_INT(st.enabled, 1);
  CHECK_INT(st.source, CONTENT_HOST_SHIPPED);
  CHECK_INT(st.reachable, -1);
  session_end(&s);
  content_host_destroy(h);

  /* A periodic check finds a newer bundle; it is held while a session is
   * in progress and used when the session ends. */
  CHECK_INT(pb_make(v2, "2030.2.1", 12345, NULL, sk), 0);
  CHECK_INT(ps_seed(srv, v2, NULL, NULL), 0);
  h = start(&c, &s, &cur, 100, 0);
  CHECK(wait_event(h, CONTENT_HOST_EV_UPDATED));
  content_host_status_get(h, &st);
  CHECK_STR(st.held_version, "2030.2.1");
  CHECK_INT(st.reachable, 1);
  CHECK(st.last_check != 0);
  CHECK_INT(st.last_outcome, CONTENT_SYNC_UPDATED);
  CHECK_STR(content_version(cur), "2030.1.1");
  CHECK_INT(dibao_of(cur), 9480);
  session_end(&s); /* the swap runs with the wipers */
  CHECK_STR(content_version(cur), "2030.2.1");
  CHECK_INT(dibao_of(cur), 12345);
  content_host_status_get(h, &st);
  CHECK_STR(st.held_version, "");
  CHECK_INT(st.source, CONTENT_HOST_SYNCED);
  /* A session end with nothing held changes nothing. */
  const content *before = cur;
  session_end(&s);
  CHECK(cur == before);
  content_host_destroy(h);

  /* A restart starts with the installed update. */
  h = start(&c, &s, &cur, 60000, 1);
  CHECK_STR(content_version(cur), "2030.2.1");
  content_host_status_get(h, &st);
  CHECK_INT(st.source, CONTENT_HOST_SYNCED);
  /* Staff ask for a check: with wait_sync it is over on return. */
  CHECK_INT(content_host_sync_now(h), KERR_OK);
  content_host_status_get(h, &st);
  CHECK_INT(st.syncing, 0);
  CHECK_INT(st.last_outcome, CONTENT_SYNC_UNCHANGED);
  CHECK_INT(st.reachable, 1);
  session_end(&s);
  content_host_destroy(h);

  /* The installed bundle spoiled on disk: back to the shipped one. */
  char cur_dir[CONTENT_SYNC_PATH_MAX], p[1200];
  CHECK_INT(content_sync_current(data, cur_dir, sizeof cur_dir, NULL, 0),
            KERR_OK);
  snprintf(p, sizeof p, "%s/regions.json", cur_dir);
  FILE *f = fopen(p, "ab");
  CHECK(f != NULL);
  if (f) {
    fputs(" ", f);
    fclose(f);
  }
  h = start(&c, &s, &cur, 60000, 0);
  CHECK_STR(content_version(cur), "2030.1.1");
  content_host_status_get(h, &st);
  CHECK_INT(st.source, CONTENT_HOST_SHIPPED);
  session_end(&s);
  content_host_destroy(h);

  /* With trusted keys an unsigned bundle is never used: an unsigned
   * shipped bundle and no installed one leave the kiosk out of service. */
  char empty[] = "/tmp/kiosk-staff-empty-XXXXXX", unsigned_dir[64];
  CHECK(mkdtemp(empty) != NULL);
  CHECK_INT(pb_make(unsigned_dir, "2030.1.1", 0, NULL, NULL), 0);
  config c2 = base_config(srv, unsigned_dir, empty, keys);
  h = start(&c2, &s, &cur, 60000, 0);
  CHECK(cur == NULL);
  content_host_status_get(h, &st);
  CHECK_INT(st.source, CONTENT_HOST_NONE);
  /* ... until an update arrives, used at once (nobody is in a session). */
  CHECK_INT(content_host_sync_now(h), KERR_OK);
  CHECK(wait_event(h, CONTENT_HOST_EV_UPDATED));
  session_end(&s);
  CHECK(cur != NULL);
  CHECK_STR(cur ? content_version(cur) : "", "2030.2.1");
  session_end(&s);
  content_host_destroy(h);

  /* Signed with another key: refused the same way. */
  unsigned char other_sk[64], other_pk[32];
  crypto_sign_keypair(other_pk, other_sk);
  char foreign[64];
  CHECK_INT(pb_make(foreign, "2030.1.1", 0, NULL, other_sk), 0);
  char empty2[] = "/tmp/kiosk-staff-empty-XXXXXX";
  CHECK(mkdtemp(empty2) != NULL);
  config c3 = base_config(srv, foreign, empty2, keys);
  h = start(&c3, &s, &cur, 60000, 0);
  CHECK(cur == NULL);
  session_end(&s);
  content_host_destroy(h);

  /* Development (no keys): the unsigned bundle is used, no updates. */
  config c4 = base_config(srv, unsigned_dir, empty2, "");
  h = start(&c4, &s, &cur, 100, 0);
  CHECK(cur != NULL);
  content_host_status_get(h, &st);
  CHECK_INT(st.enabled, 0);
  CHECK_INT(content_host_sync_now(h), KERR_STATE);
  session_end(&s);
  content_host_destroy(h);
  content_destroy(cur);
  sodium_memzero(other_sk, sizeof other_sk);
  tb_remove(shipped);
  tb_remove(v2);
  tb_remove(unsigned_dir);
  tb_remove(foreign);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", data, empty, empty2);
  CHECK_INT(system(cmd), 0);
}

static int write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  fputs(text, f);
  return fclose(f);
}

static const char *kiosk_script =
    "# Written by tests/staff/test_content_update.c\n"
    "expect screen home\n"
    "tap entry.policy\n"
    "tap item.dibao\n"
    "expect text \"9,480\"\n"
    "expect no-text \"12,345\"\n"
    "tap nav.home\n"
    "tap entry.staff\n"
    "type \"S0001\"\n"
    "tap staff.pin\n"
    "type \"246810\"\n"
    "tap staff.login\n"
    "expect screen staff_menu\n"
    "expect text \"2030.1.1\"\n"
    "tap menu.sync_now\n"
    "expect text \"新内容 2030.2.1 已经下载好\"\n"
    "expect text \"能连上\"\n"
    "shot menu-update-held\n"
    "# Still the old figure while this session lasts.\n"
    "tap menu.assist\n"
    "tap entry.policy\n"
    "tap item.dibao\n"
    "expect text \"9,480\"\n"
    "tap nav.end\n"
    "expect screen home\n"
    "tap entry.policy\n"
    "tap item.dibao\n"
    "expect text \"12,345\"\n"
    "expect no-text \"9,480\"\n"
    "shot policy-new-figure\n";

static void part_kiosk(const pub_server *srv, const char *keys,
                       const unsigned char *sk) {
  char shipped[64], v2[64], dir[] = "/tmp/kiosk-staff-app-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  CHECK_INT(pb_make(shipped, "2030.1.1", 0, NULL, sk), 0);
  /* Every version this server had is gone: a fresh publication. */
  CHECK_INT(pb_make(v2, "2030.2.1", 12345, NULL, sk), 0);
  CHECK_INT(ps_seed(srv, v2, NULL, NULL), 0);
  char conf[1200], script[600], cfg_path[600], shots[600];
  snprintf(conf, sizeof conf,
           "backend.url = %s\n"
           "backend.ca_file = %s/ca.crt\n"
           "backend.client_cert = %s/devices/KIOSK-140500-001.crt\n"
           "backend.client_key = %s/devices/KIOSK-140500-001.key\n"
           "device.region = 140500\n"
           "paths.content = %s\n"
           "paths.data = %s/data\n"
           "paths.runtime = %s\n"
           "paths.printer = %s/printer\n"
           "content.trusted_keys = %s\n"
           "screen.fullscreen = false\n",
           srv->url, PUB_PKI, PUB_PKI, PUB_PKI, shipped, dir, dir, dir, keys);
  snprintf(cfg_path, sizeof cfg_path, "%s/kiosk.conf", dir);
  snprintf(script, sizeof script, "%s/update.txt", dir);
  snprintf(shots, sizeof shots, "%s/shots", dir);
  CHECK_INT(write_text(cfg_path, conf), 0);
  CHECK_INT(write_text(script, kiosk_script), 0);
  const char *argv[] = {KIOSK_BIN, "--headless", "--window", "1920x1080",
                        "--config", cfg_path, "--script", script,
                        "--shots", getenv("STAFF_SHOTS") ? getenv("STAFF_SHOTS")
                                                         : shots,
                        NULL};
  static char out[1 << 16];
  int rc = ps_run(argv, out, sizeof out);
  CHECK_INT(rc, 0);
  if (rc != 0)
    fprintf(stderr, "%s", out);
  char link[128];
  char data[256];
  snprintf(data, sizeof data, "%s/data", dir);
  CHECK_STR(pb_current(data, link, sizeof link), "2030.2.1");
  tb_remove(shipped);
  tb_remove(v2);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK_INT(system(cmd), 0);
}

int main(void) {
  log_set_level(LOG_WARN);
  if (sodium_init() < 0 || SDL_Init(SDL_INIT_EVENTS) != 0)
    return 1;
  unsigned char sk[64];
  bundle_sig_key pub;
  if (ps_admin_keys(sk, &pub) != 0) {
    fprintf(stderr, "no development PKI in %s\n", PUB_PKI);
    return 1;
  }
  char keys[64];
  sodium_bin2base64(keys, sizeof keys, pub.pk, sizeof pub.pk,
                    sodium_base64_VARIANT_ORIGINAL);
  pub_server srv;
  if (ps_start(&srv, "staff-host") != 0)
    return 1;
  part_host(&srv, keys, sk);
  ps_stop(&srv);
  if (ps_start(&srv, "staff-kiosk") != 0)
    return 1;
  part_kiosk(&srv, keys, sk);
  ps_stop(&srv);
  sodium_memzero(sk, sizeof sk);
  SDL_Quit();
  return TEST_DONE();
}
