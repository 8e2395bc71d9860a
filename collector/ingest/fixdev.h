/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FIXDEV_H
#define COL_FIXDEV_H

/*
 * fixdev: minflow-exporter's device records (templates device4/device6
 * of common/model.h) as fixread decodes them: which external templates
 * are device records (an options template scoped by sourceMacAddress
 * with minflow's deviceNameSource), the internal template libfixbuf
 * transcodes them into (struct mf_device_rec, both address families),
 * and the conversion into struct col_device_rec.  A name is cut at
 * COL_DEVICE_NAME_MAX - 1 bytes; a name source out of range reads as
 * none (the name is then not used).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <fixbuf/public.h>

#include "collector/model/flow.h"
#include "common/model.h"

#define COL_FIXDEV_TID 0x7e03 /* internal template id */

/*
 * The internal template: every field of struct mf_device_rec, in struct
 * order, COL_FIXDEV_REC_LEN bytes of it (the archive writes records from
 * it too).
 */
extern const struct mf_template col_fixdev_internal;
#define COL_FIXDEV_REC_LEN (offsetof(struct mf_device_rec, source) + 1)

/* Whether external template t carries device records. */
gboolean col_fixdev_is_device(fbTemplate_t *t);

/* Add the internal template to session s (FALSE, error set, on failure). */
gboolean col_fixdev_add_internal(fbSession_t *s, fbInfoModel_t *model,
    GError **error);

/* Convert x (as fBufNext() filled it) into out. */
void col_fixdev_take(const struct mf_device_rec *x, struct col_device_rec *out);

/*
 * Back to the exporter's record (the archive's and normalised forwarding's
 * way out): r's name points into d.  Returns the address family of the
 * template to write it under (MF_AF_INET when d has no address, as
 * minflow-exporter does).
 */
uint8_t col_fixdev_to_wire(const struct col_device_rec *d,
    struct mf_device_rec *r);

#endif
