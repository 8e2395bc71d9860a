/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_OPTIONS_H
#define COL_OPTIONS_H

/*
 * options: the collector's command line, and the configuration file it
 * names (-C; without it the installed one if present, else the
 * defaults) with -o applied (collector/settings.h).
 */
#include <glib.h>

#include "collector/settings.h"

struct col_options {
	char *config, *out_dir, *pidfile;
	char **read; /* -r files, NULL-terminated, or NULL (live) */
	gboolean daemon, check, dump, verbose, version;
};

/* Parse the command line into o (zeroed by the caller); FALSE on error. */
gboolean col_options_parse(int argc, char **argv, struct col_options *o,
    GError **error);

/* Free what col_options_parse() allocated. */
void col_options_clear(struct col_options *o);

/* Load the configuration file o names into cfg, -o applied. */
gboolean col_options_load_config(const struct col_options *o,
    struct col_config *cfg, GError **error);

/* --check-config: load, print "FILE: OK" or the error; the exit status. */
int col_options_check_config(const struct col_options *o);

/* --dump-config: every key with its default, on standard output. */
void col_options_dump_config(void);

#endif
