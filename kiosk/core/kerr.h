/* kerr: the one error type of the project.
 *
 * Functions that can fail return a kerr and hand results out through pointer
 * arguments. KERR_OK is zero so `if (err) goto out;` reads naturally.
 * kerr_str() gives an English developer message for logs; what a citizen
 * sees comes from the content bundle's strings, never from here. */
#ifndef KIOSK_CORE_KERR_H
#define KIOSK_CORE_KERR_H

typedef enum kerr {
  KERR_OK = 0,
  KERR_NOMEM,     /* allocation failed */
  KERR_IO,        /* file or device I/O failed */
  KERR_NOTFOUND,  /* file, key or record does not exist */
  KERR_PARSE,     /* input is not well-formed (JSON, config, expression) */
  KERR_INVALID,   /* well-formed but semantically wrong */
  KERR_LIMIT,     /* a size, count or depth limit was exceeded */
  KERR_RANGE,     /* a value is outside its allowed range */
  KERR_CRYPTO,    /* signature, hash or seal check failed */
  KERR_NET,       /* network unreachable, timeout, TLS failure */
  KERR_PROTOCOL,  /* the peer answered something we cannot accept */
  KERR_CONFLICT,  /* the same key with different content (e.g. HTTP 409) */
  KERR_FULL,      /* storage full */
  KERR_BUSY,      /* try again later */
  KERR_DENIED,    /* authentication or authorisation refused */
  KERR_STATE,     /* operation not allowed in the current state */
  KERR_INTERNAL   /* a bug: should never be seen */
} kerr;

/* Static English description; never NULL. */
const char *kerr_str(kerr e);

#endif
