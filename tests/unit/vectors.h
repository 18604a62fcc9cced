/*
 * vectors.h - reader for tests/data/spa1-vectors.txt (shared by the unit
 * tests and the fuzz seed generator): "key = value" lines in blank-line
 * separated blocks; a key's "(...)" annotation is dropped.
 */
#ifndef SPA_TEST_VECTORS_H
#define SPA_TEST_VECTORS_H

#include <stddef.h>

#define VEC_MAX_BLOCKS 16
#define VEC_MAX_KEYS 24

struct vec_block {
	size_t n;
	char key[VEC_MAX_KEYS][64];
	char val[VEC_MAX_KEYS][512];
};

/* Read path into blocks[max]; returns the number of blocks or -1. */
int vec_read(const char *path, struct vec_block *blocks, int max);
/* Value of key in b, or NULL. */
const char *vec_get(const struct vec_block *b, const char *key);

#endif
