/* spa_ctl.c - placeholder; filled in by its owner. */
#include "spa_ctl.h"
