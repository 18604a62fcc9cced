/*
 * core_ctl.c - the core objects pam_spa needs, compiled into the module.
 *
 * Why not link libspacore-int.la: libtool links a convenience library whole
 * into a shared object, and the core's crypto would then make every sshd
 * login map libcrypto.  pam_spa needs only error codes, bounded buffers and
 * the control codec; each is a separate translation unit (core_*.c) so their
 * static helpers cannot collide.
 */
#include "spa_ctl.c"
