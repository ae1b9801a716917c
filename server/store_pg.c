#include "store_private.h"
#include "kiosk/core/log.h"
kerr store_pg_open(const char *conninfo, int readers, store **out) {
  (void)conninfo; (void)readers; (void)out;
  LOG_E("store", "PostgreSQL support is not built in");
  return KERR_STATE;
}
