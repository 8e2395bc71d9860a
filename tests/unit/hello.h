/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TEST_HELLO_H
#define TEST_HELLO_H

/*
 * hello: TLS ClientHellos for tests, built field by field the way browsers
 * lay them out (TLS 1.2 or 1.3 style, GREASE or not, the server_name
 * extension in the middle or last).  The offset and width of every length
 * field written is recorded, so a test can break each one in turn.
 * Every function fails the running cmocka test if the hello would not fit,
 * so call them from a test only.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/wbuf.h"

#define HELLO_CAP 2048
#define HELLO_MAX_LENS 32

/*
 * Indexes into len_off[] of the fixed length fields; those of the
 * extensions follow in order.
 */
enum hello_field {
	HELLO_RECORD_LEN = 0,  /* 2 bytes */
	HELLO_HANDSHAKE_LEN,   /* 3 */
	HELLO_SESSION_LEN,     /* 1 */
	HELLO_SUITES_LEN,      /* 2 */
	HELLO_COMPRESSION_LEN, /* 1 */
	HELLO_EXTENSIONS_LEN,  /* 2 */
};

/* A ClientHello: its bytes and the length fields written. */
struct hello {
	uint8_t b[HELLO_CAP];
	struct mf_wbuf wb;               /* wb.len: bytes in b */
	size_t len_off[HELLO_MAX_LENS];  /* offset of each length field */
	size_t len_size[HELLO_MAX_LENS]; /* its width: 1, 2 or 3 */
	size_t n_lens;
	size_t open[8]; /* indexes into len_off of the open fields */
	size_t n_open;
	size_t sni_end;   /* offset just past the server_name extension */
	size_t sni_field; /* index of its length field (list, name next) */
	size_t last_data; /* where the last extension's data begins */
};

/* What to build. */
struct hello_opts {
	const char *name;  /* host_name, or NULL for no server_name */
	gboolean tls13;    /* session id, supported_versions, key_share */
	gboolean grease;   /* GREASE suite and extensions (RFC 8701) */
	gboolean sni_last; /* server_name as the last extension */
};

/* Build the hello o describes, one TLS record, into h. */
void hello_build(struct hello *h, const struct hello_opts *o);

/* Add delta to the size-byte big-endian length field at b + off. */
void hello_nudge(uint8_t *b, size_t off, size_t size, int delta);

/*
 * Replace del bytes at offset at by n bytes of data, changing the record
 * and handshake lengths, the extensions length if in_exts and the one of
 * field (an index) if it is not 0 by the difference; the offsets recorded
 * in h follow.
 */
void hello_splice(struct hello *h, size_t at, size_t del, const void *data,
    size_t n, gboolean in_exts, size_t field);

#endif
