/* dept: see dept.h. Item ids follow the content catalogue; aliases cover
 * the spellings seen in earlier drafts. */
#include "dept.h"

#include <string.h>

typedef struct pair {
  const char *key;
  const char *value;
} pair;

static const pair DEPTS[] = {
  {"dibao", "民政"},
  {"tekun", "民政"},
  {"dibao_edge", "民政"},
  {"dibao_marginal", "民政"},
  {"marginal", "民政"},
  {"rigid_expense", "民政"},
  {"rigid", "民政"},
  {"temporary", "民政"},
  {"linshi", "民政"},
  {"orphan", "民政"},
  {"vagrant", "民政"},
  {"medical", "医保"},
  {"education", "教育"},
  {"housing", "住建"},
  {"employment", "人社"},
  {"disaster", "应急管理、民政"},
  {"disability_living", "残联、民政"},
  {"disability_care", "残联、民政"},
  {"disability", "残联、民政"},
};

static const pair STATUSES[] = {
  {"submitted", "已提交"}, {"accepted", "受理"},  {"reviewing", "审核"},
  {"publicized", "公示"},  {"approved", "审批"},  {"paid", "发放"},
  {"returned", "退回补正"},
};

const char *dept_for_item(const char *item_id) {
  for (size_t i = 0; i < sizeof DEPTS / sizeof DEPTS[0]; i++)
    if (strcmp(DEPTS[i].key, item_id) == 0)
      return DEPTS[i].value;
  return "民政";
}

const char *dept_status_label(const char *status) {
  for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++)
    if (strcmp(STATUSES[i].key, status) == 0)
      return STATUSES[i].value;
  return NULL;
}

int dept_status_settable(const char *status) {
  return dept_status_label(status) && strcmp(status, "submitted") != 0;
}
