/* screens: every screen class of the kiosk, and the shared chrome (top bar,
 * footer) they draw with. One file per screen. */
#ifndef KIOSK_SCREENS_SCREENS_H
#define KIOSK_SCREENS_SCREENS_H

#include "app/app.h"

extern const screen_class screen_home;
/* Policy home: every item by layer. */
extern const screen_class screen_policy;
/* One item in full; arg is the item id (borrowed from the content). */
extern const screen_class screen_policy_item;
extern const screen_class screen_screener_start; /* apply: ask first, or pick */
extern const screen_class screen_screener; /* the questions, one per screen */
extern const screen_class screen_results; /* arg: const cJSON *answers */
extern const screen_class screen_results_pick; /* arg: item id or NULL */
/* Highlights cycling while nobody uses the kiosk. */
extern const screen_class screen_attract;
/* Idle time on the home screen before the attract screen starts. */
#define HOME_ATTRACT_AFTER_MS 60000
/* A holding screen for an entry not yet open: arg is the entry key
 * ("policy", "apply", "query", "staff"). */
extern const screen_class screen_holding;
/* Shown when no valid content bundle exists. */
extern const screen_class screen_out_of_service;
extern const screen_class screen_textentry; /* text-entry practice (staff) */
extern const screen_class screen_form; /* the form: a question or the members */
extern const screen_class screen_form_review; /* the form: check your answers */
extern const screen_class screen_sign; /* the form: a signature drawn on screen */
extern const screen_class screen_resume; /* the ID check before a form comes back */
extern const screen_class screen_receipt; /* arg: const submit_receipt * */
extern const screen_class screen_progress; /* progress query, from home */
extern const screen_class screen_staff_outbox; /* outbox for staff */
/* Staff sign-in (工号 and PIN); goes on to the menu when signed in. */
extern const screen_class screen_staff_signin;
extern const screen_class screen_staff_menu; /* device status, staff acts */

/* Target ids the app itself handles on every screen. */
#define NAV_BACK "nav.back"
#define NAV_HOME "nav.home"
#define NAV_END "nav.end"
#define NAV_ELDER "nav.elder"

/* Draws the top bar: 返回 (when has_back), the title, 长辈模式 and 结束.
 * Returns the rectangle below it that the screen may use. */
SDL_Rect chrome_top_bar(app *a, ui *u, const char *title, int has_back);

/* While staff are signed in, draws the 「工作人员 … 代办中」 band at y across
 * the screen and returns its height; else draws nothing and returns 0. */
int staff_badge_draw(app *a, ui *u, int y);

/* Draws the footer line (hotline, help) at the bottom; returns its top y. */
int chrome_footer(app *a, ui *u);

/* Copies tmpl to out with the first "{name}" replaced by value. */
void chrome_format(char *out, size_t size, const char *tmpl,
                   const char *name, const char *value);

/* Draws the timeout warning overlay with seconds_left on the countdown. */
void chrome_timeout_overlay(app *a, ui *u, int seconds_left);

#define TIMEOUT_MORE "timeout.more"
#define TIMEOUT_END "timeout.end"

#endif
