/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FASTREAD_H
#define COL_FASTREAD_H

/*
 * fastread: the compiled reader of flow data records (issue 17).  When a
 * flow template arrives it is compiled once into steps (skip n bytes;
 * read an n-byte big-endian integer into a field of m bytes; copy bytes;
 * point a varfield at a variable-length value), and each record of its
 * data sets is then read straight from the message into struct
 * col_fixflow: for a template of fixed-length elements, one length check
 * a record and no call per field.
 *
 * It reads exactly what libfixbuf's transcoding into col_fixflow_tmpl
 * gives (the differential harness tests/fuzz/fuzz_fastread.c checks it):
 * an element the record keeps is read into its field (reduced-size
 * integers right-aligned, RFC 7011 6.2; reduced-size addresses and byte
 * arrays left-aligned, the rest zero), only its first occurrence counts,
 * and every other element is skipped by its length.  A template whose
 * element the record keeps as fixed-length arrives variable-length (or
 * the other way round), or whose integer is wider than 8 bytes, is not
 * compiled: libfixbuf reads it (and refuses its records) as before.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/ingest/fixflow.h"

/* One element of a template, in template order. */
struct col_fastread_elem {
	uint32_t pen;    /* enterprise number, 0 = IANA */
	uint16_t id;     /* element number without the enterprise bit */
	uint16_t len;    /* on the wire; MF_VARLEN = variable length */
	gboolean endian; /* an integer (libfixbuf's FB_IE_F_ENDIAN) */
};

struct col_fastread;

/*
 * Compile a template of n elements (n >= 1); NULL if it cannot be (see
 * above).  Allocates once, at template time.  Free with
 * col_fastread_free() (NULL is fine).
 */
struct col_fastread *col_fastread_compile(const struct col_fastread_elem *e,
    size_t n);
void col_fastread_free(struct col_fastread *p);

/*
 * The shortest record: fixed lengths plus one byte a variable-length
 * element.  Fewer bytes left in a set are padding (libfixbuf's rule).
 */
size_t col_fastread_min_len(const struct col_fastread *p);

/*
 * Read the record at rec (left bytes to the end of its set) into *x and
 * set *used to its length.  Writes every field the template carries and
 * no other: zero *x once before the first record of a set.  Varfields
 * point into rec.  Returns 0, or -EMSGSIZE if the record runs past left
 * (*x is then partly written).  Packet path: no allocation.
 */
int col_fastread_record(const struct col_fastread *p, const uint8_t *rec,
    size_t left, struct col_fixflow *x, size_t *used);

#endif
