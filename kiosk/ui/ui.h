/* ui: the per-frame drawing context, widgets and input translation.
 *
 * Immediate mode: screens redraw their whole content in draw(); each widget
 * call both draws and records what it drew in the frame registry — tap
 * targets (id, label, rectangle) and text boxes (text, rectangle, whether it
 * overflowed). Input is hit-tested against the last drawn frame, so what the
 * applicant touches is exactly what they saw. The registry also lets scripts
 * tap by id or label and check that no text overflows and every target is
 * large enough.
 *
 * SDL events are translated once, here, into ui_input events: a tap is a tap
 * whether it came from a finger or a mouse. */
#ifndef KIOSK_UI_UI_H
#define KIOSK_UI_UI_H

#include <SDL.h>
#include <stdint.h>

#include "ui/text.h"
#include "ui/theme.h"

#define UI_ID_MAX 48
#define UI_LABEL_MAX 160
#define UI_MAX_TARGETS 256
#define UI_MAX_TEXTS 512
#define UI_MAX_FILLS 512

typedef struct ui_target {
  char id[UI_ID_MAX];
  char label[UI_LABEL_MAX];
  char say[UI_LABEL_MAX]; /* what the keypad's focus says, if not label */
  SDL_Rect r;    /* the part that can be touched (clipped to the view) */
  SDL_Rect full; /* the whole target, for the minimum-size check */
  int enabled;
  int priv;        /* registered inside ui_private: its label is not said */
  int action, arg; /* what a tap on it means to the screen (ui_tag) */
} ui_target;

typedef struct ui_textbox {
  char text[UI_LABEL_MAX]; /* first bytes of the text (for expect/find) */
  SDL_Rect r;
  int overflow; /* the text needed more room than the box had */
} ui_textbox;

typedef enum ui_align { UI_LEFT = 0, UI_CENTER = 1, UI_RIGHT = 2 } ui_align;

typedef enum ui_button_style {
  UI_BTN_PRIMARY = 0, /* filled deep blue */
  UI_BTN_SECONDARY,   /* white with a border */
  UI_BTN_ACCENT,      /* filled red: rare, for the one most important act */
  UI_BTN_QUIET        /* text only on the background, e.g. 工作人员 */
} ui_button_style;

typedef struct ui {
  SDL_Renderer *ren;
  text_sys *text;
  theme th;
  /* registry of the frame being drawn and of the last complete frame */
  ui_target targets[UI_MAX_TARGETS];
  int n_targets;
  ui_textbox texts[UI_MAX_TEXTS];
  int n_texts;
  int registry_full; /* more widgets than the registry holds (a bug) */
  /* press feedback */
  char pressed[UI_ID_MAX];
  /* a modal layer: while set, only targets drawn after it accept taps */
  int modal_from;
  /* pages of the scrolling page view drawn this frame (the first page and
   * one more per 下一页), 0 when the frame has none; for scripts */
  int pages;
  /* flat areas painted this frame, newest last: text drawn entirely
   * inside one is rendered against its colour without blending */
  struct {
    SDL_Rect r;
    SDL_Color c;
  } fills[UI_MAX_FILLS];
  int n_fills;
  /* clipping (a scrolled view): what is outside is neither drawn nor
   * registered; has_clip == 0 means the whole screen */
  int has_clip;
  SDL_Rect clip;
  int last_target; /* index of the target the last widget registered, or -1 */
  /* where widgets take their words: the shell's lookup of the content
   * bundle's strings (never NULL results); NULL: the key itself */
  const char *(*str)(void *ud, const char *key);
  void *str_ud;
  /* 听一听: while speak_buf is set, the words of the frame are appended to
   * it in drawing order, except what is private (ui_private) and the
   * labels of controls that are not content (ui_speak_skips) */
  char *speak_buf;
  size_t speak_len, speak_cap;
  int private_depth;
  const char *button_id; /* the button whose label is being drawn */
} ui;

/* Marks what is drawn until ui_private(u, 0) as personal (typed values,
 * answers on the review page): never read aloud unasked. Nests. */
void ui_private(ui *u, int on);

/* Starts collecting the words of the frame into buf (cap bytes, always
 * NUL-terminated), for reading the screen aloud; ui_speak_end() stops and
 * returns the length. */
void ui_speak_begin(ui *u, char *buf, size_t cap);
size_t ui_speak_end(ui *u);

/* Adds words of the caller's to those being collected (a sentence of its
 * own), e.g. what just happened before the screen it happened on. */
void ui_speak_add(ui *u, const char *s);

/* 1 when a control with this target id is not read out (the top bar, the
 * keys, paging, 上一步/下一步 and the like). */
int ui_speak_skips(const char *id);

/* The UI text for key, through u->str; never NULL. */
const char *ui_str(const ui *u, const char *key);

/* Restricts drawing and registration to r until ui_clip_end(). */
void ui_clip_begin(ui *u, SDL_Rect r);
void ui_clip_end(ui *u);

/* Prepares for a new frame: clears the registry, paints the background. */
void ui_begin(ui *u);
/* Marks that everything drawn from now on is a modal layer on top. */
void ui_begin_modal(ui *u);

/* --- drawing primitives --- */
void ui_fill(ui *u, SDL_Rect r, SDL_Color c);
void ui_fill_round(ui *u, SDL_Rect r, int radius, SDL_Color c);
/* A rounded card with a 2-unit border. */
void ui_card(ui *u, SDL_Rect r, SDL_Color fill, SDL_Color border);
void ui_circle(ui *u, int cx, int cy, int radius, SDL_Color c);

/* --- text --- */
/* Draws one line at (x, y) (top-left); returns its width. Not registered. */
int ui_text_line(ui *u, int px, text_weight w, SDL_Color c, const char *s,
                 int x, int y);
/* Wraps s into r under Chinese line-breaking rules, aligned horizontally,
 * top-aligned (valign 0) or vertically centred (valign 1). Registers a text
 * box; if the text needs more lines than fit, draws what fits and marks it
 * overflowed. Returns the height the whole text needs. */
int ui_text_box(ui *u, SDL_Rect r, int px, text_weight w, SDL_Color c,
                ui_align align, int valign, const char *s);
/* The largest of the theme's text sizes, at most px_max, at which s
 * wrapped into wd fits in height ht (the smallest size if none does). */
int ui_fit_px(ui *u, int wd, int ht, text_weight w, const char *s,
              int px_max);
/* Height the wrapped text would need in width wd. */
int ui_text_height(ui *u, int wd, int px, text_weight w, const char *s);

/* --- widgets --- */
/* A button: draws, registers a target, shows the pressed state. */
void ui_button(ui *u, const char *id, SDL_Rect r, ui_button_style style,
               const char *label);
/* A big entry tile: a round badge with one character, a title and a line
 * of description. */
void ui_tile(ui *u, const char *id, SDL_Rect r, const char *badge,
             SDL_Color badge_color, const char *title, const char *desc);
/* The same with the badge diameter given (0: no badge); tiles shown side
 * by side pass the smallest ui_tile_badge_fit() of the row so they match. */
void ui_tile_sized(ui *u, const char *id, SDL_Rect r, const char *badge,
                   SDL_Color badge_color, const char *title, const char *desc,
                   int badge_size);
/* The largest badge that leaves room for the words in a tall tile r. */
int ui_tile_badge_fit(ui *u, SDL_Rect r, const char *title, const char *desc);
/* Registers an invisible tap target (e.g. a whole list row). */
void ui_target_add(ui *u, const char *id, SDL_Rect r, const char *label);

/* Words the keypad's focus says for the target just added instead of its
 * label, where the label alone does not say what it is about (「选上」
 * under an item's name: 「选上临时救助」). Call before ui_tag. */
void ui_target_say(ui *u, const char *words);
/* Tags the target the last widget call registered (nothing if it drew
 * none, e.g. clipped away) with what a tap on it means: the screen's own
 * action number and an argument (an index, …). They come back in the
 * tap's ui_event, so a screen switches on numbers instead of matching id
 * strings; the id stays what scripts and the registry use. A screen's
 * numbers are 1..999 (0 means untagged); 1000 and up belong to the chrome
 * (widgets/chrome.h: top bar and timeout overlay), whose taps the shell
 * handles on every screen. */
void ui_tag(ui *u, int action, int arg);

/* --- hit testing (against the last complete frame) --- */
const ui_target *ui_hit(const ui *u, int x, int y);
const ui_target *ui_find_target(const ui *u, const char *id_or_label);
/* Nonzero if some text box of the frame contains needle. */
int ui_has_text(const ui *u, const char *needle);

/* --- input translation --- */
typedef enum ui_input_type {
  UI_IN_NONE = 0,
  UI_IN_PRESS,   /* finger/mouse down at x,y */
  UI_IN_MOVE,    /* while down */
  UI_IN_RELEASE, /* finger/mouse up at x,y */
  UI_IN_KEY,     /* key: SDL keycode */
  UI_IN_TEXT,    /* text: UTF-8 from a physical keyboard or an IME */
  UI_IN_QUIT,
  UI_IN_RESIZE,  /* x,y = new size */
  UI_IN_EXPOSE   /* the window needs redrawing */
} ui_input_type;

typedef struct ui_input {
  ui_input_type type;
  int x, y;
  int key;
  char text[32];
} ui_input;

/* Translates one SDL event; returns 0 when it means nothing to the kiosk.
 * Finger coordinates are converted to pixels of a w x h screen; mouse events
 * synthesized by SDL from touches are ignored (the finger event counts). */
int ui_translate(const SDL_Event *ev, int w, int h, ui_input *out);

/* What a screen or widget receives: a tap on a target it drew, a drag, a key, text. */
typedef enum ui_event_type {
  UI_EV_TAP = 1, /* id: the target's id */
  UI_EV_DRAG,    /* dx, dy since the last drag event; x, y: position */
  UI_EV_DRAG_END, /* the finger was lifted after a drag */
  UI_EV_KEY,     /* key: SDL keycode */
  UI_EV_TEXT,    /* text: UTF-8 */
  /* Raw pointer events, only for screens with raw_pointer set (a writing
   * pad needs the finger from its first pixel, before a drag begins). They
   * come before the tap/drag events the same input also produces. */
  UI_EV_PRESS,   /* x, y: finger down; id: the target under it or "" */
  UI_EV_MOVE,    /* x, y: finger moved while down */
  UI_EV_RELEASE  /* x, y: finger lifted */
} ui_event_type;

typedef struct ui_event {
  ui_event_type type;
  const char *id;
  int action, arg; /* UI_EV_TAP: the target's tag (ui_tag); 0 untagged */
  int x, y, dx, dy;
  int key;
  const char *text;
} ui_event;

#endif
