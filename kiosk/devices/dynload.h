/* dynload: the engines a kiosk needs only in some sessions — librime
 * (pinyin), zinnia (handwriting), espeak-ng (the voice) — are opened when
 * first used, not linked: linking them made every launch load and relocate
 * some eighty libraries they pull in (boost, ICU, audio codecs), a third of
 * the launch's instructions, even for a kiosk that only shows policies.
 *
 * A library stays open for the life of the process once opened (C++
 * libraries do not unload cleanly); releasing an engine frees its memory,
 * the mapping of the code stays. Thread-safe. */
#ifndef KIOSK_DEVICES_DYNLOAD_H
#define KIOSK_DEVICES_DYNLOAD_H

#include <stddef.h>

#include "core/kerr.h"

/* One function to resolve: its name and where its address goes (a pointer
 * to a function pointer, cast: dynload writes it as POSIX allows). */
typedef struct dynload_sym {
  const char *name;
  void **slot;
} dynload_sym;

/* Opens soname (the first call; later ones find it open) and fills every
 * slot. All or nothing: KERR_NOTFOUND when the library or any function is
 * missing (logged once with the loader's reason), slots then untouched. */
kerr dynload(const char *soname, const dynload_sym *syms, size_t n);

#endif
