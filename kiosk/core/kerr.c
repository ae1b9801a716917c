/* kerr: messages for the project's error codes. */
#include "core/kerr.h"

const char *kerr_str(kerr e) {
  switch (e) {
  case KERR_OK: return "ok";
  case KERR_NOMEM: return "out of memory";
  case KERR_IO: return "I/O error";
  case KERR_NOTFOUND: return "not found";
  case KERR_PARSE: return "malformed input";
  case KERR_INVALID: return "invalid value";
  case KERR_LIMIT: return "limit exceeded";
  case KERR_RANGE: return "value out of range";
  case KERR_CRYPTO: return "cryptographic check failed";
  case KERR_NET: return "network error";
  case KERR_PROTOCOL: return "unexpected answer from peer";
  case KERR_CONFLICT: return "conflict";
  case KERR_FULL: return "storage full";
  case KERR_BUSY: return "busy";
  case KERR_DENIED: return "denied";
  case KERR_STATE: return "not allowed in this state";
  case KERR_INTERNAL: return "internal error";
  }
  return "unknown error";
}
