/* console_assets: the staff console's static files (server/console/),
 * embedded into the binary at build time by embed.cmake so a deployment is
 * one executable. The table is generated; see CMakeLists.txt. */
#ifndef SERVER_CONSOLE_ASSETS_H
#define SERVER_CONSOLE_ASSETS_H

#include <stddef.h>

typedef struct console_asset {
  const char *path; /* file name under /console/ */
  const char *mime;
  const unsigned char *data;
  size_t size;
} console_asset;

extern const console_asset console_assets[];
extern const size_t console_assets_count;

#endif
