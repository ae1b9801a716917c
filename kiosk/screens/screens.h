/* screens: every screen class of the kiosk, and the shared chrome (top bar,
 * footer) they draw with. One file per screen. */
#ifndef KIOSK_SCREENS_SCREENS_H
#define KIOSK_SCREENS_SCREENS_H

#include "screens/screen.h"
#include "widgets/chrome.h"

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
/* The document camera (materials.c, capture.c): the checklist of the
 * materials to photograph, opened from the review page; and photographing
 * one material (arg: const int *, its index in the checklist). */
extern const screen_class screen_materials;
extern const screen_class screen_capture;

/* Builds the camera service's checklist from the session form's items. */
void materials_refresh(app *a);
/* The plain message for a camera_pages_verdict that is not OK, into out:
 * 1; 0 (out "") for OK. */
int materials_limit_message(app *a, int verdict, char *out, size_t cap);

/* The top bar (widgets/chrome.h) with, while staff are signed in, the
 * 「工作人员 … 代办中」 band under it. Returns the rectangle below both. */
SDL_Rect screen_top_bar(app *a, ui *u, const char *title, int has_back);

/* While staff are signed in, draws the 「工作人员 … 代办中」 band at y across
 * the screen and returns its height; else draws nothing and returns 0. */
int staff_badge_draw(app *a, ui *u, int y);

/* The footer line with the region's hotline; returns its top y. */
int screen_footer(app *a, ui *u);

/* form_flow.c: which screen shows the session's form, and moving to it. */
/* Puts the screen for the cursor in place of `current` when it is another
 * one; with no form, goes back (app_pop). */
void form_flow_follow(app *a, const screen_class *current);
/* 用这几项申请: starts the form for the session's selection and pushes the
 * screen for its cursor; when the form cannot be started, a holding screen
 * says so (and while the outbox cannot take it, the apply screen says why). */
void form_flow_open(app *a);
/* Opens the 帮别人求助 referral form (referral.json) on its first question. */
void form_flow_open_referral(app *a);
/* The home screen's 继续填写: with staff signed in the form comes back at
 * once, otherwise screen_resume asks for the end of the ID number. */
void form_flow_offer_take(app *a);
/* For the form's screens (screen_class.unsaved / .discard): 1 while the
 * session's form holds an answer the applicant gave (one carried from the
 * screener and left as it was does not count: it is not lost), before it
 * is handed in; 放弃 drops the form and wipes its recovery point. */
int form_flow_unsaved(app *a, void *state);
void form_flow_discard(app *a, void *state);
/* The home screen's 不用了: declines the offer (the point is wiped). */
void form_flow_offer_decline(app *a);
/* Takes up the offer: with last6 as form_host_resume; with NULL only while
 * staff are signed in (KERR_DENIED otherwise). On KERR_OK the form's
 * screen replaces screen_resume (or is pushed from home). */
kerr form_flow_resume(app *a, const char *last6);

#endif
