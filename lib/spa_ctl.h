/* spa_ctl.h - placeholder; filled in by its owner. */
#ifndef SPA_CTL_H
#define SPA_CTL_H
#endif
