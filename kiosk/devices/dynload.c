/* dynload: see dynload.h. */
#include "dynload.h"

#include <dlfcn.h>
#include <pthread.h>

#include "core/log.h"

static pthread_mutex_t dynload_mu = PTHREAD_MUTEX_INITIALIZER;

kerr dynload(const char *soname, const dynload_sym *syms, size_t n) {
  void *addr[64];
  void *h;
  kerr err = KERR_OK;

  if (!soname || n > sizeof addr / sizeof addr[0])
    return KERR_INVALID;
  pthread_mutex_lock(&dynload_mu);
  /* RTLD_NOLOAD first: no second reference (and no message) when open. */
  h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (!h)
    h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    LOG_E("dynload", "cannot open %s: %s", soname, dlerror());
    err = KERR_NOTFOUND;
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    dlerror();
    addr[i] = dlsym(h, syms[i].name);
    if (!addr[i]) {
      LOG_E("dynload", "%s has no %s", soname, syms[i].name);
      err = KERR_NOTFOUND;
      goto out;
    }
  }
  for (size_t i = 0; i < n; i++)
    *syms[i].slot = addr[i];
out:
  pthread_mutex_unlock(&dynload_mu);
  return err;
}
