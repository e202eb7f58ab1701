/* Shared pieces of the Lua bindings: userdata boxes, self checks, the NA
 * sentinel, error messages that name the function, and Lua <-> scalar moves. */
#ifndef LMODU_H
#define LMODU_H

#include <lauxlib.h>
#include <lua.h>

#include "modu_core.h"

#define LM_COLUMN "modu.Column"
#define LM_FRAME "modu.Frame"
#define LM_DATE "modu.Date"

typedef struct lm_colbox {
  modu_column *c; /* NULL once closed */
} lm_colbox;

typedef struct lm_framebox {
  modu_frame *f; /* NULL once closed */
} lm_framebox;

/* raises "fn: message" */
#if defined(__GNUC__)
#define LM_NORETURN __attribute__((noreturn))
#else
#define LM_NORETURN
#endif
int lm_error(lua_State *L, const char *fn, const char *fmt, ...) MODU_PRINTF(3, 4) LM_NORETURN;
/* raises "fn: <core message>" */
int lm_core_error(lua_State *L, const char *fn, const modu_err *e) LM_NORETURN;
const char *lm_typename(lua_State *L, int idx); /* __name of userdata, else Lua type */

/* self and argument checks: wrong type or a closed object raise, naming fn */
modu_column *lm_check_column(lua_State *L, int idx, const char *fn);
modu_column *lm_test_column(lua_State *L, int idx); /* NULL when not an open column */
/* the value at idx, entry i of an ordered spec, is a {name, what} pair: a
 * plain table of exactly two entries; raises otherwise */
void lm_check_pair(lua_State *L, int idx, lua_Integer i, const char *what, const char *fn);
modu_frame *lm_check_frame(lua_State *L, int idx, const char *fn);
/* A private copy of the frame at idx (sharing its columns), pushed: code that
 * may run Lua (a finaliser could close the original) works on this instead.
 * lm_pin_arg also puts the copy in place of the argument. */
modu_frame *lm_pin_frame(lua_State *L, int idx, const char *fn);
modu_frame *lm_pin_arg(lua_State *L, int idx, const char *fn);
void lm_push_column(lua_State *L, modu_column *c); /* takes over the reference */
void lm_push_frame(lua_State *L, modu_frame *f);   /* takes over the frame */
/* pushes a new column or raises fn's error; NULL c means the kernel failed */
void lm_push_result(lua_State *L, modu_column *c, const char *fn, const modu_err *e);

/* the NA sentinel */
void lm_push_na(lua_State *L);
int lm_is_na(lua_State *L, int idx);

/* dates */
void lm_push_date(lua_State *L, int32_t days);
int lm_is_date(lua_State *L, int idx, int32_t *days);
int lm_open_date(lua_State *L); /* registers modu.Date; leaves nothing */
int lm_date_constructor(lua_State *L);
int lm_column_constructor(lua_State *L);
int lm_frame_constructor(lua_State *L);
int lm_bind_rows(lua_State *L);

/* value of row i of c, pushed as a Lua value (NA as modu.NA) */
void lm_push_value(lua_State *L, const modu_column *c, int64_t i);
/* Lua value -> scalar; strings stay pointers into the Lua stack. Returns 0, or
 * -1 for a value that is no scalar (table, function, ...). NA gets type na_type. */
int lm_to_scalar(lua_State *L, int idx, modu_type na_type, modu_scalar *s);
/* Both push their result, owned by Lua, so a later error cannot leak it.
 * lm_column_from_table builds from the Lua array at idx (want < 0 infers);
 * lm_as_column takes a column, a Lua array or a scalar (repeated) of length n
 * (n < 0: any length; a scalar then makes one row). */
modu_column *lm_column_from_table(lua_State *L, int idx, int want, const char *fn);
modu_column *lm_as_column(lua_State *L, int idx, int64_t n, const char *fn, const char *what);
/* a scratch buffer owned by Lua (pushed), for temporaries that must not leak */
void *lm_scratch(lua_State *L, size_t bytes);
/* C memory of one call owned by Lua: a userdata pushed before the kernels
 * that fill it run, so an error anywhere later frees what they made (with
 * free, and modu_groups_free for g) */
typedef struct lm_owner {
  void *p[2];
  struct modu_groups *g[2];
} lm_owner;
lm_owner *lm_new_owner(lua_State *L);
int lm_check_type_name(lua_State *L, int idx, const char *fn);

/* Options tables and checked values. Messages name the function, the option,
 * what was given (the type when it is of the wrong type, else the value) and
 * what would be valid: "read_csv: skip must be a non-negative integer, got -1".
 * lm_opts checks that idx holds a table (or nothing) whose keys are all in
 * valid (NULL-ended), and returns its absolute index, or 0 when there is none;
 * the lm_opt_* readers take that index and give dflt for 0 or an absent key. */
int lm_opts(lua_State *L, int idx, const char *const *valid, const char *fn);
bool lm_opt_bool(lua_State *L, int opts, const char *key, bool dflt, const char *fn);
lua_Integer lm_opt_int(lua_State *L, int opts, const char *key, lua_Integer dflt, lua_Integer lo, lua_Integer hi,
                       const char *fn);
double lm_opt_num(lua_State *L, int opts, const char *key, double dflt, bool finite, const char *fn);
/* the index of the value in choices (NULL-ended); dflt when absent */
int lm_opt_choice(lua_State *L, int opts, const char *key, const char *const *choices, int dflt, const char *fn);
/* the string stays valid while the options table holds it; dflt when absent */
const char *lm_opt_str(lua_State *L, int opts, const char *key, const char *dflt, const char *fn);
/* the same checks on the value at idx, called `what` in the message */
bool lm_check_bool(lua_State *L, int idx, const char *what, const char *fn);
lua_Integer lm_check_int(lua_State *L, int idx, lua_Integer lo, lua_Integer hi, const char *what, const char *fn);
double lm_check_num(lua_State *L, int idx, bool finite, const char *what, const char *fn);
int lm_check_choice(lua_State *L, int idx, const char *const *choices, const char *what, const char *fn);
const char *lm_check_str(lua_State *L, int idx, const char *what, const char *fn);

/* print options from the environment (COLUMNS) */
void lm_print_opts(modu_print_opts *o);

int lm_open_column(lua_State *L); /* pushes the Column method table */
int lm_open_frame(lua_State *L);  /* pushes the Frame method table */
void lm_register_generators(lua_State *L, int modtable);
void lm_open_group(lua_State *L, int frame_methods); /* adds group_by & co. to Frame */
void lm_open_join(lua_State *L, int frame_methods);  /* adds join and the pivots */
void lm_open_csv(lua_State *L, int mod, int frame_methods);
void lm_open_sqlite(lua_State *L, int mod); /* modu.open and modu.Db */
void lm_open_text(lua_State *L, int mod); /* modu.text and the str methods of Column */
void lm_open_stats(lua_State *L, int mod); /* modu.core.stats, Column and Frame statistics */

#endif
