/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-l7name"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "common/l7name.h"

/*
 * libFuzzer harness for mf_l7_tls_sni() and mf_l7_http_host().  Input
 * byte 0 is the output size (0 .. 255, and 256 for 255); the rest is one
 * TCP payload, given to both parsers in an exactly sized heap copy.
 * Besides the sanitizers, the harness checks the promises of l7name.h and
 * aborts when one is broken: a known result; out NUL-terminated and empty
 * unless a name was found; a found name non-empty, within both limits,
 * made of the bytes its protocol allows and present in the input; the two
 * parsers never both recognise the same bytes; the same input gives the
 * same result.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef enum mf_l7_result (*l7_fn)(const uint8_t *, size_t, char *, size_t);

static gboolean
allowed(uint8_t c, gboolean tls)
{
	if (tls)
		return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
	return c >= 0x21 && c <= 0x7e;
}

static void
check(enum mf_l7_result r, const char *out, size_t out_size, const uint8_t *p,
    size_t len, gboolean tls)
{
	size_t i, n;

	if ((unsigned)r >= MF_L7_N_RESULTS)
		abort();
	if (out_size == 0) {
		if (r == MF_L7_FOUND)
			abort();
		return;
	}
	n = strnlen(out, out_size);
	if (n == out_size || (r != MF_L7_FOUND && n != 0))
		abort();
	if (r != MF_L7_FOUND)
		return;
	if (n == 0 || n > MF_L7_NAME_MAX || n > len)
		abort();
	for (i = 0; i < n; i++)
		if (!allowed((uint8_t)out[i], tls))
			abort();
	if (memmem(p, len, out, n) == NULL)
		abort();
}

static enum mf_l7_result
run(l7_fn fn, const uint8_t *p, size_t len, size_t out_size, gboolean tls)
{
	char *out = out_size > 0 ? malloc(out_size) : NULL;
	enum mf_l7_result r, again;

	if (out_size > 0 && out == NULL)
		abort();
	if (out != NULL)
		memset(out, 0x5a, out_size);
	r = fn(p, len, out, out_size);
	check(r, out, out_size, p, len, tls);
	again = fn(p, len, out, out_size);
	if (again != r)
		abort();
	free(out);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum mf_l7_result tls, http;
	uint8_t *copy = NULL;
	size_t len, out_size;

	if (size < 1)
		return 0;
	out_size = data[0] == 255 ? MF_L7_NAME_MAX + 1 : data[0];
	len = size - 1;
	if (len > 0 && (copy = malloc(len)) == NULL)
		abort();
	if (len > 0)
		memcpy(copy, data + 1, len);
	tls = run(mf_l7_tls_sni, copy, len, out_size, TRUE);
	http = run(mf_l7_http_host, copy, len, out_size, FALSE);
	if (tls != MF_L7_NOT_THIS && http != MF_L7_NOT_THIS)
		abort();
	free(copy);
	return 0;
}
