/* fw-iptc.c - the iptables backend: not written yet; refuses to start. */
#include <stdio.h>

#include "spa_err.h"
#include "fw-int.h"

static int
iptc_open(struct fw *f, const struct fw_opts *o, char *err, size_t errlen)
{
	snprintf(err, errlen, "the iptables backend is not implemented yet");
	return SPA_ERR_INVALID;
}

const struct fw_ops fw_iptc_ops = {
	.name = "iptables",
	.open = iptc_open,
};
