/* flow: the per-item state machine of joint processing (协同办理).
 *
 * Every assistance item of an application moves on its own:
 *
 *   submitted 已提交 -> accepted 受理 -> reviewing 审核 -> [publicized 公示]
 *     -> approved 审批 -> paid 发放
 *
 * with two side exits: refused 不予 (final, a written reason required) and
 * returned 退回补正 (a reason required; back to accepted when the applicant
 * brings what is missing). The publicity step is taken by exactly the
 * items that have a public notice (dept_item_notice) and skipped by the
 * others. Moving an item back (including out of paid or refused) is a
 * correction: only a supervisor, only with a reason.
 *
 * An application with no items (a referral lead) keeps one status of its
 * own and moves by the same rules, without a publicity step.
 *
 * Pure functions over status codes; no I/O, no state. */
#ifndef SERVER_FLOW_H
#define SERVER_FLOW_H

#include <stddef.h>

/* What a requested move is. */
typedef enum flow_verdict {
  FLOW_OK = 0,      /* a legal next step */
  FLOW_SAME,        /* already in that status */
  FLOW_UNKNOWN,     /* not a status staff may set */
  FLOW_ILLEGAL,     /* not a next step (skipping ahead, or from a final one) */
  FLOW_NO_NOTICE,   /* publicized, for an item without a public notice */
  FLOW_NEED_NOTICE, /* approved straight from reviewing, for an item with a
                       public notice */
  FLOW_NEED_REASON, /* refused or returned without a reason */
  FLOW_CORRECTION   /* a move back: a supervisor's correction, with a
                       reason (the caller decides who may) */
} flow_verdict;

/* The Chinese label of a status code ("accepted" -> "受理"), or NULL if
 * the code is not one of the protocol's statuses. */
const char *flow_status_label(const char *status);

/* 1 if status is a known code staff may set (every one but submitted). */
int flow_status_settable(const char *status);

/* 1 while the item is still being handled: not paid and not refused. */
int flow_status_open(const char *status);

/* Judges the move from -> to for an item that has (notice = 1) or has not
 * a publicity step; has_reason = a non-empty note was given. */
flow_verdict flow_check(const char *from, const char *to, int notice,
                        int has_reason);

/* A plain Chinese sentence for a refused verdict, for the console
 * (e.g. "「已提交」的事项不能直接改为「审批」。"). Writes into buf (cap
 * bytes) and returns it. */
const char *flow_message(flow_verdict v, const char *from, const char *to,
                         char *buf, size_t cap);

/* The application-level summary of its items' statuses: the least advanced
 * open item's status; when none is open, "paid" if any was paid, else
 * "refused". NULL when n == 0 (the application keeps its own status). The
 * result is one of statuses[] or a static string. */
const char *flow_summary(const char *const *statuses, size_t n);

#endif
