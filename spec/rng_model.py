#!/usr/bin/env python3
"""Independent model of csrc/core/random.c (arbitrary-precision integers, not
the C code): splitmix64 seeding, xoshiro256**, uniform = (x >> 11) * 2^-53,
Lemire's multiply-and-reject for integers, and Marsaglia's polar method with
the same frexp-based log for normals. spec/generators_spec.lua pins the first
values of several streams; this prints them, so they can be re-derived:

    python3 spec/rng_model.py
"""
import math, sys
M = (1 << 64) - 1
def splitmix(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return x, z ^ (z >> 31)
def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
class R:
    def __init__(self, seed):
        x = seed & M
        self.s = []
        for _ in range(4):
            x, z = splitmix(x); self.s.append(z)
    def next(self):
        s = self.s
        out = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
        return out
    def u01(self): return (self.next() >> 11) * 2.0**-53
    def between(self, lo, hi):
        span = (hi - lo + 1) & M
        if span == 0:
            v = (lo + self.next()) & M
            return v - (1 << 64) if v >= 1 << 63 else v
        p = self.next() * span
        high, low = p >> 64, p & M
        if low < span:
            thr = ((1 << 64) - span) % span
            while low < thr:
                p = self.next() * span; high, low = p >> 64, p & M
        return lo + high
    def normal(self):
        while True:
            u = 2 * self.u01() - 1
            v = 2 * self.u01() - 1
            s = u * u + v * v
            if not (s >= 1 or s == 0): break
        return u * math.sqrt(-2 * detlog(s) / s)
def detlog(x):
    ln2_hi = float.fromhex('0x1.62e42fee00000p-1'); ln2_lo = float.fromhex('0x1.a39ef35793c76p-33')
    m, k = math.frexp(x)
    if m < float.fromhex('0x1.6a09e667f3bcdp-1'):
        m *= 2; k -= 1
    f = m - 1
    s = f / (2 + f); z = s * s
    c = [2.0/3, 2.0/5, 2.0/7, 2.0/9, 2.0/11, 2.0/13, 2.0/15, 2.0/17, 2.0/19, 2.0/21]
    acc = c[9]
    for j in range(8, -1, -1):
        acc = c[j] + z * acc
    Rr = z * acc
    h = 0.5 * f * f
    dk = float(k)
    return dk * ln2_hi - ((h - (s * (h + Rr) + dk * ln2_lo)) - f)


if __name__ == "__main__":
    r = R(1); print("integers(5, 1, 100, 1):", [r.between(1, 100) for _ in range(5)])
    r = R(42); print("integers(5, -3, 3, 42):", [r.between(-3, 3) for _ in range(5)])
    r = R(-1); print("integers(3, 1, 6, -1):", [r.between(1, 6) for _ in range(3)])
    r = R(1); print("integers(3, min, max, 1):", [r.between(-(1 << 63), (1 << 63) - 1) for _ in range(3)])
    r = R(20171229); print("integers(3, 1, 100) default seed:", [r.between(1, 100) for _ in range(3)])
    r = R(1); print("uniform(3, 0, 1, 1):", [repr(r.u01()) for _ in range(3)])
    r = R(1); print("uniform(3, -5, 5, 1):", [repr(-5.0 + (5.0 - -5.0) * r.u01()) for _ in range(3)])
    r = R(1); print("normal(3, 0, 1, 1):", [repr(0.0 + 1.0 * r.normal()) for _ in range(3)])
    r = R(1); print("normal(3, 10, 2, 1):", [repr(10.0 + 2.0 * r.normal()) for _ in range(3)])
    r = R(1); print("choice({a,b,c,d}, 6, 1):", ["abcd"[r.between(0, 3)] for _ in range(6)])
