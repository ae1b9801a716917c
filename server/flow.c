/* flow: see flow.h. The order of STATUSES is the order of progress; rank()
 * places returned with accepted (it goes back there) and refused after
 * paid (both final). */
#include "flow.h"

#include <stdio.h>
#include <string.h>

typedef struct status_def {
  const char *code;
  const char *label;
  int rank;
} status_def;

static const status_def STATUSES[] = {
  {"submitted", "已提交", 0},  {"returned", "退回补正", 1},
  {"accepted", "受理", 2},     {"reviewing", "审核", 3},
  {"publicized", "公示", 4},   {"approved", "审批", 5},
  {"paid", "发放", 6},         {"refused", "不予", 7},
};

static const status_def *find(const char *code) {
  if (!code)
    return NULL;
  for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++)
    if (strcmp(STATUSES[i].code, code) == 0)
      return &STATUSES[i];
  return NULL;
}

const char *flow_status_label(const char *status) {
  const status_def *d = find(status);
  return d ? d->label : NULL;
}

int flow_status_settable(const char *status) {
  return find(status) && strcmp(status, "submitted") != 0;
}

int flow_status_open(const char *status) {
  return strcmp(status, "paid") != 0 && strcmp(status, "refused") != 0;
}

static int is(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* The legal forward steps. */
static int forward(const char *from, const char *to, int notice) {
  if (is(to, "refused") || is(to, "returned"))
    return flow_status_open(from) && !is(from, "returned") &&
           !is(from, "approved");
  if (is(from, "submitted") || is(from, "returned"))
    return is(to, "accepted");
  if (is(from, "accepted"))
    return is(to, "reviewing");
  if (is(from, "reviewing"))
    return is(to, notice ? "publicized" : "approved");
  if (is(from, "publicized"))
    return is(to, "approved");
  if (is(from, "approved"))
    return is(to, "paid");
  return 0;
}

flow_verdict flow_check(const char *from, const char *to, int notice,
                        int has_reason) {
  const status_def *f = find(from), *t = find(to);
  if (!t || !flow_status_settable(to))
    return FLOW_UNKNOWN;
  if (!f)
    return FLOW_ILLEGAL;
  if (is(from, to))
    return FLOW_SAME;
  if (is(to, "publicized") && !notice)
    return FLOW_NO_NOTICE;
  if (forward(from, to, notice)) {
    if ((is(to, "refused") || is(to, "returned")) && !has_reason)
      return FLOW_NEED_REASON;
    return FLOW_OK;
  }
  if (is(from, "reviewing") && is(to, "approved") && notice)
    return FLOW_NEED_NOTICE;
  /* Back to an earlier working step: from anywhere later, or out of a
   * final status. Never back to returned or refused (those are moves of
   * their own). */
  if ((t->rank < f->rank || is(from, "refused")) && !is(to, "returned") &&
      !is(to, "refused") && !is(from, "returned"))
    return FLOW_CORRECTION;
  return FLOW_ILLEGAL;
}

const char *flow_message(flow_verdict v, const char *from, const char *to,
                         char *buf, size_t cap) {
  const char *fl = flow_status_label(from), *tl = flow_status_label(to);
  fl = fl ? fl : "?";
  tl = tl ? tl : "?";
  switch (v) {
  case FLOW_OK:
    snprintf(buf, cap, "已改为「%s」。", tl);
    break;
  case FLOW_SAME:
    snprintf(buf, cap, "该事项已经是「%s」，不用再改。", tl);
    break;
  case FLOW_UNKNOWN:
    snprintf(buf, cap, "没有这个办理状态。");
    break;
  case FLOW_NO_NOTICE:
    snprintf(buf, cap, "该事项没有公示环节，审核后直接审批。");
    break;
  case FLOW_NEED_NOTICE:
    snprintf(buf, cap, "该事项须先公示，公示后才能审批。");
    break;
  case FLOW_NEED_REASON:
    snprintf(buf, cap, "改为「%s」须写明理由。", tl);
    break;
  case FLOW_CORRECTION:
    snprintf(buf, cap,
             "从「%s」退回到「%s」属于更正，只有主管可以更正，并须写明理由。",
             fl, tl);
    break;
  case FLOW_ILLEGAL:
  default:
    snprintf(buf, cap, "「%s」的事项不能直接改为「%s」。", fl, tl);
    break;
  }
  return buf;
}

const char *flow_summary(const char *const *statuses, size_t n) {
  const status_def *least = NULL;
  int any_paid = 0;
  if (n == 0)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    const status_def *d = find(statuses[i]);
    if (!d)
      continue;
    if (!flow_status_open(d->code)) {
      any_paid |= is(d->code, "paid");
      continue;
    }
    if (!least || d->rank < least->rank)
      least = d;
  }
  if (least)
    return least->code;
  return any_paid ? "paid" : "refused";
}
