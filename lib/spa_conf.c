/* spa_conf.c - placeholder; filled in by its owner. */
#include "spa_conf.h"
