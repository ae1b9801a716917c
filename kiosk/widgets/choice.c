/* choice: the large answer button; see choice.h. */
#include "widgets/choice.h"

#include <string.h>

int choice_height(ui *u, int w, int px, const char *label) {
  const theme *th = &u->th;
  int h = ui_text_height(u, w - 2 * th->pad, px, TEXT_BOLD, label) +
          2 * th->pad;
  return h < th->button_h ? th->button_h : h;
}

void choice_button(ui *u, const char *id, SDL_Rect r, bool selected, int px,
                   const char *label) {
  const theme *th = &u->th;
  int pressed = strcmp(u->pressed, id) == 0;
  SDL_Color fill = selected ? (pressed ? th->primary_pressed : th->primary)
                            : (pressed ? th->surface_alt : th->surface);
  ui_card(u, r, fill, th->primary);
  ui_text_box(u, (SDL_Rect){r.x + th->pad, r.y, r.w - 2 * th->pad, r.h}, px,
              TEXT_BOLD, selected ? th->on_primary : th->primary, UI_CENTER, 1,
              label);
  ui_target_add(u, id, r, label);
}
