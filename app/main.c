/* main.c: pepamo, the field client of the Pflege- und Pass-Mobil
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "pm-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(PmApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("PEPAMO_LOCALEDIR") ? g_getenv ("PEPAMO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = pm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
