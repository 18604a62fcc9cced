/* core_err.c - error strings, compiled into pam_spa (see core_ctl.c). */
#include "spa_err.c"
