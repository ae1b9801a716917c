/* fontindex: the face of a collection with a family name is found from the
 * file's name tables, agrees with what FreeType says the face is, and a
 * missing family, a missing file, a file that is no font and a damaged
 * font give -1 (the caller then probes), never a crash or a wrong face. */
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ui/fontindex.h"

#define CJK "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define CJK_BOLD "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

/* The family FreeType reports for face i of path, into out. */
static int ft_family(const char *path, int i, char *out, size_t cap) {
  TTF_Font *f = TTF_OpenFontIndex(path, 20, i);
  if (!f)
    return -1;
  const char *fam = TTF_FontFaceFamilyName(f);
  snprintf(out, cap, "%s", fam ? fam : "");
  TTF_CloseFont(f);
  return 0;
}

/* Writes n bytes of buf to a new temporary file; its path into path. */
static void write_tmp(char *path, const void *buf, size_t n) {
  strcpy(path, "/tmp/fontindex-XXXXXX");
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0)
    return;
  CHECK(write(fd, buf, n) == (ssize_t)n);
  close(fd);
}

int main(void) {
  CHECK_INT(TTF_Init(), 0);
  /* Every face of the collection is found at the index FreeType opens it
   * at, whichever family is asked for. */
  int faces = 0;
  for (int i = 0; i < 16; i++) {
    char fam[256];
    if (ft_family(CJK, i, fam, sizeof fam) != 0)
      break;
    faces++;
    int got = font_face_index(CJK, fam);
    /* The first face with that family (no two differ in this file). */
    CHECK_INT(got, i);
  }
  CHECK(faces >= 4); /* JP, KR, SC, TC (and HK, mono ones in newer files) */
  int sc = font_face_index(CJK, "Noto Sans CJK SC");
  char fam[256] = "";
  CHECK(sc > 0);
  CHECK_INT(ft_family(CJK, sc, fam, sizeof fam), 0);
  CHECK_STR(fam, "Noto Sans CJK SC");
  /* Bold: the same family name (the weight is the style). */
  int scb = font_face_index(CJK_BOLD, "Noto Sans CJK SC");
  CHECK(scb >= 0);
  CHECK_INT(ft_family(CJK_BOLD, scb, fam, sizeof fam), 0);
  CHECK_STR(fam, "Noto Sans CJK SC");
  /* A single-face file. */
  CHECK_INT(font_face_index(DEJAVU, "DejaVu Sans"), 0);

  /* Not there: -1. */
  CHECK_INT(font_face_index(CJK, "Noto Sans CJK XX"), -1);
  CHECK_INT(font_face_index(CJK, "Noto Sans CJK"), -1); /* a prefix only */
  CHECK_INT(font_face_index(CJK, ""), -1);
  CHECK_INT(font_face_index("/nonexistent/font.ttc", "Noto Sans CJK SC"), -1);

  /* Not a font, and damaged fonts: a collection header claiming faces far
   * beyond the file, a face whose directory claims 65535 tables, and the
   * real file cut short. */
  char path[64];
  write_tmp(path, "hello, this is not a font at all", 32);
  CHECK_INT(font_face_index(path, "Noto Sans CJK SC"), -1);
  unlink(path);
  static const unsigned char ttc_lies[] = {
      't', 't', 'c', 'f', 0, 1, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
      0x7F, 0xFF, 0xFF, 0xF0, 0, 0, 0, 20, 0, 1, 0, 0, 0xFF, 0xFF};
  write_tmp(path, ttc_lies, sizeof ttc_lies);
  CHECK_INT(font_face_index(path, "Noto Sans CJK SC"), -1);
  unlink(path);
  FILE *f = fopen(CJK, "rb");
  CHECK(f != NULL);
  if (f) {
    static unsigned char head[64 * 1024];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    CHECK_INT(n, sizeof head);
    write_tmp(path, head, n);
    CHECK_INT(font_face_index(path, "Noto Sans CJK SC"), -1);
    unlink(path);
  }
  TTF_Quit();
  return TEST_DONE();
}
