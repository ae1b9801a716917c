/* The kiosk requires a subjectAltName naming the server (net/http.c), over
 * real TLS against the reference backend (kiosk-server) on loopback:
 *   - with the development PKI's server certificate (subjectAltName
 *     DNS:localhost) the device endpoints answer, through both clients on
 *     net/http (api and content_sync);
 *   - with a certificate from the same deployment CA for CN=localhost but
 *     without a subjectAltName extension -- which the CA chain accepts and
 *     curl's CN fallback would match -- both refuse the server with
 *     KERR_DENIED and an error that names the missing subjectAltName. */
#include <sodium.h>

#include "check.h"
#include "core/bundle_sig.h"
#include "net/api.h"
#include "net/content_sync.h"
#include "net_helpers.h"

static char work[128];

/* Copies the PKI of b to <work>/pki-nosan and replaces its server
 * certificate with one signed by the same CA for CN=localhost without a
 * subjectAltName. 0 on success. */
static int make_nosan_pki(const nh_backend *b, nh_backend *nb) {
  char cmd[2048];

  *nb = *b;
  nb->pid = 0;
  snprintf(nb->pki, sizeof nb->pki, "%s/pki-nosan", work);
  snprintf(nb->db, sizeof nb->db, "%s/nosan.db", work);
  snprintf(nb->port_file, sizeof nb->port_file, "%s/nosan.port", work);
  snprintf(nb->log, sizeof nb->log, "%s/nosan.log", work);
  snprintf(cmd, sizeof cmd,
           "set -e; cp -a '%s' '%s'; cd '%s'; rm -f server.crt server.key; "
           "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
           "-out server.key 2>/dev/null; chmod 600 server.key; "
           "openssl req -new -key server.key "
           "-subj '/O=Township Kiosk Development/CN=localhost' -out s.csr "
           "2>/dev/null; "
           "printf 'basicConstraints=critical,CA:FALSE\\n"
           "keyUsage=critical,digitalSignature\\n"
           "extendedKeyUsage=serverAuth\\n' > s.ext; "
           "openssl x509 -req -in s.csr -CA ca.crt -CAkey ca.key "
           "-CAcreateserial -CAserial s.srl -days 30 -sha256 -extfile s.ext "
           "-out server.crt 2>/dev/null; rm -f s.csr s.ext s.srl; "
           /* the chain itself is fine: only the missing SAN is wrong */
           "openssl verify -CAfile ca.crt server.crt >/dev/null; "
           "! openssl x509 -in server.crt -noout -ext subjectAltName "
           "2>/dev/null | grep -q DNS:",
           b->pki, nb->pki, nb->pki);
  return system(cmd) == 0 ? 0 : -1;
}

static void api_cfg(api_config *c, const nh_backend *b) {
  memset(c, 0, sizeof *c);
  c->base_url = b->url;
  c->ca_file = b->ca;
  c->cert_file = b->dev_cert;
  c->key_file = b->dev_key;
  c->connect_timeout_ms = 2000;
  c->total_timeout_ms = 5000;
}

/* A heartbeat through api; returns its kerr, *why the error text. */
static kerr heartbeat(const nh_backend *b, char *why, size_t cap) {
  api_config c;
  api *a = NULL;
  api_heartbeat_info h = {0};
  kerr err;

  api_cfg(&c, b);
  err = api_create(&c, &a);
  if (err)
    return err;
  h.device_id = "KIOSK-140500-001";
  h.content_version = "2025.07.1";
  err = api_heartbeat(a, &h);
  snprintf(why, cap, "%s", api_last_error(a));
  api_destroy(a);
  return err;
}

/* A content check through content_sync; r gets its result. */
static kerr content_check(const nh_backend *b, const bundle_sig_key *key,
                          const char *data_dir, content_sync_result *r) {
  content_sync_config c;
  content_sync *s = NULL;
  kerr err;

  memset(&c, 0, sizeof c);
  c.base_url = b->url;
  c.ca_file = b->ca;
  c.cert_file = b->dev_cert;
  c.key_file = b->dev_key;
  c.connect_timeout_ms = 2000;
  c.total_timeout_ms = 5000;
  c.region = "140500";
  c.data_dir = data_dir;
  c.keys = key;
  c.n_keys = 1;
  memset(r, 0, sizeof *r);
  err = content_sync_create(&c, &s);
  if (err)
    return err;
  err = content_sync_check(s, r);
  content_sync_destroy(s);
  return err;
}

int main(void) {
  nh_backend be, nosan;
  bundle_sig_key key;
  content_sync_result r;
  char why[API_DETAIL_MAX], path[256], data_dir[200];

  CHECK(sodium_init() >= 0);
  CHECK(nh_tmpdir(work, sizeof work, "net-san") == 0);
  memset(&be, 0, sizeof be);
  memset(&nosan, 0, sizeof nosan);
  if (nh_backend_init(&be, NET_SERVER_BIN, KIOSK_SOURCE_DIR, work) != 0) {
    CHECK(!"backend PKI");
    goto out;
  }
  CHECK(make_nosan_pki(&be, &nosan) == 0);
  snprintf(path, sizeof path, "%s/admin.pub", be.pki);
  CHECK_INT(bundle_sig_key_load(path, &key), KERR_OK);
  snprintf(data_dir, sizeof data_dir, "%s/data", work);
  CHECK(mkdir(data_dir, 0700) == 0);

  /* The development certificate names localhost in its subjectAltName. */
  if (nh_backend_start(&be, NET_SERVER_BIN, 0) != 0) {
    CHECK(!"backend with the SAN certificate started");
    goto out;
  }
  CHECK_INT(heartbeat(&be, why, sizeof why), KERR_OK);
  CHECK_INT(content_check(&be, &key, data_dir, &r), KERR_OK);
  CHECK_INT(r.outcome, CONTENT_SYNC_UNCHANGED);
  CHECK_INT(r.reason, CONTENT_SYNC_R_NOTHING);
  nh_backend_stop(&be);

  /* Same CA, CN=localhost, no subjectAltName: refused by both clients. */
  if (nh_backend_start(&nosan, NET_SERVER_BIN, 0) != 0) {
    CHECK(!"backend with the SAN-less certificate started");
    goto out;
  }
  CHECK_INT(heartbeat(&nosan, why, sizeof why), KERR_DENIED);
  fprintf(stderr, "api: %s\n", why);
  CHECK(strstr(why, "no subjectAltName") != NULL);
  CHECK_INT(content_check(&nosan, &key, data_dir, &r), KERR_DENIED);
  fprintf(stderr, "content_sync: %s\n", r.detail);
  CHECK_INT(r.outcome, CONTENT_SYNC_FAILED);
  CHECK_INT(r.reason, CONTENT_SYNC_R_NETWORK);
  CHECK(strstr(r.detail, "no subjectAltName") != NULL);
  nh_backend_stop(&nosan);

out:
  nh_backend_stop(&be);
  nh_backend_stop(&nosan);
  if (check_failed_)
    fprintf(stderr, "logs kept in %s\n", work);
  else
    nh_rm_rf(work);
  return TEST_DONE();
}
