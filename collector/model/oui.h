/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_OUI_H
#define COL_OUI_H

/*
 * oui: the vendor of a MAC address from its Organizationally Unique
 * Identifier (the first three bytes), as the IEEE's MA-L registry names
 * it.  The registry is read once at start from Debian's ieee-data
 * package: oui.txt (lines "XXXXXX     (base 16)\t\tName") or oui.csv
 * ("MA-L,XXXXXX,Name,Address", the name quoted when it holds a comma),
 * chosen by the file's first line.  Lines that are neither are skipped
 * (oui.txt's address lines); an assignment given twice keeps the first.
 * At most COL_OUI_MAX entries are kept, names cut at COL_OUI_NAME_MAX
 * bytes: the whole registry (about 38,000 entries) takes about 2 MiB.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define COL_OUI_MAX (1u << 20)
#define COL_OUI_NAME_MAX 128

struct col_oui;

/*
 * Read path.  NULL (error set) if it cannot be read or holds no entry at
 * all (not a registry file).  Free with col_oui_free() (NULL is fine).
 */
struct col_oui *col_oui_load(const char *path, GError **error);

/* The same from text already in memory (len bytes; for tests). */
struct col_oui *col_oui_parse(const char *text, size_t len, GError **error);
void col_oui_free(struct col_oui *o);

/*
 * The vendor of mac (its first three bytes; a locally administered MAC
 * has none), or NULL.  The string lives as long as o.  o may be NULL.
 */
const char *col_oui_find(const struct col_oui *o, const uint8_t mac[6]);

/* Entries held (0 for NULL). */
size_t col_oui_count(const struct col_oui *o);

#endif
