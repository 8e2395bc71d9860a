/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_REPORT_GEO_H
#define COL_REPORT_GEO_H

/*
 * report_geo: the geography of the report ([geo] database,
 * collector/analytics/geo.h), written by the tables' consumer
 * (collector/output/report_tables.h) when databases are configured:
 *
 *   each entry of "addresses" gains "country" (ISO 3166 alpha-2),
 *   "asn" and "as_org", null for internal addresses and where the
 *   databases know nothing;
 *   "top" gains "countries": [ { "country", "bytes", "packets",
 *   "flows", "addresses" } ], the external addresses of the interval
 *   summed per country (bytes sent + received), largest first by
 *   bytes, ties by country; at most [reports] top long.
 *
 * The countries look every external address of the interval up once per
 * report (about a microsecond each; the address table is bounded).
 */
#include <stdint.h>

#include <json-glib/json-glib.h>

#include "collector/output/jsonw.h"

#include "collector/analytics/geo.h"
#include "collector/model/tables.h"

/* Members "country", "asn", "as_org" of a into the open object w. */
void col_report_geo_address(struct col_jsonw *w, const struct col_geo *g,
    const struct col_address *a);

/* Member "countries" into the open object w (the report's "top"). */
void col_report_geo_top(struct col_jsonw *w, const struct col_geo *g,
    const struct col_tables *t, uint32_t top);

#endif
