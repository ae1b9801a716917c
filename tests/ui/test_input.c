/* ui_translate: SDL events become kiosk input once, at the edge. */
#include "check.h"
#include "ui/ui.h"

int main(void) {
  SDL_Event ev;
  ui_input in;

  memset(&ev, 0, sizeof ev);
  ev.type = SDL_FINGERDOWN;
  ev.tfinger.x = 0.5f;
  ev.tfinger.y = 0.25f;
  CHECK(ui_translate(&ev, 1920, 1080, &in));
  CHECK_INT(in.type, UI_IN_PRESS);
  CHECK_INT(in.x, 960);
  CHECK_INT(in.y, 270);

  ev.type = SDL_FINGERUP;
  CHECK(ui_translate(&ev, 1080, 1920, &in));
  CHECK_INT(in.type, UI_IN_RELEASE);
  CHECK_INT(in.x, 540);
  CHECK_INT(in.y, 480);

  /* The mouse event SDL synthesizes from the same touch is ignored. */
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_MOUSEBUTTONDOWN;
  ev.button.which = SDL_TOUCH_MOUSEID;
  ev.button.button = SDL_BUTTON_LEFT;
  CHECK(!ui_translate(&ev, 1920, 1080, &in));

  /* A real mouse's left button is a press; the right button is nothing. */
  ev.button.which = 0;
  ev.button.x = 10;
  ev.button.y = 20;
  CHECK(ui_translate(&ev, 1920, 1080, &in));
  CHECK_INT(in.type, UI_IN_PRESS);
  CHECK_INT(in.x, 10);
  ev.button.button = SDL_BUTTON_RIGHT;
  CHECK(!ui_translate(&ev, 1920, 1080, &in));

  /* Motion counts only while the button is held. */
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_MOUSEMOTION;
  ev.motion.x = 5;
  CHECK(!ui_translate(&ev, 1920, 1080, &in));
  ev.motion.state = SDL_BUTTON_LMASK;
  CHECK(ui_translate(&ev, 1920, 1080, &in));
  CHECK_INT(in.type, UI_IN_MOVE);

  memset(&ev, 0, sizeof ev);
  ev.type = SDL_TEXTINPUT;
  strcpy(ev.text.text, "张");
  CHECK(ui_translate(&ev, 1920, 1080, &in));
  CHECK_INT(in.type, UI_IN_TEXT);
  CHECK_STR(in.text, "张");

  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.keysym.sym = SDLK_BACKSPACE;
  CHECK(ui_translate(&ev, 1920, 1080, &in));
  CHECK_INT(in.type, UI_IN_KEY);
  CHECK_INT(in.key, SDLK_BACKSPACE);

  memset(&ev, 0, sizeof ev);
  ev.type = SDL_WINDOWEVENT;
  ev.window.event = SDL_WINDOWEVENT_SIZE_CHANGED;
  ev.window.data1 = 1280;
  ev.window.data2 = 800;
  CHECK(ui_translate(&ev, 1920, 1080, &in));
  CHECK_INT(in.type, UI_IN_RESIZE);
  CHECK_INT(in.x, 1280);

  memset(&ev, 0, sizeof ev);
  ev.type = SDL_QUIT;
  CHECK(ui_translate(&ev, 1920, 1080, &in));
  CHECK_INT(in.type, UI_IN_QUIT);
  return TEST_DONE();
}
