/* pm-cli-common.c: conventions every pepamo-cli command shares
 *
 * Exit codes: 0 ok, 1 failed, 2 usage. Errors are one line on stderr, so a
 * script can show them as they are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "pm-cli-common.h"
#include "pm-clock.h"
#include "pm-error.h"

int
pm_cli_fail (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* One line, whatever the message holds. */
  g_strdelimit (message, "\n", ' ');
  fprintf (stderr, "pepamo-cli: %s\n", message);
  return PM_CLI_FAILED;
}

int
pm_cli_fail_usage (const char *message)
{
  g_autofree char *one_line = g_strdelimit (g_strdup (message), "\n", ' ');

  fprintf (stderr, "pepamo-cli: %s\n", one_line);
  fprintf (stderr, _("Try “%s --help”.\n"), g_get_prgname ());
  return PM_CLI_USAGE;
}

/* Parses a command's options; commands take no positional arguments. */
int
pm_cli_parse_command (GOptionContext      *context,
                      const char          *summary,
                      const GOptionEntry  *entries,
                      int                 *argc,
                      char              ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    return pm_cli_fail_usage (error->message);
  if (*argc > 1)
    {
      g_autofree char *message = g_strdup_printf (_("unexpected argument “%s”"), (*argv)[1]);

      return pm_cli_fail_usage (message);
    }
  return PM_CLI_OK;
}

gboolean
pm_cli_date_is_iso (const char *date)
{
  g_autofree char *iso = g_strconcat (date, "T00:00:00Z", NULL);
  g_autoptr(GDateTime) parsed = strlen (date) == 10 ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  return parsed != NULL;
}

/* A --date option: today when absent, a usage error when malformed. */
int
pm_cli_default_date (char **date)
{
  if (*date == NULL)
    {
      *date = pm_clock_today ();
      return PM_CLI_OK;
    }
  if (!pm_cli_date_is_iso (*date))
    return pm_cli_fail_usage (_("--date must be YYYY-MM-DD"));
  return PM_CLI_OK;
}

void
pm_cli_secret_free (PmCliSecret *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static PmCliSecret *
prompt_secret (const char  *prompt,
               GError     **error)
{
  struct termios saved, quiet;
  char buffer[1024];
  char *line;

  fprintf (stderr, "%s", prompt);
  fflush (stderr);
  tcgetattr (STDIN_FILENO, &saved);
  quiet = saved;
  quiet.c_lflag &= ~ECHO;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  line = fgets (buffer, sizeof buffer, stdin);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  fprintf (stderr, "\n");

  buffer[strcspn (buffer, "\r\n")] = '\0';
  if (line == NULL || buffer[0] == '\0')
    {
      explicit_bzero (buffer, sizeof buffer);
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("The passphrase must not be empty"));
      return NULL;
    }
  line = g_strdup (buffer);
  explicit_bzero (buffer, sizeof buffer);
  return line;
}

/* From @env_name, else a prompt without echo on a terminal; never argv. */
PmCliSecret *
pm_cli_read_secret (const char  *env_name,
                    const char  *prompt,
                    GError     **error)
{
  const char *from_env = g_getenv (env_name);

  if (from_env && *from_env)
    return g_strdup (from_env);
  if (!isatty (STDIN_FILENO))
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID,
                   _("No passphrase: set %s or run on a terminal"), env_name);
      return NULL;
    }
  return prompt_secret (prompt, error);
}

/* Like pm_cli_read_secret(), but a typed one must be typed twice. */
PmCliSecret *
pm_cli_read_new_secret (const char  *env_name,
                        const char  *prompt,
                        GError     **error)
{
  g_autoptr(PmCliSecret) first = NULL;
  g_autoptr(PmCliSecret) second = NULL;

  if (g_getenv (env_name) && *g_getenv (env_name))
    return pm_cli_read_secret (env_name, prompt, error);
  first = pm_cli_read_secret (env_name, prompt, error);
  if (first == NULL)
    return NULL;
  second = prompt_secret (_("Repeat it: "), error);
  if (second == NULL)
    return NULL;
  if (strcmp (first, second) != 0)
    {
      g_set_error (error, PM_ERROR, PM_ERROR_INVALID, _("The two entries differ"));
      return NULL;
    }
  return g_steal_pointer (&first);
}

char *
pm_cli_store_path (const char *data_dir)
{
  return g_build_filename (data_dir, "pepamo.db", NULL);
}


/* Pads to @width characters, not bytes: names have umlauts. */
char *
pm_cli_pad (const char *text,
            guint       width)
{
  glong length = g_utf8_strlen (text ? text : "", -1);
  GString *padded = g_string_new (text);

  for (glong i = length; i < (glong) width; i++)
    g_string_append_c (padded, ' ');
  return g_string_free (padded, FALSE);
}

/* Writes @text (mode 0600: it may carry personal data) to @output, or to
 * standard output when @output is NULL. */
int
pm_cli_write_text (const char *output,
                   const char *text)
{
  g_autoptr(GError) error = NULL;

  if (output == NULL)
    {
      printf ("%s\n", text);
      return PM_CLI_OK;
    }
  if (!g_file_set_contents_full (output, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    return pm_cli_fail ("%s", error->message);
  return PM_CLI_OK;
}
