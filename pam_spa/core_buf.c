/* core_buf.c - the bounded buffer, compiled into pam_spa (see core_ctl.c). */
#include "spa_buf.c"
