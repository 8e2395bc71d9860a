/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_FBMODEL_H
#define COL_FBMODEL_H

/*
 * fbmodel: the collector's adapter between the template tables of
 * common/model.h and libfixbuf.  It owns the definitions of the CERT and
 * minflow elements libfixbuf 2.4's information model lacks, and builds
 * libfixbuf templates from the tables.  The exporter never links it (nor
 * libfixbuf): it encodes with common/msgenc.c.
 */
#include <glib.h>
#include <fixbuf/public.h>

#include "common/model.h"

/*
 * A new libfixbuf information model with minflow's CERT and own elements added.
 * Free with fbInfoModelFree().
 */
fbInfoModel_t *col_fbmodel_new(void);

/*
 * A libfixbuf template built from t, every element looked up in model by
 * (enterprise, number), lengths as the table says (MF_FK_FIXSTR fields,
 * which only NetFlow v9 carries, left out).  Returns NULL (and sets
 * error) if the model lacks an element.
 */
fbTemplate_t *col_fbmodel_template_new(fbInfoModel_t *model,
    const struct mf_template *t, GError **error);

/* Whether template t holds element (pen, id). */
gboolean col_fbmodel_template_has(fbTemplate_t *t, uint32_t pen, uint16_t id);

/*
 * Add t as an internal template (id t->id) to session s; FALSE (error
 * set) on failure.
 */
gboolean col_fbmodel_add_internal(fbSession_t *s, fbInfoModel_t *model,
    const struct mf_template *t, GError **error);

#endif
