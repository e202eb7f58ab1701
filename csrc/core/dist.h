/* Probability distributions for p-values and intervals: normal, Student t,
 * chi-square and F, on our own regularized incomplete gamma and beta. */
#ifndef MODU_DIST_H
#define MODU_DIST_H

#include <stdbool.h>

typedef enum { MODU_DIST_NORMAL, MODU_DIST_T, MODU_DIST_CHISQ, MODU_DIST_F } modu_dist_kind;

/* par: normal (mean, sd), t (df), chisq (df), f (df1, df2). df may be
 * infinite for t (the normal). Parameters are not checked here: see
 * modu_dist_check. upper: the upper tail P(X > x), accurate on its own
 * rather than 1 - cdf. */
double modu_dist_cdf(modu_dist_kind k, double x, const double *par, bool upper);
double modu_dist_pdf(modu_dist_kind k, double x, const double *par);
/* the x whose lower (upper) tail is p; NaN outside [0, 1] */
double modu_dist_quantile(modu_dist_kind k, double p, const double *par, bool upper);
/* NULL when the parameters are valid, else what is wrong with them */
const char *modu_dist_check(modu_dist_kind k, const double *par);
int modu_dist_npar(modu_dist_kind k);

/* regularized incomplete gamma P(a, x) (upper: Q = 1 - P) and beta I_x(a, b)
 * (upper: 1 - I_x); the beta takes y = 1 - x too, so callers that know it
 * more exactly than 1 - x keep its digits */
double modu_gamma_inc(double a, double x, bool upper);
double modu_beta_inc(double a, double b, double x, double y, bool upper);
double modu_lgamma(double x); /* log Gamma(x), x > 0, without global state */

#endif
