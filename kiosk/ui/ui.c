/* placeholder until the UI layer lands */
#include "core/kerr.h"
int ui_placeholder_(void);
int ui_placeholder_(void) { return KERR_OK; }
