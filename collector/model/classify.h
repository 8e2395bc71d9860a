/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COL_CLASSIFY_H
#define COL_CLASSIFY_H

/*
 * classify: SiLK-style "twoway" classes from the internal networks of
 * minflow.conf.  The classes are disjoint:
 *   in        external source -> internal destination
 *   out       internal source -> external destination
 *   inweb     "in", TCP, with a web port on either side
 *   outweb    "out", TCP, with a web port on either side
 *   internal  both sides internal
 *   external  neither side internal
 * The reverse direction of a biflow record has the opposite class (in <->
 * out, inweb <-> outweb; internal and external stay).
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "collector/model/flow.h"
#include "common/addr.h"

enum col_class {
	COL_CLASS_IN,
	COL_CLASS_OUT,
	COL_CLASS_INWEB,
	COL_CLASS_OUTWEB,
	COL_CLASS_INTERNAL,
	COL_CLASS_EXTERNAL,
	COL_N_CLASSES
};

/* "in", "out", "inweb", "outweb", "internal", "external". */
extern const char *const col_class_names[COL_N_CLASSES];

#define COL_MAX_PREFIXES 256
#define COL_MAX_WEB_PORTS 64

struct col_classifier;

/*
 * A classifier for the prefixes ("192.168.0.0/16", "fd00::/8", or a bare
 * address for one host) and web ports ("80", "443") given as strings, in
 * NULL-terminated lists as mf_conf gives them (a NULL list is empty; the
 * strings are copied).  NULL (MF_ERROR_CONFIG naming the bad item, as
 * "web port 'x': not a port 1..65535") on a bad prefix or port, or more
 * than COL_MAX_PREFIXES / COL_MAX_WEB_PORTS items.  Lookups scan the
 * prefixes linearly (at most 256) and test a port bitmap; no allocation
 * after creation.  Free with col_classifier_free() (NULL is fine).
 */
struct col_classifier *col_classifier_new(char *const *prefixes,
    char *const *web_ports, GError **error);
void col_classifier_free(struct col_classifier *c);

/* TRUE if a lies in one of the internal prefixes. */
gboolean col_classifier_is_internal(const struct col_classifier *c,
    const struct mf_addr *a);

/* TRUE if port is a web port. */
gboolean col_classifier_is_web_port(const struct col_classifier *c,
    uint16_t port);

/*
 * The class of f's forward direction (f->src -> f->dst); src_internal and
 * dst_internal are set too unless NULL.  Web classes need proto 6 (TCP)
 * and a web port as sport or dport; UDP/443 (QUIC) stays in/out.
 */
enum col_class col_classify(const struct col_classifier *c,
    const struct col_flow *f, gboolean *src_internal, gboolean *dst_internal);

/* The class of the other direction of the same conversation. */
enum col_class col_class_reverse(enum col_class k);

#endif
