/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-geo"

#include <sys/socket.h>
#include <netinet/in.h>
#include <string.h>

#include <glib.h>
#include <maxminddb.h>

#include "collector/analytics/geo.h"
#include "common/addr.h"
#include "common/error.h"

struct col_geo {
	MMDB_s db[COL_GEO_MAX_DBS];
	size_t n;
};

struct col_geo *
col_geo_open(char *const *files, GError **error)
{
	struct col_geo *g;
	size_t n = 0;
	int rc;

	while (files != NULL && files[n] != NULL)
		n++;
	if (n == 0)
		return NULL;
	if (n > COL_GEO_MAX_DBS) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[geo] database: at most %u files", COL_GEO_MAX_DBS);
		return NULL;
	}
	g = g_new0(struct col_geo, 1);
	for (g->n = 0; g->n < n; g->n++)
		if ((rc = MMDB_open(files[g->n], MMDB_MODE_MMAP,
		         &g->db[g->n])) != MMDB_SUCCESS) {
			g_set_error(error, MF_ERROR, MF_ERROR_IO,
			    "[geo] database: %s: %s", files[g->n],
			    MMDB_strerror(rc));
			col_geo_free(g);
			return NULL;
		}
	return g;
}

void
col_geo_free(struct col_geo *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++)
		MMDB_close(&g->db[i]);
	g_free(g);
}

/* A string at path into out (size bytes); TRUE if there was one. */
static gboolean
get_str(MMDB_entry_s *e, char *out, size_t size, const char *const *path)
{
	MMDB_entry_data_s d;

	if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size == 0)
		return FALSE;
	g_strlcpy(out, d.utf8_string, MIN(size, (size_t)d.data_size + 1));
	return TRUE;
}

static void
take(MMDB_entry_s *e, struct col_geo_info *out)
{
	static const char *const country[] = { "country", "iso_code", NULL };
	static const char *const reg[] = { "registered_country", "iso_code",
		NULL };
	static const char *const asn[] = { "autonomous_system_number", NULL };
	static const char *const org[] = { "autonomous_system_organization",
		NULL };
	MMDB_entry_data_s d;

	if (out->country[0] == '\0' &&
	    !get_str(e, out->country, sizeof(out->country), country))
		(void)get_str(e, out->country, sizeof(out->country), reg);
	if (out->asn == 0 && MMDB_aget_value(e, &d, asn) == MMDB_SUCCESS &&
	    d.has_data && d.type == MMDB_DATA_TYPE_UINT32)
		out->asn = d.uint32;
	if (out->as_org[0] == '\0')
		(void)get_str(e, out->as_org, sizeof(out->as_org), org);
}

gboolean
col_geo_lookup(const struct col_geo *g, const struct mf_addr *a,
    struct col_geo_info *out)
{
	struct sockaddr_storage ss;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (g == NULL || (a->family != MF_AF_INET && a->family != MF_AF_INET6))
		return FALSE;
	memset(&ss, 0, sizeof(ss));
	if (a->family == MF_AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->b, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->b, 16);
	}
	for (i = 0; i < g->n; i++) {
		int err = 0;
		MMDB_lookup_result_s r =
		    MMDB_lookup_sockaddr((MMDB_s *)(uintptr_t)&g->db[i],
		        (struct sockaddr *)&ss, &err);

		if (err == MMDB_SUCCESS && r.found_entry)
			take(&r.entry, out);
	}
	return out->country[0] != '\0' || out->asn != 0 ||
	    out->as_org[0] != '\0';
}
