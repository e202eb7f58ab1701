/* A monotonic wall clock for the db-benchmark drivers written in Lua: Lua 5.4
 * has only os.clock (CPU time) and os.time (whole seconds). Built by run.lua. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

/* seconds since an arbitrary start, as a float with nanosecond resolution */
static int clock_now(lua_State *L) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return luaL_error(L, "clock.now: clock_gettime failed");
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
  return 1;
}

int luaopen_dbbench_clock(lua_State *L) {
  static const luaL_Reg fns[] = {{"now", clock_now}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
