/* The expression language of filter/mutate/agg: a recursive-descent parser
 * with Lua's precedences (but SQL's 'not', looser than a comparison), and an
 * evaluator that works a column at a time. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "expr.h"

/* ---- the tree ---- */

enum {
  N_INT, N_FLOAT, N_STR, N_BOOL, N_NA, N_COL, N_ARITH, N_NEG, N_CMP, N_AND, N_OR, N_NOT, N_IN, N_CALL
};

typedef struct ex_node {
  int kind, op, pos;
  bool negate; /* N_IN: "not in" */
  int64_t ival;
  double fval;
  char *str; /* N_STR text, N_COL name */
  size_t slen;
  struct ex_node **args;
  int nargs;
} ex_node;

struct modu_expr {
  ex_node *root;
};

enum { F_ELEM, F_AGG, F_WIN };
enum {
  E_IS_NA, E_COALESCE, E_IF_ELSE, E_ABS, E_SQRT, E_LOG, E_EXP, E_ROUND, E_FLOOR, E_CEIL, E_LOWER, E_UPPER,
  E_CONTAINS, E_STARTS_WITH, E_ENDS_WITH, E_LEN, E_YEAR, E_MONTH, E_DAY, E_AS_INT, E_AS_FLOAT, E_AS_STR,
  E_AS_DATE, E_AS_BOOL
};

typedef struct ex_fn {
  const char *name;
  int kind, code, min_args, max_args;
} ex_fn;

static const ex_fn ex_fns[] = {
    {"is_na", F_ELEM, E_IS_NA, 1, 1}, {"coalesce", F_ELEM, E_COALESCE, 1, 64},
    {"if_else", F_ELEM, E_IF_ELSE, 3, 3}, {"abs", F_ELEM, E_ABS, 1, 1}, {"sqrt", F_ELEM, E_SQRT, 1, 1},
    {"log", F_ELEM, E_LOG, 1, 1}, {"exp", F_ELEM, E_EXP, 1, 1}, {"round", F_ELEM, E_ROUND, 1, 2},
    {"floor", F_ELEM, E_FLOOR, 1, 1}, {"ceil", F_ELEM, E_CEIL, 1, 1}, {"lower", F_ELEM, E_LOWER, 1, 1},
    {"upper", F_ELEM, E_UPPER, 1, 1}, {"contains", F_ELEM, E_CONTAINS, 2, 2},
    {"starts_with", F_ELEM, E_STARTS_WITH, 2, 2}, {"ends_with", F_ELEM, E_ENDS_WITH, 2, 2},
    {"len", F_ELEM, E_LEN, 1, 1}, {"year", F_ELEM, E_YEAR, 1, 1}, {"month", F_ELEM, E_MONTH, 1, 1},
    {"day", F_ELEM, E_DAY, 1, 1}, {"as_int", F_ELEM, E_AS_INT, 1, 1}, {"as_float", F_ELEM, E_AS_FLOAT, 1, 1},
    {"as_str", F_ELEM, E_AS_STR, 1, 1}, {"as_date", F_ELEM, E_AS_DATE, 1, 1}, {"as_bool", F_ELEM, E_AS_BOOL, 1, 1},
    {"count", F_AGG, MODU_AGG_COUNT, 0, 0}, {"n_distinct", F_AGG, MODU_AGG_N_DISTINCT, 1, 1},
    {"sum", F_AGG, MODU_AGG_SUM, 1, 1}, {"mean", F_AGG, MODU_AGG_MEAN, 1, 1}, {"min", F_AGG, MODU_AGG_MIN, 1, 1},
    {"max", F_AGG, MODU_AGG_MAX, 1, 1}, {"median", F_AGG, MODU_AGG_MEDIAN, 1, 1}, {"var", F_AGG, MODU_AGG_VAR, 1, 1},
    {"sd", F_AGG, MODU_AGG_SD, 1, 1}, {"first", F_AGG, MODU_AGG_FIRST, 1, 1}, {"last", F_AGG, MODU_AGG_LAST, 1, 1},
    {"any", F_AGG, MODU_AGG_ANY, 1, 1}, {"all", F_AGG, MODU_AGG_ALL, 1, 1},
    {"quantile", F_AGG, MODU_AGG_QUANTILE, 2, 2}, {"cor", F_AGG, MODU_AGG_COR, 2, 2},
    {"lag", F_WIN, MODU_WIN_LAG, 1, 2}, {"lead", F_WIN, MODU_WIN_LEAD, 1, 2}, {"diff", F_WIN, MODU_WIN_DIFF, 1, 2},
    {"pct_change", F_WIN, MODU_WIN_PCT_CHANGE, 1, 1}, {"cumsum", F_WIN, MODU_WIN_CUMSUM, 1, 1},
    {"cumprod", F_WIN, MODU_WIN_CUMPROD, 1, 1}, {"cummin", F_WIN, MODU_WIN_CUMMIN, 1, 1},
    {"cummax", F_WIN, MODU_WIN_CUMMAX, 1, 1}, {"rank", F_WIN, MODU_WIN_RANK, 1, 2},
    {"row_number", F_WIN, MODU_WIN_ROW_NUMBER, 0, 0}, {"rolling_mean", F_WIN, MODU_WIN_ROLLING_MEAN, 2, 2},
    {"rolling_sum", F_WIN, MODU_WIN_ROLLING_SUM, 2, 2},
};
#define EX_NFNS ((int)(sizeof ex_fns / sizeof ex_fns[0]))

static void ex_free_node(ex_node *n) {
  if (!n) return;
  for (int i = 0; i < n->nargs; i++) ex_free_node(n->args[i]);
  free(n->args);
  free(n->str);
  free(n);
}

void modu_expr_free(modu_expr *x) {
  if (!x) return;
  ex_free_node(x->root);
  free(x);
}

/* ---- lexer ---- */

enum { T_EOF, T_INT, T_FLOAT, T_STR, T_IDENT, T_OP, T_LP, T_RP, T_COMMA };

typedef struct ex_tok {
  int type, pos;
  const char *p; /* source text of the token: p[0 .. span) */
  size_t len, span;
  int64_t ival;
  double fval;
  char *str; /* T_STR unescaped / T_IDENT name (owned until taken) */
} ex_tok;

typedef struct ex_parser {
  const char *src;
  size_t len, at;
  ex_tok tok;
  int64_t *errpos;
  modu_err *e;
  bool failed;
} ex_parser;

static void ex_fail(ex_parser *ps, int pos, const char *fmt, const char *arg) {
  if (ps->failed) return;
  ps->failed = true;
  *ps->errpos = pos;
  modu_errf(ps->e, fmt, arg);
}

/* ASCII classes by hand: <ctype.h> follows the locale, where a byte such as
 * 0xA0 (inside many UTF-8 characters) may count as a space */
static bool ex_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool ex_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static bool ex_ident_byte(unsigned char c, bool first) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 || (!first && ex_digit(c));
}

static void ex_lex(ex_parser *ps);

/* the next token, with the extent of its source text for messages */
static void ex_next(ex_parser *ps) {
  ex_lex(ps);
  ps->tok.span = ps->at - (size_t)ps->tok.pos;
}

static void ex_lex(ex_parser *ps) {
  free(ps->tok.str);
  memset(&ps->tok, 0, sizeof ps->tok);
  const char *s = ps->src;
  while (ps->at < ps->len && ex_space((unsigned char)s[ps->at])) ps->at++;
  ex_tok *t = &ps->tok;
  t->pos = (int)ps->at;
  t->p = s + ps->at;
  if (ps->at >= ps->len) {
    t->type = T_EOF;
    return;
  }
  unsigned char c = (unsigned char)s[ps->at];
  size_t start = ps->at;
  if (ex_digit(c) || (c == '.' && ps->at + 1 < ps->len && ex_digit((unsigned char)s[ps->at + 1]))) {
    bool is_float = false;
    while (ps->at < ps->len && ex_digit((unsigned char)s[ps->at])) ps->at++;
    if (ps->at < ps->len && s[ps->at] == '.') {
      is_float = true;
      ps->at++;
      while (ps->at < ps->len && ex_digit((unsigned char)s[ps->at])) ps->at++;
    }
    if (ps->at < ps->len && (s[ps->at] == 'e' || s[ps->at] == 'E')) {
      size_t save = ps->at++;
      if (ps->at < ps->len && (s[ps->at] == '+' || s[ps->at] == '-')) ps->at++;
      if (ps->at < ps->len && ex_digit((unsigned char)s[ps->at])) {
        is_float = true;
        while (ps->at < ps->len && ex_digit((unsigned char)s[ps->at])) ps->at++;
      } else {
        ps->at = save;
      }
    }
    char buf[64];
    size_t n = ps->at - start;
    if (n >= sizeof buf) {
      ex_fail(ps, t->pos, "number too long%s", "");
      return;
    }
    memcpy(buf, s + start, n);
    buf[n] = 0;
    t->len = n;
    if (!is_float) {
      errno = 0;
      long long v = strtoll(buf, NULL, 10);
      if (errno == 0) {
        t->type = T_INT;
        t->ival = v;
        return;
      }
    }
    /* integers beyond int64 become floats, as Lua reads them */
    t->type = T_FLOAT;
    t->fval = strtod(buf, NULL);
    return;
  }
  if (c == '\'' || c == '"') {
    char q = (char)c;
    ps->at++;
    char *out = malloc(ps->len - ps->at + 1);
    if (!out) {
      ex_fail(ps, t->pos, "out of memory%s", "");
      return;
    }
    size_t n = 0;
    while (ps->at < ps->len && s[ps->at] != q) {
      char ch = s[ps->at++];
      if (ch == '\\' && ps->at < ps->len) {
        char esc = s[ps->at++];
        ch = esc == 'n' ? '\n' : esc == 't' ? '\t' : esc;
      }
      out[n++] = ch;
    }
    if (ps->at >= ps->len) {
      free(out);
      ex_fail(ps, t->pos, "unterminated string%s", "");
      return;
    }
    ps->at++;
    out[n] = 0;
    t->type = T_STR;
    t->str = out;
    t->len = n;
    return;
  }
  if (c == '`') { /* `any name`: a column whose name is not an identifier */
    size_t end = ps->at + 1;
    while (end < ps->len && s[end] != '`') end++;
    if (end >= ps->len) {
      ex_fail(ps, t->pos, "unterminated `name`%s", "");
      return;
    }
    t->type = T_IDENT;
    t->len = end - ps->at - 1;
    t->str = malloc(t->len + 1);
    if (!t->str) {
      ex_fail(ps, t->pos, "out of memory%s", "");
      return;
    }
    memcpy(t->str, s + ps->at + 1, t->len);
    t->str[t->len] = 0;
    t->ival = 1; /* quoted: never a keyword */
    ps->at = end + 1;
    return;
  }
  if (ex_ident_byte(c, true)) {
    while (ps->at < ps->len && ex_ident_byte((unsigned char)s[ps->at], false)) ps->at++;
    t->type = T_IDENT;
    t->len = ps->at - start;
    t->str = malloc(t->len + 1);
    if (!t->str) {
      ex_fail(ps, t->pos, "out of memory%s", "");
      return;
    }
    memcpy(t->str, s + start, t->len);
    t->str[t->len] = 0;
    return;
  }
  static const char *const ops[] = {"//", "==", "!=", "~=", "<=", ">=", "+", "-", "*", "/", "%", "^", "<", ">"};
  for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
    size_t n = strlen(ops[k]);
    if (ps->at + n <= ps->len && memcmp(s + ps->at, ops[k], n) == 0) {
      t->type = T_OP;
      t->len = n;
      ps->at += n;
      return;
    }
  }
  ps->at++;
  t->len = 1;
  switch (c) {
    case '(': t->type = T_LP; return;
    case ')': t->type = T_RP; return;
    case ',': t->type = T_COMMA; return;
    case '=': ex_fail(ps, t->pos, "'=' is not an operator: compare with '=='%s", ""); return;
    case '&': ex_fail(ps, t->pos, "'&' is not an operator: use 'and'%s", ""); return;
    case '|': ex_fail(ps, t->pos, "'|' is not an operator: use 'or'%s", ""); return;
    case '!': ex_fail(ps, t->pos, "'!' is not an operator: use 'not' (or '!=' to compare)%s", ""); return;
    default: {
      char what[8] = {(char)c, 0};
      ex_fail(ps, t->pos, "unexpected character '%s'", what);
    }
  }
}

static bool ex_is_op(const ex_parser *ps, const char *op) {
  return ps->tok.type == T_OP && ps->tok.len == strlen(op) && memcmp(ps->tok.p, op, ps->tok.len) == 0;
}

static bool ex_is_kw(const ex_parser *ps, const char *kw) {
  return ps->tok.type == T_IDENT && !ps->tok.ival && strcmp(ps->tok.str, kw) == 0;
}

static ex_node *ex_new(ex_parser *ps, int kind, int pos) {
  ex_node *n = calloc(1, sizeof *n);
  if (!n) ex_fail(ps, pos, "out of memory%s", "");
  else n->kind = kind, n->pos = pos;
  return n;
}

static int ex_add_arg(ex_parser *ps, ex_node *n, ex_node *a) {
  ex_node **args = realloc(n->args, (size_t)(n->nargs + 1) * sizeof *args);
  if (!args) {
    ex_free_node(a);
    ex_fail(ps, n->pos, "out of memory%s", "");
    return -1;
  }
  n->args = args;
  n->args[n->nargs++] = a;
  return 0;
}

/* a new node of `kind` whose first argument is a; takes a (freed on failure) */
static ex_node *ex_wrap(ex_parser *ps, int kind, int pos, ex_node *a) {
  if (!a) return NULL;
  ex_node *n = ex_new(ps, kind, pos);
  if (!n) {
    ex_free_node(a);
    return NULL;
  }
  if (ex_add_arg(ps, n, a)) {
    ex_free_node(n);
    return NULL;
  }
  return n;
}

/* takes a and b */
static ex_node *ex_binary(ex_parser *ps, int kind, int op, int pos, ex_node *a, ex_node *b) {
  if (!a || !b) {
    ex_free_node(a);
    ex_free_node(b);
    return NULL;
  }
  ex_node *n = ex_wrap(ps, kind, pos, a);
  if (!n || ex_add_arg(ps, n, b)) {
    if (n) ex_free_node(n);
    else ex_free_node(b);
    return NULL;
  }
  n->op = op;
  return n;
}

static ex_node *ex_or(ex_parser *ps);


/* the current token as a message shows it: 'x', or a string literal as written */
static const char *ex_tok_text(ex_parser *ps, char *buf, size_t cap) {
  if (ps->tok.type == T_EOF) return "the end";
  bool quote = ps->tok.type != T_STR;
  const char *lead = quote ? "'" : "the string ";
  size_t at = strlen(lead), n = ps->tok.span;
  if (at + n + 2 >= cap) { /* cut a long token, at a UTF-8 boundary */
    n = cap - at - 6;
    while (n > 0 && ((unsigned char)ps->tok.p[n] & 0xc0) == 0x80) n--;
  }
  memcpy(buf, lead, at);
  memcpy(buf + at, ps->tok.p, n);
  at += n;
  if (n < ps->tok.span) memcpy(buf + at, "...", 3), at += 3;
  if (quote) buf[at++] = '\'';
  buf[at] = 0;
  return buf;
}

/* the items of a call's arguments or an 'in' list, after its '(': parsed by
 * `item` into n's arguments, separated by commas, up to the ')' (consumed);
 * empty only when empty_ok. `what` names the list in the error. */
static bool ex_list(ex_parser *ps, ex_node *n, ex_node *(*item)(ex_parser *), bool empty_ok, const char *what) {
  if (!(empty_ok && ps->tok.type == T_RP)) {
    for (;;) {
      ex_node *a = item(ps);
      if (!a || ex_add_arg(ps, n, a)) return false;
      if (ps->tok.type != T_COMMA) break;
      ex_next(ps);
    }
  }
  if (ps->tok.type != T_RP) {
    char buf[80], msg[160];
    snprintf(msg, sizeof msg, "expected ',' or ')' in %s, found %s", what, ex_tok_text(ps, buf, sizeof buf));
    ex_fail(ps, ps->tok.pos, "%s", msg);
    return false;
  }
  ex_next(ps);
  return true;
}


static ex_node *ex_atom(ex_parser *ps) {
  ex_tok *t = &ps->tok;
  int pos = t->pos;
  char buf[80];
  if (ps->failed) return NULL;
  switch (t->type) {
    case T_INT: {
      ex_node *n = ex_new(ps, N_INT, pos);
      if (n) n->ival = t->ival;
      ex_next(ps);
      return n;
    }
    case T_FLOAT: {
      ex_node *n = ex_new(ps, N_FLOAT, pos);
      if (n) n->fval = t->fval;
      ex_next(ps);
      return n;
    }
    case T_STR: {
      ex_node *n = ex_new(ps, N_STR, pos);
      if (n) {
        n->str = t->str;
        n->slen = t->len;
        t->str = NULL;
      }
      ex_next(ps);
      return n;
    }
    case T_LP: {
      ex_next(ps);
      ex_node *n = ex_or(ps);
      if (!n) return NULL;
      if (ps->tok.type != T_RP) {
        ex_fail(ps, ps->tok.pos, "expected ')' to close the '(' here, found %s", ex_tok_text(ps, buf, sizeof buf));
        ex_free_node(n);
        return NULL;
      }
      ex_next(ps);
      return n;
    }
    case T_IDENT: {
      if (!t->ival) {
        if (strcmp(t->str, "true") == 0 || strcmp(t->str, "false") == 0) {
          ex_node *n = ex_new(ps, N_BOOL, pos);
          if (n) n->ival = t->str[0] == 't';
          ex_next(ps);
          return n;
        }
        if (strcmp(t->str, "NA") == 0) {
          ex_next(ps);
          return ex_new(ps, N_NA, pos);
        }
        if (strcmp(t->str, "and") == 0 || strcmp(t->str, "or") == 0 || strcmp(t->str, "in") == 0) {
          ex_fail(ps, pos, "expected a value before '%s'", t->str);
          return NULL;
        }
      }
      char *name = t->str;
      t->str = NULL;
      bool quoted = t->ival;
      ex_next(ps);
      if (ps->tok.type != T_LP || quoted) {
        ex_node *n = ex_new(ps, N_COL, pos);
        if (n) n->str = name;
        else free(name);
        return n;
      }
      int f = -1;
      for (int k = 0; k < EX_NFNS; k++)
        if (strcmp(ex_fns[k].name, name) == 0) f = k;
      if (f < 0) {
        ex_fail(ps, pos,
                "unknown function '%s' (functions: is_na coalesce if_else abs sqrt log exp round floor ceil lower "
                "upper contains starts_with ends_with len year month day as_int as_float as_str as_date as_bool "
                "count n_distinct sum mean min max median var sd first last any all quantile cor lag lead diff "
                "pct_change cumsum cumprod cummin cummax rank row_number rolling_mean rolling_sum)",
                name);
        free(name);
        return NULL;
      }
      free(name);
      ex_node *n = ex_new(ps, N_CALL, pos);
      if (!n) return NULL;
      n->op = f;
      ex_next(ps); /* ( */
      if (!ex_list(ps, n, ex_or, true, "the arguments")) {
        ex_free_node(n);
        return NULL;
      }
      const ex_fn *fn = &ex_fns[f];
      if (n->nargs < fn->min_args || n->nargs > fn->max_args) {
        char msg[160];
        if (fn->min_args == fn->max_args)
          snprintf(msg, sizeof msg, "%s() takes %d argument%s, got %d", fn->name, fn->min_args,
                   fn->min_args == 1 ? "" : "s", n->nargs);
        else
          snprintf(msg, sizeof msg, "%s() takes %d to %d arguments, got %d", fn->name, fn->min_args, fn->max_args,
                   n->nargs);
        ex_fail(ps, pos, "%s", msg);
        ex_free_node(n);
        return NULL;
      }
      return n;
    }
    default:
      ex_fail(ps, pos, "expected a value, found %s", ex_tok_text(ps, buf, sizeof buf));
      return NULL;
  }
}

static ex_node *ex_unary(ex_parser *ps);

/* '^' is right-associative and binds tighter than a unary minus on its left */
static ex_node *ex_pow(ex_parser *ps) {
  ex_node *a = ex_atom(ps);
  if (a && ex_is_op(ps, "^")) {
    int pos = ps->tok.pos;
    ex_next(ps);
    return ex_binary(ps, N_ARITH, MODU_POW, pos, a, ex_unary(ps));
  }
  return a;
}

static ex_node *ex_unary(ex_parser *ps) {
  if (ex_is_op(ps, "-")) {
    int pos = ps->tok.pos;
    ex_next(ps);
    return ex_wrap(ps, N_NEG, pos, ex_unary(ps));
  }
  if (ex_is_op(ps, "+")) ex_next(ps);
  return ex_pow(ps);
}

static ex_node *ex_mul(ex_parser *ps) {
  ex_node *a = ex_unary(ps);
  for (;;) {
    int op = ex_is_op(ps, "*") ? MODU_MUL : ex_is_op(ps, "/") ? MODU_DIV : ex_is_op(ps, "//") ? MODU_IDIV
             : ex_is_op(ps, "%") ? MODU_MOD : -1;
    if (op < 0 || !a) return a;
    int pos = ps->tok.pos;
    ex_next(ps);
    a = ex_binary(ps, N_ARITH, op, pos, a, ex_unary(ps));
  }
}

static ex_node *ex_add(ex_parser *ps) {
  ex_node *a = ex_mul(ps);
  for (;;) {
    int op = ex_is_op(ps, "+") ? MODU_ADD : ex_is_op(ps, "-") ? MODU_SUB : -1;
    if (op < 0 || !a) return a;
    int pos = ps->tok.pos;
    ex_next(ps);
    a = ex_binary(ps, N_ARITH, op, pos, a, ex_mul(ps));
  }
}

/* a value of an 'in' list: a literal, or a negated number */
static ex_node *ex_in_value(ex_parser *ps) {
  ex_node *v = ex_unary(ps);
  if (v && v->kind > N_NA && !(v->kind == N_NEG && v->args[0]->kind <= N_FLOAT)) {
    ex_fail(ps, v->pos, "the list after 'in' holds literal values only%s", "");
    ex_free_node(v);
    return NULL;
  }
  return v;
}

static ex_node *ex_cmp(ex_parser *ps) {
  ex_node *a = ex_add(ps);
  if (!a) return NULL;
  int pos = ps->tok.pos;
  int op = ex_is_op(ps, "==") ? MODU_EQ : (ex_is_op(ps, "!=") || ex_is_op(ps, "~=")) ? MODU_NE
           : ex_is_op(ps, "<") ? MODU_LT : ex_is_op(ps, "<=") ? MODU_LE : ex_is_op(ps, ">") ? MODU_GT
           : ex_is_op(ps, ">=") ? MODU_GE : -1;
  if (op >= 0) {
    ex_next(ps);
    a = ex_binary(ps, N_CMP, op, pos, a, ex_add(ps));
    if (a && ps->tok.type == T_OP && !ex_is_op(ps, "+") && !ex_is_op(ps, "-")) {
      ex_fail(ps, ps->tok.pos, "comparisons do not chain: write 'a < b and b < c'%s", "");
      ex_free_node(a);
      return NULL;
    }
    return a;
  }
  bool negate = false;
  if (ex_is_kw(ps, "not")) { /* "x not in (...)" */
    negate = true;
    ex_next(ps);
    if (!ex_is_kw(ps, "in")) {
      ex_fail(ps, ps->tok.pos, "expected 'in' after 'not'%s", "");
      ex_free_node(a);
      return NULL;
    }
  }
  if (!ex_is_kw(ps, "in")) return a;
  ex_next(ps);
  ex_node *n = ex_wrap(ps, N_IN, pos, a);
  if (!n) return NULL;
  n->negate = negate;
  if (ps->tok.type != T_LP) {
    ex_fail(ps, ps->tok.pos, "expected '(' after 'in': x in ('a', 'b')%s", "");
    ex_free_node(n);
    return NULL;
  }
  ex_next(ps);
  if (!ex_list(ps, n, ex_in_value, false, "the 'in' list")) {
    ex_free_node(n);
    return NULL;
  }
  return n;
}

/* "not year == 2016" negates the comparison, as SQL and Python read it; Lua
 * would compare (not year) with 2016, which no filter means */
static ex_node *ex_not(ex_parser *ps) {
  if (ex_is_kw(ps, "not")) {
    int pos = ps->tok.pos;
    ex_next(ps);
    return ex_wrap(ps, N_NOT, pos, ex_not(ps));
  }
  return ex_cmp(ps);
}

static ex_node *ex_and(ex_parser *ps) {
  ex_node *a = ex_not(ps);
  while (a && ex_is_kw(ps, "and")) {
    int pos = ps->tok.pos;
    ex_next(ps);
    a = ex_binary(ps, N_AND, 0, pos, a, ex_not(ps));
  }
  return a;
}

static ex_node *ex_or(ex_parser *ps) {
  ex_node *a = ex_and(ps);
  while (a && ex_is_kw(ps, "or")) {
    int pos = ps->tok.pos;
    ex_next(ps);
    a = ex_binary(ps, N_OR, 0, pos, a, ex_and(ps));
  }
  return a;
}

modu_expr *modu_expr_parse(const char *src, size_t len, int64_t *errpos, modu_err *e) {
  ex_parser ps = {src, len, 0, {0}, errpos, e, false};
  ex_next(&ps);
  if (!ps.failed && ps.tok.type == T_EOF) {
    *errpos = 0;
    modu_errf(e, "empty expression");
    return NULL;
  }
  ex_node *root = ps.failed ? NULL : ex_or(&ps);
  if (root && !ps.failed && ps.tok.type != T_EOF) {
    char buf[80];
    ex_fail(&ps, ps.tok.pos, "unexpected %s after a complete expression", ex_tok_text(&ps, buf, sizeof buf));
  }
  free(ps.tok.str);
  if (ps.failed || !root) {
    ex_free_node(root);
    if (!ps.failed) {
      *errpos = 0;
      modu_errf(e, "empty expression");
    }
    return NULL;
  }
  modu_expr *x = malloc(sizeof *x);
  if (!x) {
    ex_free_node(root);
    *errpos = 0;
    modu_errf(e, "out of memory");
    return NULL;
  }
  x->root = root;
  return x;
}

/* ---- evaluation ---- */

enum { SH_SCALAR, SH_GROUP, SH_ROW };

typedef struct ev_val {
  int shape;
  modu_column *col; /* SH_SCALAR: one value */
  bool na_lit;      /* the literal NA: typeless until it meets a typed operand */
} ev_val;

typedef struct ev_state {
  modu_expr_ctx *ctx;
  modu_groups *g;      /* the groups aggregates use */
  modu_groups *own;    /* one group of every row, made when ungrouped */
  int64_t *gidx;       /* gid widened to int64, for broadcasting */
  int64_t *errpos;
  bool *unknown;
  modu_err *e;
} ev_state;

static bool ev_eval(ev_state *st, ex_node *n, ev_val *out);

static void ev_drop(ev_val *v) {
  modu_col_unref(v->col);
  v->col = NULL;
  v->na_lit = false;
}

static bool ev_fail(ev_state *st, const ex_node *n) {
  *st->errpos = n->pos;
  return false;
}

static modu_groups *ev_groups(ev_state *st) {
  if (st->g) return st->g;
  if (!st->own) st->own = modu_group_by(NULL, 0, st->ctx->frame->nrow, st->e);
  return st->own;
}

static int64_t ev_len(ev_state *st, int shape) {
  if (shape == SH_ROW) return st->ctx->frame->nrow;
  if (shape == SH_GROUP) return ev_groups(st) ? ev_groups(st)->ngroups : 0;
  return 1;
}

/* the scalar in a one-value column (strings point into its dictionary) */
static void ev_scalar(const modu_column *c, modu_scalar *s) {
  memset(s, 0, sizeof *s);
  s->type = c->type;
  s->na = modu_col_isna(c, 0);
  if (s->na) return;
  switch (c->type) {
    case MODU_INT: s->v.i = MODU_I64(c)[0]; break;
    case MODU_FLOAT: s->v.f = MODU_F64(c)[0]; break;
    case MODU_BOOL: s->v.b = MODU_U8(c)[0]; break;
    case MODU_DATE: s->v.d = MODU_I32(c)[0]; break;
    case MODU_STR: s->v.s.p = modu_dict_str(c->dict, MODU_I32(c)[0], &s->v.s.len);
  }
}

/* v made to `shape` (scalar repeated, group values spread to their rows) */
static bool ev_widen(ev_state *st, const ex_node *n, ev_val *v, int shape) {
  if (v->shape == shape) return true;
  modu_column *r;
  if (v->shape == SH_SCALAR) {
    modu_scalar s;
    ev_scalar(v->col, &s);
    int64_t len = ev_len(st, shape);
    if (shape == SH_GROUP && !ev_groups(st)) return ev_fail(st, n);
    r = modu_col_rep(&s, len, st->e);
  } else {
    modu_groups *g = ev_groups(st);
    if (!g) return ev_fail(st, n);
    if (!st->gidx) {
      if (modu_groups_gid(g, st->e)) return ev_fail(st, n);
      st->gidx = malloc((g->nrow ? (size_t)g->nrow : 1) * sizeof *st->gidx);
      if (!st->gidx) {
        modu_errf(st->e, "out of memory");
        return ev_fail(st, n);
      }
      for (int64_t i = 0; i < g->nrow; i++) st->gidx[i] = g->gid[i];
    }
    r = modu_col_take(v->col, st->gidx, g->nrow, st->e);
  }
  if (!r) return ev_fail(st, n);
  ev_drop(v);
  v->col = r;
  v->shape = shape;
  return true;
}

static void ev_operand(const ev_val *v, modu_operand *o) {
  if (v->shape == SH_SCALAR) {
    o->col = NULL;
    ev_scalar(v->col, &o->sc);
  } else {
    o->col = v->col;
  }
}

/* two operands brought to one shape; a scalar stays a scalar */
static bool ev_unify(ev_state *st, const ex_node *n, ev_val *a, ev_val *b) {
  if (a->shape == SH_SCALAR || b->shape == SH_SCALAR || a->shape == b->shape) return true;
  return ev_widen(st, n, a, SH_ROW) && ev_widen(st, n, b, SH_ROW);
}

static bool ev_result(ev_state *st, const ex_node *n, ev_val *out, modu_column *r, int shape) {
  if (!r) return ev_fail(st, n);
  out->col = r;
  out->shape = shape;
  return true;
}

static int ev_shape2(const ev_val *a, const ev_val *b) { return a->shape > b->shape ? a->shape : b->shape; }

/* the literal NA takes the type it meets ("x + NA" is an int NA beside an int
 * column, "if_else(c, d, NA)" a date NA), so no type error comes of it */
static bool ev_type_na(ev_state *st, const ex_node *n, ev_val *v, modu_type t) {
  if (!v->na_lit || v->col->type == t) return true;
  modu_scalar s = {.type = t, .na = true};
  modu_column *c = modu_col_rep(&s, v->col->len, st->e);
  if (!c) return ev_fail(st, n);
  ev_drop(v);
  v->col = c;
  v->na_lit = true;
  return true;
}

/* a string scalar against a date column is read as an ISO date */
static bool ev_date_literal(ev_state *st, const ex_node *n, ev_val *v, const ev_val *other) {
  if (v->shape != SH_SCALAR || v->col->type != MODU_STR || other->col->type != MODU_DATE) return true;
  modu_scalar s;
  ev_scalar(v->col, &s);
  if (s.na) return true;
  modu_scalar d = {.type = MODU_DATE};
  if (modu_date_parse(s.v.s.p, s.v.s.len, &d.v.d, st->e)) return ev_fail(st, n);
  modu_column *c = modu_col_rep(&d, 1, st->e);
  if (!c) return ev_fail(st, n);
  ev_drop(v);
  v->col = c;
  return true;
}

static bool ev_binary(ev_state *st, ex_node *n, ev_val *out) {
  ev_val a = {0}, b = {0};
  if (!ev_eval(st, n->args[0], &a)) return false;
  if (!ev_eval(st, n->args[1], &b)) {
    ev_drop(&a);
    return false;
  }
  bool ok = true;
  if (n->kind != N_AND && n->kind != N_OR) {
    /* date +/- NA is a date moved by an unknown number of days */
    bool arith = n->kind == N_ARITH;
    modu_type ta = arith && a.col->type == MODU_DATE ? MODU_INT : a.col->type;
    modu_type tb = arith && b.col->type == MODU_DATE ? MODU_INT : b.col->type;
    if (a.na_lit && !b.na_lit) ok = ev_type_na(st, n->args[0], &a, tb);
    else if (b.na_lit && !a.na_lit) ok = ev_type_na(st, n->args[1], &b, ta);
  }
  ok = ok && ev_unify(st, n, &a, &b);
  if (ok && n->kind == N_CMP)
    ok = ev_date_literal(st, n->args[0], &a, &b) && ev_date_literal(st, n->args[1], &b, &a);
  if (ok) {
    modu_operand oa, ob;
    ev_operand(&a, &oa);
    ev_operand(&b, &ob);
    if (a.shape == SH_SCALAR && b.shape == SH_SCALAR) oa.col = a.col; /* one-value kernels */
    modu_column *r;
    switch (n->kind) {
      case N_ARITH: r = modu_arith((modu_arith_op)n->op, &oa, &ob, st->e); break;
      case N_CMP: r = modu_compare((modu_cmp_op)n->op, &oa, &ob, st->e); break;
      case N_AND: r = modu_bool_and(&oa, &ob, st->e); break;
      default: r = modu_bool_or(&oa, &ob, st->e);
    }
    ok = ev_result(st, n, out, r, ev_shape2(&a, &b));
  }
  ev_drop(&a);
  ev_drop(&b);
  return ok;
}

static bool ev_literal(ev_state *st, ex_node *n, ev_val *out) {
  out->na_lit = n->kind == N_NA;
  modu_scalar s = {0};
  switch (n->kind) {
    case N_INT: s.type = MODU_INT, s.v.i = n->ival; break;
    case N_FLOAT: s.type = MODU_FLOAT, s.v.f = n->fval; break;
    case N_BOOL: s.type = MODU_BOOL, s.v.b = n->ival; break;
    case N_NA: s.type = MODU_BOOL, s.na = true; break;
    default:
      s.type = MODU_STR;
      s.v.s.p = n->str;
      s.v.s.len = n->slen;
      size_t bad;
      if (!modu_utf8_valid(n->str, n->slen, &bad)) {
        modu_errf(st->e, "invalid UTF-8 in a string literal at byte %zu", bad + 1);
        return ev_fail(st, n);
      }
  }
  return ev_result(st, n, out, modu_col_rep(&s, 1, st->e), SH_SCALAR);
}

static bool ev_in(ev_state *st, ex_node *n, ev_val *out) {
  ev_val x = {0};
  if (!ev_eval(st, n->args[0], &x)) return false;
  int nv = n->nargs - 1;
  modu_scalar *vals = calloc((size_t)nv + 1, sizeof *vals);
  if (!vals) {
    ev_drop(&x);
    modu_errf(st->e, "out of memory");
    return ev_fail(st, n);
  }
  for (int k = 0; k < nv; k++) {
    ex_node *v = n->args[k + 1];
    modu_scalar *s = &vals[k];
    bool neg = v->kind == N_NEG;
    if (neg) v = v->args[0];
    switch (v->kind) {
      case N_INT: s->type = MODU_INT, s->v.i = neg ? (int64_t)(0u - (uint64_t)v->ival) : v->ival; break;
      case N_FLOAT: s->type = MODU_FLOAT, s->v.f = neg ? -v->fval : v->fval; break;
      case N_BOOL: s->type = MODU_BOOL, s->v.b = v->ival; break;
      case N_NA: s->type = x.col->type, s->na = true; break;
      default:
        s->type = MODU_STR, s->v.s.p = v->str, s->v.s.len = v->slen;
        if (x.col->type == MODU_DATE) {
          s->type = MODU_DATE;
          if (modu_date_parse(v->str, v->slen, &s->v.d, st->e)) {
            free(vals);
            ev_drop(&x);
            return ev_fail(st, v);
          }
        }
    }
  }
  modu_column *r = modu_col_isin(x.col, vals, nv, st->e);
  free(vals);
  if (r && n->negate) {
    modu_column *nr = modu_bool_not(r, st->e);
    modu_col_unref(r);
    r = nr;
  }
  bool ok = ev_result(st, n, out, r, x.shape);
  ev_drop(&x);
  return ok;
}

/* ---- element-wise functions ---- */

static bool ev_numeric(const modu_column *c) { return c->type == MODU_INT || c->type == MODU_FLOAT; }

static modu_column *ev_math(int code, const modu_column *x, int64_t digits, modu_err *e) {
  if (!ev_numeric(x)) {
    modu_errf(e, "%s needs a number, got %s", code == E_ABS ? "abs" : code == E_SQRT ? "sqrt" : code == E_LOG ? "log"
              : code == E_EXP ? "exp" : code == E_ROUND ? "round" : code == E_FLOOR ? "floor" : "ceil",
              modu_type_name(x->type));
    return NULL;
  }
  /* whole numbers stay int, except round to tens or more, which is float as in R */
  bool keep_int = x->type == MODU_INT && (code == E_ABS || (code == E_ROUND && digits >= 0) || code == E_FLOOR ||
                                          code == E_CEIL);
  modu_column *r = keep_int ? modu_col_slice(x, 0, x->len, e) : modu_col_cast(x, MODU_FLOAT, e);
  if (!r) return NULL;
  if (keep_int) {
    if (code == E_ABS)
      for (int64_t i = 0; i < r->len; i++) MODU_I64(r)[i] = MODU_I64(r)[i] < 0 ? (int64_t)(0u - (uint64_t)MODU_I64(r)[i]) : MODU_I64(r)[i];
    return r;
  }
  if (r == x) { /* cast of a float column shares it: copy before writing */
    modu_col_unref(r);
    if (!(r = modu_col_slice(x, 0, x->len, e))) return NULL;
  }
  /* 10^digits, or for digits < 0 the divisor 10^-digits: 10^k is exact as a
   * double up to 10^22, its reciprocal never is (1350 * 0.01 != 13.5) */
  double *v = MODU_F64(r), scale = pow(10, (double)(digits < 0 ? -digits : digits));
  for (int64_t i = 0; i < r->len; i++) {
    switch (code) {
      case E_ABS: v[i] = fabs(v[i]); break;
      case E_SQRT: v[i] = sqrt(v[i]); break;
      case E_LOG: v[i] = log(v[i]); break;
      case E_EXP: v[i] = exp(v[i]); break;
      case E_FLOOR: v[i] = floor(v[i]); break;
      case E_CEIL: v[i] = ceil(v[i]); break;
      default: /* half to even, as R and numpy round */
        if (digits == 0) v[i] = nearbyint(v[i]);
        else if (digits > 0) v[i] = isfinite(v[i] * scale) ? nearbyint(v[i] * scale) / scale : v[i];
        else v[i] = isfinite(scale) ? nearbyint(v[i] / scale) * scale : 0 * v[i];
    }
  }
  return r;
}

/* maps each dictionary entry once; rows then follow their codes */
static modu_column *ev_str_fn(int code, const modu_column *x, const char *pat, size_t plen, modu_err *e) {
  if (x->type != MODU_STR) {
    static const char *const names[] = {"lower", "upper", "contains", "starts_with", "ends_with", "len"};
    modu_errf(e, "%s needs text, got %s", names[code - E_LOWER], modu_type_name(x->type));
    return NULL;
  }
  const modu_dict *d = x->dict;
  bool to_text = code == E_LOWER || code == E_UPPER;
  modu_type rt = to_text ? MODU_STR : code == E_LEN ? MODU_INT : MODU_BOOL;
  modu_column *r = modu_col_new(rt, x->len, NULL);
  int64_t *map = malloc((d->n ? (size_t)d->n : 1) * sizeof *map);
  if (!r || !map) {
    free(map);
    modu_col_unref(r);
    modu_errf(e, "out of memory");
    return NULL;
  }
  for (int32_t k = 0; k < d->n; k++) {
    size_t len;
    const char *s = modu_dict_str(d, k, &len);
    if (to_text) {
      char *buf = malloc(len * 4 + 4); /* a case mapping grows a code point to at most 4 bytes */
      size_t out = 0, at = 0;
      if (!buf) goto oom;
      while (at < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)s + at, (utf8proc_ssize_t)(len - at), &cp);
        if (step <= 0) { /* not reached for validated text; keep the byte */
          buf[out++] = s[at++];
          continue;
        }
        at += (size_t)step;
        cp = code == E_LOWER ? utf8proc_tolower(cp) : utf8proc_toupper(cp);
        out += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf + out);
      }
      int32_t c = modu_dict_intern(r->dict, buf, out);
      free(buf);
      if (c < 0) goto oom;
      map[k] = c;
    } else if (code == E_LEN) {
      int64_t n = 0;
      for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xc0) != 0x80;
      map[k] = n;
    } else if (code == E_CONTAINS) {
      bool hit = plen == 0;
      for (size_t i = 0; !hit && i + plen <= len; i++) hit = memcmp(s + i, pat, plen) == 0;
      map[k] = hit;
    } else if (code == E_STARTS_WITH) {
      map[k] = plen <= len && memcmp(s, pat, plen) == 0;
    } else {
      map[k] = plen <= len && memcmp(s + len - plen, pat, plen) == 0;
    }
  }
  for (int64_t i = 0; i < x->len; i++) {
    int64_t v = modu_col_isna(x, i) ? 0 : map[MODU_I32(x)[i]];
    if (rt == MODU_INT) MODU_I64(r)[i] = v;
    else if (rt == MODU_BOOL) MODU_U8(r)[i] = (uint8_t)v;
    else MODU_I32(r)[i] = (int32_t)v;
  }
  free(map);
  if (x->valid) {
    if (modu_col_ensure_valid(r)) {
      modu_col_unref(r);
      modu_errf(e, "out of memory");
      return NULL;
    }
    memcpy(r->valid, x->valid, modu_bitmap_words(x->len) * 8);
  }
  return r;
oom:
  free(map);
  modu_col_unref(r);
  modu_errf(e, "out of memory");
  return NULL;
}

static modu_column *ev_date_part(int code, const modu_column *x, modu_err *e) {
  if (x->type != MODU_DATE) {
    modu_errf(e, "%s needs a date, got %s", code == E_YEAR ? "year" : code == E_MONTH ? "month" : "day",
              modu_type_name(x->type));
    return NULL;
  }
  modu_column *r = modu_col_new(MODU_INT, x->len, NULL);
  if (!r || (x->valid && modu_col_ensure_valid(r))) {
    modu_col_unref(r);
    modu_errf(e, "out of memory");
    return NULL;
  }
  if (x->valid) memcpy(r->valid, x->valid, modu_bitmap_words(x->len) * 8);
  for (int64_t i = 0; i < x->len; i++) {
    int64_t y;
    int m, d;
    modu_date_to_ymd(MODU_I32(x)[i], &y, &m, &d);
    MODU_I64(r)[i] = code == E_YEAR ? y : code == E_MONTH ? m : d;
  }
  return r;
}

/* rows of cols[k] chosen per row by pick (-1: NA), all through one concat */
static modu_column *ev_choose(modu_column *const *cols, int k, int64_t n, const int64_t *pick_part, modu_err *e) {
  int64_t *lens = calloc((size_t)k, sizeof *lens);
  int64_t *idx = malloc((n ? (size_t)n : 1) * sizeof *idx);
  modu_column *all = lens && idx ? modu_col_concat(cols, lens, k, "the choices", e) : NULL;
  modu_column *r = NULL;
  if (all) {
    for (int64_t i = 0; i < n; i++) idx[i] = pick_part[i] < 0 ? -1 : pick_part[i] * n + i;
    r = modu_col_take(all, idx, n, e);
  } else if (!lens || !idx) {
    modu_errf(e, "out of memory");
  }
  modu_col_unref(all);
  free(lens);
  free(idx);
  return r;
}

static bool ev_call_elem(ev_state *st, ex_node *n, const ex_fn *fn, ev_val *out) {
  int na = n->nargs;
  ev_val v[64] = {{0}};
  int shape = SH_SCALAR;
  bool ok = true;
  for (int k = 0; k < na && ok; k++) {
    ok = ev_eval(st, n->args[k], &v[k]);
    if (ok && v[k].shape > shape) shape = v[k].shape;
  }
  if (ok && (fn->code == E_COALESCE || fn->code == E_IF_ELSE)) {
    int first = fn->code == E_IF_ELSE ? 1 : 0, typed = -1;
    for (int k = first; k < na; k++)
      if (!v[k].na_lit && typed < 0) typed = k;
    for (int k = first; k < na && ok && typed >= 0; k++) ok = ev_type_na(st, n->args[k], &v[k], v[typed].col->type);
    /* GROUP with ROW spreads to rows; every argument then has the result's length */
    if (shape == SH_ROW)
      for (int k = 0; k < na && ok; k++) ok = ev_widen(st, n, &v[k], SH_ROW);
    for (int k = 0; k < na && ok; k++) ok = ev_widen(st, n, &v[k], shape);
  }
  modu_column *r = NULL;
  if (ok) {
    const modu_column *x = v[0].col;
    int64_t len = x->len;
    switch (fn->code) {
      case E_IS_NA: r = modu_col_is_na(x, st->e); break;
      case E_ABS: case E_SQRT: case E_LOG: case E_EXP: case E_FLOOR: case E_CEIL:
        r = ev_math(fn->code, x, 0, st->e);
        break;
      case E_ROUND: {
        int64_t digits = 0;
        if (na == 2) {
          if (v[1].shape != SH_SCALAR || v[1].col->type != MODU_INT) {
            modu_errf(st->e, "round(x, digits): digits must be a whole number");
            ok = ev_fail(st, n->args[1]);
            break;
          }
          digits = MODU_I64(v[1].col)[0];
        }
        r = ev_math(E_ROUND, x, digits, st->e);
        break;
      }
      case E_LOWER: case E_UPPER: case E_LEN: r = ev_str_fn(fn->code, x, NULL, 0, st->e); break;
      case E_CONTAINS: case E_STARTS_WITH: case E_ENDS_WITH: {
        if (v[1].shape != SH_SCALAR || v[1].col->type != MODU_STR || modu_col_isna(v[1].col, 0)) {
          modu_errf(st->e, "%s(x, pattern): the pattern must be a string literal", fn->name);
          ok = ev_fail(st, n->args[1]);
          break;
        }
        size_t plen;
        const char *p = modu_dict_str(v[1].col->dict, MODU_I32(v[1].col)[0], &plen);
        r = ev_str_fn(fn->code, x, p, plen, st->e);
        break;
      }
      case E_YEAR: case E_MONTH: case E_DAY: r = ev_date_part(fn->code, x, st->e); break;
      case E_AS_INT: r = modu_col_cast(x, MODU_INT, st->e); break;
      case E_AS_FLOAT: r = modu_col_cast(x, MODU_FLOAT, st->e); break;
      case E_AS_STR: r = modu_col_cast(x, MODU_STR, st->e); break;
      case E_AS_DATE: r = modu_col_cast(x, MODU_DATE, st->e); break;
      case E_AS_BOOL: r = modu_col_cast(x, MODU_BOOL, st->e); break;
      case E_IF_ELSE: {
        if (x->type != MODU_BOOL) {
          modu_errf(st->e, "if_else(condition, yes, no): the condition must be bool, got %s", modu_type_name(x->type));
          ok = ev_fail(st, n->args[0]);
          break;
        }
        int64_t *pick = malloc((len ? (size_t)len : 1) * sizeof *pick);
        if (!pick) {
          modu_errf(st->e, "out of memory");
          break;
        }
        for (int64_t i = 0; i < len; i++) pick[i] = modu_col_isna(x, i) ? -1 : MODU_U8(x)[i] ? 0 : 1;
        modu_column *choices[2] = {v[1].col, v[2].col};
        r = ev_choose(choices, 2, len, pick, st->e);
        free(pick);
        break;
      }
      default: { /* coalesce: the first present value, left to right */
        int64_t *pick = malloc((len ? (size_t)len : 1) * sizeof *pick);
        modu_column *cols[64];
        if (!pick) {
          modu_errf(st->e, "out of memory");
          break;
        }
        for (int k = 0; k < na; k++) cols[k] = v[k].col;
        for (int64_t i = 0; i < len; i++) {
          pick[i] = -1;
          for (int k = 0; k < na && pick[i] < 0; k++)
            if (!modu_col_isna(cols[k], i)) pick[i] = k;
        }
        r = ev_choose(cols, na, len, pick, st->e);
        free(pick);
      }
    }
    if (ok) ok = ev_result(st, n, out, r, shape);
  }
  for (int k = 0; k < na; k++) ev_drop(&v[k]);
  return ok;
}

static bool ev_call_agg(ev_state *st, ex_node *n, const ex_fn *fn, ev_val *out) {
  modu_groups *g = ev_groups(st);
  if (!g) return ev_fail(st, n);
  ev_val x = {0}, y = {0};
  double p = 0;
  bool ok = true;
  if (n->nargs >= 1) ok = ev_eval(st, n->args[0], &x);
  if (ok && n->nargs == 2) ok = ev_eval(st, n->args[1], &y);
  for (int k = 0; ok && k < n->nargs; k++) {
    ev_val *v = k == 0 ? &x : &y;
    if (fn->code == MODU_AGG_QUANTILE && k == 1) {
      if (v->shape != SH_SCALAR || !ev_numeric(v->col) || modu_col_isna(v->col, 0)) {
        modu_errf(st->e, "quantile(x, p): p must be a number");
        ok = ev_fail(st, n->args[1]);
      } else {
        p = v->col->type == MODU_INT ? (double)MODU_I64(v->col)[0] : MODU_F64(v->col)[0];
      }
      continue;
    }
    if (v->shape == SH_GROUP) {
      modu_errf(st->e, "%s() of an aggregate: aggregates take row values", fn->name);
      ok = ev_fail(st, n->args[k]);
    } else {
      ok = ev_widen(st, n, v, SH_ROW);
    }
  }
  if (ok) ok = ev_result(st, n, out, modu_agg((modu_agg_kind)fn->code, g, x.col, y.col, p, st->e), SH_GROUP);
  ev_drop(&x);
  ev_drop(&y);
  return ok;
}

static bool ev_call_win(ev_state *st, ex_node *n, const ex_fn *fn, ev_val *out) {
  ev_val x = {0}, k = {0};
  int64_t kv = fn->code == MODU_WIN_RANK ? MODU_RANK_AVERAGE : 1;
  bool ok = true;
  if (n->nargs >= 1) ok = ev_eval(st, n->args[0], &x) && ev_widen(st, n, &x, SH_ROW);
  else ok = ev_result(st, n, &x, modu_col_new(MODU_BOOL, st->ctx->frame->nrow, NULL), SH_ROW);
  if (ok && n->nargs == 2) {
    ok = ev_eval(st, n->args[1], &k);
    if (ok && fn->code == MODU_WIN_RANK) {
      size_t len;
      const char *m = k.shape == SH_SCALAR && k.col->type == MODU_STR && !modu_col_isna(k.col, 0)
                          ? modu_dict_str(k.col->dict, MODU_I32(k.col)[0], &len) : NULL;
      char name[16] = {0};
      if (m && len < sizeof name) memcpy(name, m, len);
      kv = m ? modu_rank_method_from_name(name) : -1;
      if (kv < 0) {
        modu_errf(st->e, "rank(x, method): method must be one of " MODU_RANK_METHODS);
        ok = ev_fail(st, n->args[1]);
      }
    } else if (ok) {
      if (k.shape != SH_SCALAR || k.col->type != MODU_INT || modu_col_isna(k.col, 0)) {
        modu_errf(st->e, "%s(): the second argument must be a whole number", fn->name);
        ok = ev_fail(st, n->args[1]);
      } else {
        kv = MODU_I64(k.col)[0];
      }
    }
  }
  /* windows run within the groups of a grouped frame, over all rows otherwise */
  if (ok) ok = ev_result(st, n, out, modu_window((modu_win_kind)fn->code, x.col, st->g, kv, st->e), SH_ROW);
  ev_drop(&x);
  ev_drop(&k);
  return ok;
}

static bool ev_eval(ev_state *st, ex_node *n, ev_val *out) {
  switch (n->kind) {
    case N_INT: case N_FLOAT: case N_STR: case N_BOOL: case N_NA: return ev_literal(st, n, out);
    case N_COL: {
      int k = modu_frame_find(st->ctx->frame, n->str);
      if (k < 0) {
        *st->unknown = true;
        modu_errf(st->e, "unknown column '%s'", n->str);
        return ev_fail(st, n);
      }
      out->col = modu_col_ref(st->ctx->frame->cols[k]);
      out->shape = SH_ROW;
      return true;
    }
    case N_ARITH: case N_CMP: case N_AND: case N_OR: return ev_binary(st, n, out);
    case N_NEG:
    case N_NOT: {
      ev_val a = {0};
      if (!ev_eval(st, n->args[0], &a)) return false;
      if (n->kind == N_NEG && !ev_type_na(st, n, &a, MODU_INT)) {
        ev_drop(&a);
        return false;
      }
      modu_operand o;
      ev_operand(&a, &o);
      if (a.shape == SH_SCALAR) o.col = a.col;
      modu_column *r = n->kind == N_NEG ? modu_arith(MODU_UNM, &o, &o, st->e) : modu_bool_not(a.col, st->e);
      bool ok = ev_result(st, n, out, r, a.shape);
      ev_drop(&a);
      return ok;
    }
    case N_IN: return ev_in(st, n, out);
    default: {
      const ex_fn *fn = &ex_fns[n->op];
      if (fn->kind == F_AGG) return ev_call_agg(st, n, fn, out);
      if (fn->kind == F_WIN) return ev_call_win(st, n, fn, out);
      return ev_call_elem(st, n, fn, out);
    }
  }
}

modu_column *modu_expr_eval(modu_expr *x, modu_expr_ctx *ctx, int64_t *errpos, bool *unknown_col, modu_err *e) {
  ev_state st = {ctx, ctx->groups, NULL, NULL, errpos, unknown_col, e};
  *unknown_col = false;
  ev_val v = {0};
  modu_column *r = NULL;
  if (ev_eval(&st, x->root, &v)) {
    if (ctx->agg && v.shape == SH_ROW) {
      modu_errf(e, "this gives one value per row; in agg wrap it in an aggregate such as sum(), mean() or first()");
      *errpos = x->root->pos;
    } else if (ev_widen(&st, x->root, &v, ctx->agg ? SH_GROUP : SH_ROW)) {
      r = v.col;
      v.col = NULL;
    }
  }
  ev_drop(&v);
  modu_groups_free(st.own);
  free(st.gidx);
  return r;
}
