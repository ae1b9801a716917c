/* services: the one header through which screens reach the kiosk's
 * services — the session's application form (form_host), the backend
 * (net_host, submit), staff sign-in (staff_host), the document camera
 * (camera_host), the receipt printer
 * (print_host, receipt_paper), content updates (content_host), the chosen
 * items (selection), the input methods (ime_host) and the ID card reader
 * (idcard_host). A screen gets each
 * service from the shell through the accessors of screens/screen.h
 * (app_form(), app_net(), …) and never includes net/ or devices/ itself:
 * what it needs of them (reference numbers, QR codes, printer faults,
 * content-sync outcomes) comes through here.
 *
 * Services run their work on their own threads and report to the shell
 * through services/svc.h; none of them includes SDL or a screen. */
#ifndef KIOSK_SERVICES_SERVICES_H
#define KIOSK_SERVICES_SERVICES_H

#include "net/content_sync.h"
#include "net/refno.h"
#include "services/camera_host.h"
#include "services/content_host.h"
#include "services/form_host.h"
#include "services/idcard_host.h"
#include "services/ime_host.h"
#include "services/net_host.h"
#include "services/print_host.h"
#include "services/receipt_paper.h"
#include "services/selection.h"
#include "services/staff_host.h"
#include "services/submit.h"

#endif
