/* sdl_floor: the smallest program that does what the kiosk's launch must
 * do at the least — start SDL2, open the kiosk's regular font with
 * SDL2_ttf, draw one glyph into a 1920x1080 software frame, and end — the
 * floor bench_ui reports the kiosk's launch against. Linked with SDL2 and
 * SDL2_ttf only (no kiosk code, no other library to load).
 *
 *   sdl_floor FONT_FILE FACE_INDEX          exit status 0 when drawn */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  SDL_Surface *frame, *glyph;
  SDL_Renderer *ren;
  SDL_Texture *tex;
  TTF_Font *font;
  SDL_Color ink = {0x1a, 0x1a, 0x1a, 0xff};
  SDL_Rect at = {100, 100, 0, 0};
  int ok;

  if (argc < 3 || SDL_Init(SDL_INIT_EVENTS | SDL_INIT_TIMER) != 0 ||
      TTF_Init() != 0)
    return 1;
  frame = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32,
                                         SDL_PIXELFORMAT_ARGB8888);
  ren = frame ? SDL_CreateSoftwareRenderer(frame) : NULL;
  font = TTF_OpenFontIndex(argv[1], 32, atol(argv[2]));
  if (!ren || !font)
    return 1;
  SDL_SetRenderDrawColor(ren, 0xff, 0xff, 0xff, 0xff);
  SDL_RenderClear(ren);
  glyph = TTF_RenderUTF8_Blended(font, "\xe6\xb0\x91", ink); /* 民 */
  tex = glyph ? SDL_CreateTextureFromSurface(ren, glyph) : NULL;
  ok = tex != NULL;
  if (tex) {
    at.w = glyph->w;
    at.h = glyph->h;
    SDL_RenderCopy(ren, tex, NULL, &at);
    SDL_RenderPresent(ren);
    SDL_DestroyTexture(tex);
  }
  SDL_FreeSurface(glyph);
  TTF_CloseFont(font);
  SDL_DestroyRenderer(ren);
  SDL_FreeSurface(frame);
  TTF_Quit();
  SDL_Quit();
  return ok ? 0 : 1;
}
