/* spa_client.c - placeholder; filled in by its owner. */
#include "spa_client.h"
