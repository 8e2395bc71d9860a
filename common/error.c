/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-error"

#include <glib.h>

#include "common/error.h"

GQuark
mf_error_quark(void)
{
	return g_quark_from_static_string("minflow-error-quark");
}
