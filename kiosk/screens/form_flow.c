/* form_flow: the one place that decides which screen shows the session's
 * application form. The form service (services/form_host.h) knows where
 * the form's cursor is; this maps that to a screen and moves the stack. */
#include <string.h>

#include "screens/screens.h"
#include "core/log.h"
#include "services/services.h"

/* The screen for the form's cursor (form, sign or review); NULL without a
 * form. */
static const screen_class *form_flow_screen(app *a) {
  switch (form_host_where(app_form(a))) {
  case FORM_VIEW_REVIEW:
    return &screen_form_review;
  case FORM_VIEW_SIGN:
    return &screen_sign;
  case FORM_VIEW_QUESTION:
    return &screen_form;
  case FORM_VIEW_NONE:
    break;
  }
  return NULL;
}

void form_flow_follow(app *a, const screen_class *current) {
  const screen_class *want = form_flow_screen(a);
  if (!want)
    app_pop(a);
  else if (want != current)
    app_replace(a, want, NULL);
  app_dirty(a);
}

void form_flow_open(app *a) {
  /* No form while the outbox cannot take it: the apply screen says why. */
  if (net_host_outbox_health(app_net(a)) != KERR_OK) {
    app_push(a, &screen_screener_start, NULL);
    return;
  }
  const selection *sel = app_selection(a);
  const char *ids[SELECTION_MAX];
  size_t n = selection_count(sel);
  for (size_t i = 0; i < n; i++)
    ids[i] = selection_at(sel, i);
  const screen_class *cls = NULL;
  form_host *fh = app_form(a);
  if (fh && form_host_start(fh, app_content(a), ids, n) == KERR_OK)
    cls = form_flow_screen(a);
  if (cls)
    app_push(a, cls, NULL);
  else
    app_push(a, &screen_holding, "apply");
}

void form_flow_open_referral(app *a) {
  /* Like an application: not while the outbox cannot take it. */
  if (net_host_outbox_health(app_net(a)) != KERR_OK) {
    app_push(a, &screen_screener_start, NULL);
    return;
  }
  form_host *fh = app_form(a);
  const screen_class *cls = NULL;
  if (fh && form_host_start_referral(fh, app_content(a)) == KERR_OK)
    cls = form_flow_screen(a);
  if (cls)
    app_push(a, cls, NULL);
  else
    app_push(a, &screen_holding, "apply");
}

kerr form_flow_resume(app *a, const char *last6) {
  form_host *fh = app_form(a);
  if (!fh)
    return KERR_NOTFOUND;
  if (!last6 && !staff_host_who(app_staff(a)))
    return KERR_DENIED; /* only signed-in staff may skip the check */
  kerr e = form_host_resume(fh, app_content(a), last6);
  const screen_class *cls = e ? NULL : form_flow_screen(a);
  if (cls) {
    if (strcmp(app_screen_name(a), screen_resume.name) == 0)
      app_replace(a, cls, NULL);
    else
      app_push(a, cls, NULL);
  }
  app_dirty(a);
  return e;
}

void form_flow_offer_take(app *a) {
  /* Signed-in staff vouch for the person; anyone else proves it is their
   * form with the end of its ID number (screen_resume). */
  form_host *fh = app_form(a);
  if (fh && form_host_offer(fh)) {
    if (staff_host_who(app_staff(a)))
      form_flow_resume(a, NULL);
    else
      app_push(a, &screen_resume, NULL);
  }
  app_dirty(a);
}

int form_flow_unsaved(app *a, void *state) {
  (void)state;
  const form *f = form_host_form(app_form(a));
  if (!f)
    return 0;
  const form_schema *sc = form_get_schema(f);
  char value[512];
  int given = 0;
  for (size_t i = 0; !given && i < form_schema_field_count(sc); i++) {
    const form_field *fd = form_schema_field_at(sc, i);
    if (fd->type == FORM_T_REPEAT)
      given = form_member_count(f, fd->id) > 0;
    else
      given = form_value_display(f, fd, -1, value, sizeof value) &&
              !form_prefilled(f, fd);
  }
  session_wipe_bytes(value, sizeof value);
  return given;
}

void form_flow_discard(app *a, void *state) {
  (void)state;
  form_host_finish(app_form(a));
  camera_host_clear(app_camera(a)); /* the pages photographed, too */
  LOG_I("form", "form given up before it was handed in");
}

void form_flow_offer_decline(app *a) {
  form_host *fh = app_form(a);
  if (fh)
    form_host_decline(fh);
  app_dirty(a);
}
