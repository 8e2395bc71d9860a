/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-test-hello"

/* ClientHello builder shared by the tests that need TLS hellos. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <cmocka.h>

#include "common/wbuf.h"
#include "tests/unit/hello.h"

/* Start a length field of size bytes; close it with len_close(). */
static void
len_open(struct hello *h, size_t size)
{
	assert_true(
	    h->n_lens < HELLO_MAX_LENS && h->n_open < G_N_ELEMENTS(h->open));
	h->len_off[h->n_lens] = h->wb.len;
	h->len_size[h->n_lens] = size;
	h->open[h->n_open++] = h->n_lens++;
	static const uint8_t zero[8];

	assert_true(size <= sizeof(zero));
	assert_int_equal(mf_wbuf_put_bytes(&h->wb, zero, size), 0);
}

static void
len_close(struct hello *h)
{
	size_t i = h->open[--h->n_open];
	size_t off = h->len_off[i], size = h->len_size[i];
	size_t v = h->wb.len - off - size, k;

	for (k = 0; k < size; k++)
		h->b[off + k] = (uint8_t)(v >> (8 * (size - 1 - k)));
}

static void
put16(struct hello *h, uint16_t v)
{
	assert_int_equal(mf_wbuf_put_u16(&h->wb, v), 0);
}

static void
put8(struct hello *h, uint8_t v)
{
	assert_int_equal(mf_wbuf_put_u8(&h->wb, v), 0);
}

static void
put_fill(struct hello *h, uint8_t v, size_t n)
{
	while (n-- > 0)
		put8(h, v);
}

/* An extension of type with n bytes of v as data. */
static void
put_ext(struct hello *h, uint16_t type, uint8_t v, size_t n)
{
	put16(h, type);
	len_open(h, 2);
	h->last_data = h->wb.len;
	put_fill(h, v, n);
	len_close(h);
}

static void
put_sni(struct hello *h, const char *name)
{
	put16(h, 0);
	h->sni_field = h->n_lens;
	len_open(h, 2); /* extension data */
	h->last_data = h->wb.len;
	len_open(h, 2); /* server_name_list */
	put8(h, 0);     /* host_name */
	len_open(h, 2);
	assert_int_equal(mf_wbuf_put_bytes(&h->wb, name, strlen(name)), 0);
	len_close(h);
	len_close(h);
	len_close(h);
	h->sni_end = h->wb.len;
}

/* Extensions a browser sends around the server name. */
static void
put_extensions(struct hello *h, const struct hello_opts *o)
{
	if (o->grease)
		put_ext(h, 0x3a3a, 0, 0);
	put_ext(h, 0x0017, 0, 0);    /* extended_master_secret */
	put_ext(h, 0xff01, 0, 1);    /* renegotiation_info */
	put_ext(h, 0x000a, 0x1d, 6); /* supported_groups */
	if (o->name != NULL && !o->sni_last)
		put_sni(h, o->name);
	put_ext(h, 0x0010, 'h', 14); /* ALPN */
	if (o->tls13) {
		put_ext(h, 0x002b, 0x03, 5);  /* supported_versions */
		put_ext(h, 0x0033, 0x55, 38); /* key_share, x25519 */
	}
	if (o->grease)
		put_ext(h, 0xdada, 0, 1);
	if (o->name != NULL && o->sni_last)
		put_sni(h, o->name);
}

void
hello_build(struct hello *h, const struct hello_opts *o)
{
	memset(h, 0, sizeof(*h));
	mf_wbuf_init(&h->wb, h->b, sizeof(h->b));
	put8(h, 22);
	put16(h, 0x0301);
	len_open(h, 2); /* record */
	put8(h, 1);
	len_open(h, 3); /* handshake */
	put16(h, 0x0303);
	put_fill(h, 0xa5, 32); /* random */
	len_open(h, 1);
	put_fill(h, 0x5a, o->tls13 ? 32 : 0);
	len_close(h);
	len_open(h, 2);
	if (o->grease)
		put16(h, 0x0a0a);
	put16(h, 0x1301);
	put16(h, 0xc02b);
	len_close(h);
	len_open(h, 1);
	put8(h, 0);
	len_close(h);
	len_open(h, 2);
	put_extensions(h, o);
	len_close(h);
	len_close(h);
	len_close(h);
	assert_int_equal(h->n_open, 0);
}

void
hello_nudge(uint8_t *b, size_t off, size_t size, int delta)
{
	uint32_t v = 0;
	size_t k;

	for (k = 0; k < size; k++)
		v = v << 8 | b[off + k];
	v = (uint32_t)((int64_t)v + delta);
	for (k = 0; k < size; k++)
		b[off + k] = (uint8_t)(v >> (8 * (size - 1 - k)));
}

void
hello_splice(struct hello *h, size_t at, size_t del, const void *data, size_t n,
    gboolean in_exts, size_t field)
{
	int d = (int)n - (int)del;
	size_t i;

	assert_true(at + del <= h->wb.len && h->wb.len - del + n <= HELLO_CAP);
	memmove(h->b + at + n, h->b + at + del, h->wb.len - at - del);
	if (n > 0)
		memcpy(h->b + at, data, n);
	h->wb.len = h->wb.len - del + n;
	for (i = 0; i < h->n_lens; i++)
		if (h->len_off[i] >= at + del)
			h->len_off[i] = (size_t)((int)h->len_off[i] + d);
	if (h->sni_end >= at + del)
		h->sni_end = (size_t)((int)h->sni_end + d);
	hello_nudge(h->b, h->len_off[HELLO_RECORD_LEN], 2, d);
	hello_nudge(h->b, h->len_off[HELLO_HANDSHAKE_LEN], 3, d);
	if (in_exts)
		hello_nudge(h->b, h->len_off[HELLO_EXTENSIONS_LEN], 2, d);
	if (field != 0)
		hello_nudge(h->b, h->len_off[field], h->len_size[field], d);
}
