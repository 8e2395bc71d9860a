/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-settings"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "collector/settings.h"
#include "common/error.h"

/*
 * libFuzzer harness for the collector's configuration: the input is a
 * whole minflow.conf, read by col_config_load() (the table's loader, the
 * duplicate and name checks, then the derived checks with their line
 * lookups) and col_config_set_dir().  The file is a memfd named through
 * /proc/self/fd, so that nothing touches the disk.  Besides the
 * sanitizers, the harness aborts if a failure has no message, or one that
 * does not start with the file's name, or if a success leaves a relative
 * or empty report directory.  Each input is independent: nothing is kept
 * between calls.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer ctx)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)ctx;
}

static void
check(const char *path, const uint8_t *data, size_t size)
{
	struct col_config cfg;
	GError *err = NULL;

	if (!col_config_load(path, &cfg, &err)) {
		if (err == NULL || !g_str_has_prefix(err->message, path))
			abort();
		g_error_free(err);
		return;
	}
	if (col_config_set_dir(&cfg, NULL, path, &err)) {
		if (cfg.reports.dir == NULL || cfg.reports.dir[0] != '/')
			abort();
	} else if (err == NULL || !g_str_has_prefix(err->message, path)) {
		abort();
	} else {
		g_error_free(err);
	}
	(void)data;
	(void)size;
	col_config_clear(&cfg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd;

	g_log_set_default_handler(quiet, NULL);
	if ((fd = memfd_create("minflow.conf", MFD_CLOEXEC)) < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		g_snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		check(path, data, size);
	}
	close(fd);
	return 0;
}
