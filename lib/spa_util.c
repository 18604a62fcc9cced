/* spa_util.c - placeholder; filled in by its owner. */
#include "config.h"
#include "spa_util.h"
