/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_GEO_H
#define COL_GEO_H

/*
 * geo: the country and autonomous system of an address, from MaxMind DB
 * files ([geo] database: GeoLite2 or DB-IP country, city and ASN
 * databases, read with libmaxminddb).  The files are mapped read-only;
 * each lookup walks the databases in the order given and takes the first
 * country (country, else registered_country, iso_code) and the first
 * autonomous_system_number / _organization found.  A lookup does not
 * allocate.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "common/addr.h"

#define COL_GEO_MAX_DBS 8
#define COL_GEO_ORG_MAX 128

struct col_geo_info {
	char country[3]; /* ISO 3166 alpha-2, "" if unknown */
	uint32_t asn;    /* 0 if unknown */
	char as_org[COL_GEO_ORG_MAX];
};

struct col_geo;

/*
 * Open the files (NULL or an empty list: NULL, no error: geography is
 * off).  NULL with error set if a file cannot be opened or there are
 * more than COL_GEO_MAX_DBS.  Free with col_geo_free() (NULL is fine).
 */
struct col_geo *col_geo_open(char *const *files, GError **error);
void col_geo_free(struct col_geo *g);

/* What the databases say about a; FALSE (out zeroed) if nothing. */
gboolean col_geo_lookup(const struct col_geo *g, const struct mf_addr *a,
    struct col_geo_info *out);

#endif
