/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-blocklist"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/analytics/blocklist.h"
#include "common/addr.h"
#include "common/hash.h"

/*
 * libFuzzer harness for the blocklist parser and matcher: the input is a
 * list file (IP list if the first byte is even, else a domain list).
 * Besides the sanitizers, it checks the promises of blocklist.h and
 * aborts when one is broken: every line is an entry, a comment or a bad
 * line (never more entries than lines times 16 names); each word of the
 * text that is an address or a name, looked up, finds an entry whose line
 * lies within the text, and a name found is found again below a new
 * label.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_match(const struct col_bl_match *m, uint32_t lines)
{
	if (m->line == 0 || m->line > lines || m->list == NULL ||
	    strcmp(m->list, "fuzz") != 0 || m->entry[0] == '\0')
		abort();
}

static void
probe(const struct col_blocklist *bl, enum col_bl_kind kind, const char *w,
    uint32_t lines)
{
	char sub[300];
	struct col_bl_match m;
	struct mf_addr a;

	if (kind == COL_BL_IP && mf_addr_parse(w, &a)) {
		if (col_blocklist_find_addr(bl, &a, &m))
			check_match(&m, lines);
		return;
	}
	if (col_blocklist_find_name(bl, w, &m)) {
		check_match(&m, lines);
		/* A name below a matching one (any bytes) matches too. */
		g_snprintf(sub, sizeof(sub), "x.%s", w);
		if (strlen(sub) <= 253 && !col_blocklist_find_name(bl, sub, &m))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum col_bl_kind kind;
	struct col_blocklist_stats st;
	struct col_blocklist *bl;
	struct mf_hash_key k;
	char *text, **words;
	uint32_t lines = 1;
	size_t i;

	if (size == 0 || size > 65536)
		return 0;
	kind = data[0] % 2 == 0 ? COL_BL_IP : COL_BL_DOMAIN;
	text = g_strndup((const char *)data + 1, size - 1);
	for (i = 1; i < size; i++)
		lines += data[i] == '\n';
	mf_hash_key_fixed(&k);
	bl = col_blocklist_new(1024, 1024, &k);
	(void)col_blocklist_add_text(bl, kind, "fuzz", (const char *)data + 1,
	    size - 1);
	col_blocklist_seal(bl);
	col_blocklist_get_stats(bl, &st);
	if (st.ip4 + st.ip6 + st.domains + st.duplicates >
	        (uint64_t)lines * 16 ||
	    st.bad_lines > lines)
		abort();
	words = g_strsplit_set(text, " \t\r\n#;|^$", -1);
	for (i = 0; words[i] != NULL && i < 4096; i++)
		if (words[i][0] != '\0')
			probe(bl, kind, words[i], lines);
	g_strfreev(words);
	g_free(text);
	col_blocklist_free(bl);
	return 0;
}
