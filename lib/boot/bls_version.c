/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Boot Loader Specification: the orders its "Sorting" section uses.
 * Versions compare as the UAPI Version Format Specification says;
 * sort-keys and machine-ids in alphanumerical order.
 */
#include "bls.h"

#include <string.h>

/* --- version order: the UAPI Version Format Specification ----------------- */

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Characters with a meaning in a version; all others separate and skip. */
static bool ver_char(char c)
{
	return bls_is_digit(c) || is_alpha(c) || (c && strchr("-.~^", c));
}

/* Numerical prefixes, leading zeroes skipped, compared without overflow. */
static int ver_number(const char **a, const char **b)
{
	size_t la = 0, lb = 0;
	int c;

	while (**a == '0')
		(*a)++;
	while (**b == '0')
		(*b)++;
	while (bls_is_digit((*a)[la]))
		la++;
	while (bls_is_digit((*b)[lb]))
		lb++;
	if (la != lb)
		return la > lb ? 1 : -1;
	c = memcmp(*a, *b, la);
	*a += la;
	*b += lb;
	return c < 0 ? -1 : c > 0;
}

/*
 * <0, 0, >0 as version a is older than, the same as, newer than b. Every
 * turn of the loop consumes a character of a or b or returns: linear.
 */
int bls_vercmp(const char *a, const char *b)
{
	for (;;) {
		const char *sep;
		int c;

		while (*a && !ver_char(*a))
			a++;
		while (*b && !ver_char(*b))
			b++;
		/* ~ sorts lower than anything, even the end */
		if (*a == '~' || *b == '~') {
			if (*a != *b)
				return *a == '~' ? -1 : 1;
			a++, b++;
			continue;
		}
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		/* then -, ^ and . sort lower than what they are not */
		for (sep = "-^."; *sep; sep++)
			if (*a == *sep || *b == *sep)
				break;
		if (*sep) {
			if (*a != *b)
				return *a == *sep ? -1 : 1;
			a++, b++;
			continue;
		}
		if (bls_is_digit(*a) || bls_is_digit(*b)) {
			c = ver_number(&a, &b);
			if (c)
				return c;
			continue;
		}
		/* both letters: ASCII order, capitals first; longer is newer */
		for (; is_alpha(*a) && is_alpha(*b); a++, b++)
			if (*a != *b)
				return *a < *b ? -1 : 1;
		if (is_alpha(*a) != is_alpha(*b))
			return is_alpha(*a) ? 1 : -1;
	}
}

/* Spec "Alphanumerical Order": strcmp, an unset or empty string first. */
int bls_alnum_cmp(const char *a, const char *b)
{
	bool ea = !a || !*a, eb = !b || !*b;

	if (ea || eb)
		return eb - ea;
	return strcmp(a, b);
}
