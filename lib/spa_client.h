/* spa_client.h - placeholder; filled in by its owner. */
#ifndef SPA_CLIENT_H
#define SPA_CLIENT_H
#endif
