/* pm-cli-common.h: conventions every pepamo-cli command shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

enum
{
  PM_CLI_OK = 0,
  PM_CLI_FAILED = 1,
  PM_CLI_USAGE = 2,
};

int   pm_cli_fail        (const char   *format,
                          ...) G_GNUC_PRINTF (1, 2);
int   pm_cli_fail_usage  (const char   *message);
int   pm_cli_parse_command (GOptionContext     *context,
                            const char         *summary,
                            const GOptionEntry *entries,
                            int                *argc,
                            char             ***argv);
int   pm_cli_default_date  (char              **date);
gboolean pm_cli_date_is_iso (const char        *date);
char *pm_cli_pad           (const char         *text,
                            guint               width);
/* A secret read from the environment or a prompt; wiped when freed. */
typedef char PmCliSecret;

PmCliSecret *pm_cli_read_secret (const char   *env_name,
                                 const char   *prompt,
                                 GError      **error);
PmCliSecret *pm_cli_read_new_secret (const char   *env_name,
                                     const char   *prompt,
                                     GError      **error);
void  pm_cli_secret_free (PmCliSecret  *secret);
char *pm_cli_store_path  (const char   *data_dir);
int   pm_cli_write_text  (const char   *output,
                          const char   *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmCliSecret, pm_cli_secret_free)

G_END_DECLS
