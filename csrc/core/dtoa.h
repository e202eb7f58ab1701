/* Doubles to the shortest decimal text that reads back to the same bits, and
 * integers to decimal text, without printf. */
#ifndef MODU_DTOA_H
#define MODU_DTOA_H

#include <stdint.h>

/* The shortest digits of finite x > 0: x reads back from digits * 10^exp10,
 * and no decimal with fewer significant digits does; among the shortest, the
 * one nearest x. digits has no trailing zero. Returns the number of digits. */
int modu_dtoa_shortest(double x, uint64_t *digits, int *exp10);

/* x as CSV writes it, in buf (>= MODU_DTOA_BUF bytes), not terminated; returns
 * the length. Like printf's %.17g but with the shortest digits: plain notation
 * for exponents -5..14 (or up to the digit count), else d.ddde+XX; a whole
 * number gets ".0" so it reads back as a float; nan, -nan, inf, -inf. */
#define MODU_DTOA_BUF 32
int modu_dtoa_format(double x, char *buf);

/* v in decimal into buf (>= 20 bytes + sign), not terminated; returns the length */
int modu_itoa(int64_t v, char *buf);

#endif
