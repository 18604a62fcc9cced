/* vectors.c - see vectors.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "vectors.h"

static void
trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	memmove(s, s + strspn(s, " \t"), strlen(s + strspn(s, " \t")) + 1);
}

int
vec_read(const char *path, struct vec_block *blocks, int max)
{
	char line[2048], *eq, *paren;
	FILE *f = fopen(path, "r");
	int nb = 0, open = 0;
	struct vec_block *b;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#')
			continue;
		/* An annotation may itself hold '=': "ip (text, empty = datagram source) = ...". */
		paren = strchr(line, '(');
		eq = strchr(line, '=');
		if (paren != NULL && eq != NULL && paren < eq && strchr(paren, ')') != NULL)
			eq = strchr(strchr(paren, ')'), '=');
		if (eq == NULL) {
			open = 0;	/* blank line ends a block */
			continue;
		}
		if (!open) {
			if (nb == max)
				break;
			memset(&blocks[nb], 0, sizeof(blocks[nb]));
			nb++;
			open = 1;
		}
		b = &blocks[nb - 1];
		if (b->n == VEC_MAX_KEYS)
			continue;
		*eq = '\0';
		if (paren != NULL && paren < eq)
			*paren = '\0';
		snprintf(b->key[b->n], sizeof(b->key[0]), "%.63s", line);
		trim(b->key[b->n]);
		/* The value keeps inner spaces (passwords) but loses the newline and the one space after '='. */
		eq++;
		if (*eq == ' ')
			eq++;
		eq[strcspn(eq, "\n")] = '\0';
		snprintf(b->val[b->n], sizeof(b->val[0]), "%.511s", eq);
		b->n++;
	}
	fclose(f);
	return nb;
}

const char *
vec_get(const struct vec_block *b, const char *key)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->key[i], key) == 0)
			return b->val[i];
	return NULL;
}
