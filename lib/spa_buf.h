/*
 * spa_buf.h - the bounded buffer every byte from outside goes through.
 *
 * Typed big-endian get/put that fail with SPA_ERR_BUF_SHORT / _FULL instead
 * of touching memory past the end; a failed call leaves the buffer unchanged.
 * No other code does pointer arithmetic on packets.
 */
#ifndef SPA_BUF_H
#define SPA_BUF_H

#include <stddef.h>
#include <stdint.h>

struct spa_buf {
	uint8_t *data;
	size_t cap;	/* bytes in data */
	size_t pos;	/* next byte to read or write */
	int rdonly;
};

/* A writable buffer over data[0..cap). */
void spa_buf_init(struct spa_buf *b, void *data, size_t cap);
/* A read-only buffer over data[0..len); put_* return SPA_ERR_BUF_RDONLY. */
void spa_buf_init_ro(struct spa_buf *b, const void *data, size_t len);
/* Bytes left between pos and the end. */
size_t spa_buf_left(const struct spa_buf *b);

/* Each returns 0 or SPA_ERR_BUF_SHORT (nothing read, pos unchanged). */
int spa_buf_get_u8(struct spa_buf *b, uint8_t *v);
int spa_buf_get_u16(struct spa_buf *b, uint16_t *v);
int spa_buf_get_u32(struct spa_buf *b, uint32_t *v);
int spa_buf_get_u64(struct spa_buf *b, uint64_t *v);
int spa_buf_get_bytes(struct spa_buf *b, void *out, size_t n);
/* Points *p at the next n bytes in place and advances; 0 or SPA_ERR_BUF_SHORT. */
int spa_buf_get_ptr(struct spa_buf *b, const uint8_t **p, size_t n);
int spa_buf_skip(struct spa_buf *b, size_t n);

/* Each returns 0, SPA_ERR_BUF_FULL or SPA_ERR_BUF_RDONLY (nothing written). */
int spa_buf_put_u8(struct spa_buf *b, uint8_t v);
int spa_buf_put_u16(struct spa_buf *b, uint16_t v);
int spa_buf_put_u32(struct spa_buf *b, uint32_t v);
int spa_buf_put_u64(struct spa_buf *b, uint64_t v);
int spa_buf_put_bytes(struct spa_buf *b, const void *in, size_t n);
int spa_buf_put_zero(struct spa_buf *b, size_t n);

#endif /* SPA_BUF_H */
