/*
 * spa_buf.c - bounded buffer: every read and write is checked against the
 * end, and a failed call changes nothing.
 */
#include "config.h"

#include <string.h>

#include "spa_buf.h"
#include "spa_err.h"

void
spa_buf_init(struct spa_buf *b, void *data, size_t cap)
{
	b->data = data;
	b->cap = data != NULL ? cap : 0;
	b->pos = 0;
	b->rdonly = 0;
}

void
spa_buf_init_ro(struct spa_buf *b, const void *data, size_t len)
{
	/* The cast is safe: rdonly makes every put_* fail before writing. */
	spa_buf_init(b, (void *)(uintptr_t)data, len);
	b->rdonly = 1;
}

size_t
spa_buf_left(const struct spa_buf *b)
{
	return b->pos <= b->cap ? b->cap - b->pos : 0;
}

int
spa_buf_get_ptr(struct spa_buf *b, const uint8_t **p, size_t n)
{
	if (n > spa_buf_left(b))
		return SPA_ERR_BUF_SHORT;
	*p = b->data + b->pos;
	b->pos += n;
	return SPA_OK;
}

int
spa_buf_get_bytes(struct spa_buf *b, void *out, size_t n)
{
	const uint8_t *p;
	int r;

	if ((r = spa_buf_get_ptr(b, &p, n)) != SPA_OK)
		return r;
	if (n > 0)
		memcpy(out, p, n);
	return SPA_OK;
}

int
spa_buf_skip(struct spa_buf *b, size_t n)
{
	const uint8_t *p;

	return spa_buf_get_ptr(b, &p, n);
}

static int
get_be(struct spa_buf *b, size_t n, uint64_t *v)
{
	const uint8_t *p;
	uint64_t x = 0;
	size_t i;
	int r;

	if ((r = spa_buf_get_ptr(b, &p, n)) != SPA_OK)
		return r;
	for (i = 0; i < n; i++)
		x = (x << 8) | p[i];
	*v = x;
	return SPA_OK;
}

int
spa_buf_get_u8(struct spa_buf *b, uint8_t *v)
{
	uint64_t x;
	int r = get_be(b, 1, &x);

	if (r == SPA_OK)
		*v = (uint8_t)x;
	return r;
}

int
spa_buf_get_u16(struct spa_buf *b, uint16_t *v)
{
	uint64_t x;
	int r = get_be(b, 2, &x);

	if (r == SPA_OK)
		*v = (uint16_t)x;
	return r;
}

int
spa_buf_get_u32(struct spa_buf *b, uint32_t *v)
{
	uint64_t x;
	int r = get_be(b, 4, &x);

	if (r == SPA_OK)
		*v = (uint32_t)x;
	return r;
}

int
spa_buf_get_u64(struct spa_buf *b, uint64_t *v)
{
	return get_be(b, 8, v);
}

/* Reserve n bytes for writing: *p points at them. */
static int
reserve(struct spa_buf *b, uint8_t **p, size_t n)
{
	if (b->rdonly)
		return SPA_ERR_BUF_RDONLY;
	if (n > spa_buf_left(b))
		return SPA_ERR_BUF_FULL;
	*p = b->data + b->pos;
	b->pos += n;
	return SPA_OK;
}

static int
put_be(struct spa_buf *b, size_t n, uint64_t v)
{
	uint8_t *p;
	size_t i;
	int r;

	if ((r = reserve(b, &p, n)) != SPA_OK)
		return r;
	for (i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
	return SPA_OK;
}

int spa_buf_put_u8(struct spa_buf *b, uint8_t v) { return put_be(b, 1, v); }
int spa_buf_put_u16(struct spa_buf *b, uint16_t v) { return put_be(b, 2, v); }
int spa_buf_put_u32(struct spa_buf *b, uint32_t v) { return put_be(b, 4, v); }
int spa_buf_put_u64(struct spa_buf *b, uint64_t v) { return put_be(b, 8, v); }

int
spa_buf_put_bytes(struct spa_buf *b, const void *in, size_t n)
{
	uint8_t *p;
	int r;

	if ((r = reserve(b, &p, n)) != SPA_OK)
		return r;
	if (n > 0)
		memcpy(p, in, n);
	return SPA_OK;
}

int
spa_buf_put_zero(struct spa_buf *b, size_t n)
{
	uint8_t *p;
	int r;

	if ((r = reserve(b, &p, n)) != SPA_OK)
		return r;
	memset(p, 0, n);
	return SPA_OK;
}
