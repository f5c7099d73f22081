#include "start.h"
/* A mixed workload (recursion, pair loads/stores, sorting, byte/halfword/word accesses, 128-bit
   multiplies, signed/unsigned division, bit operations, CRC32, exclusives, switch tables); the test
   compares its output with qemu-aarch64's. */
typedef unsigned long u64;
typedef long i64;

static void put(const char *name, u64 v) { puts1(name); puts1(" "); puthex(v); puts1("\n"); }

static u64 fib(u64 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void sort(i64 *a, int n) {
    for (int i = 1; i < n; i++) {
        i64 x = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > x) { a[j + 1] = a[j]; j--; }
        a[j + 1] = x;
    }
}

static int classify(int x) {
    switch (x & 7) {
        case 0: return 11; case 1: return 23; case 2: return 37; case 3: return 41;
        case 4: return 53; case 5: return 67; case 6: return 71; default: return 89;
    }
}

static u64 xorshift(u64 *s) { u64 x = *s; x ^= x << 13; x ^= x >> 7; x ^= x << 17; return *s = x; }

long cmain(long *sp) {
    (void) sp;
    u64 seed = 0x123456789abcdefUL;
    put("fib", fib(20));
    i64 arr[64];
    for (int i = 0; i < 64; i++) arr[i] = (i64) xorshift(&seed) >> (i & 31);
    sort(arr, 64);
    u64 h = 0;
    for (int i = 0; i < 64; i++) h = h * 31 + (u64) arr[i];
    put("sort", h);
    u64 mh = 0, ml = 0;
    for (int i = 0; i < 100; i++) {
        u64 a = xorshift(&seed), b = xorshift(&seed);
        unsigned __int128 p = (unsigned __int128) a * b;
        __int128 q = (__int128) (i64) a * (i64) b;
        mh ^= (u64) (p >> 64) + (u64) (q >> 64);
        ml += (u64) p;
    }
    put("mulhi", mh);
    put("mullo", ml);
    i64 d = 0;
    for (int i = 1; i < 200; i++) {
        i64 a = (i64) xorshift(&seed);
        i64 b = (i64) (xorshift(&seed) >> (i % 60)) - 5;
        if (b != 0) d += a / b + a % b;
        d += (i64) ((u64) a / (u64) (b | 1));
        int x = (int) a, y = (int) b | 1;
        d += x / y + (unsigned) x / (unsigned) y;
    }
    put("div", (u64) d);
    u64 bits = 0;
    for (int i = 0; i < 100; i++) {
        u64 v = xorshift(&seed) >> (i % 64);
        bits += (u64) __builtin_clzl(v | 1) + (u64) __builtin_ctzl(v | 0x8000000000000000UL);
        bits ^= __builtin_bswap64(v) + __builtin_bswap32((unsigned) v) + __builtin_bswap16((unsigned short) v);
        bits += (u64) __builtin_clrsbl((i64) v);
        bits = (bits << 7) | (bits >> 57);
    }
    put("bits", bits);
    unsigned crc = 0xffffffffu, crcc = 0xffffffffu;
    for (int i = 0; i < 64; i++) {
        u64 v = xorshift(&seed);
        __asm__("crc32x %w0, %w0, %1" : "+r"(crc) : "r"(v));
        __asm__("crc32cb %w0, %w0, %w1" : "+r"(crcc) : "r"((unsigned) v));
        __asm__("crc32h %w0, %w0, %w1" : "+r"(crc) : "r"((unsigned) (v >> 8)));
    }
    put("crc", ((u64) crc << 32) | crcc);
    unsigned char buf[256];
    unsigned short *hw = (unsigned short *) buf;
    for (int i = 0; i < 256; i++) buf[i] = (unsigned char) (i * 7 + 3);
    u64 acc = 0;
    for (int i = 0; i < 120; i++) acc = acc * 3 + hw[i] + *(unsigned *) (buf + (i & ~3)) + (signed char) buf[i] + *(short *) (buf + 2 * (i & 63));
    put("mem", acc);
    u64 sw = 0;
    for (int i = 0; i < 1000; i++) sw += (u64) classify((int) xorshift(&seed));
    put("switch", sw);
    u64 counter = 0, status = 0;
    for (int i = 0; i < 10; i++) {
        u64 old;
        unsigned fail;
        do {
            __asm__ volatile("ldaxr %0, [%2]\n stlxr %w1, %3, [%2]" : "=&r"(old), "=&r"(fail) : "r"(&counter), "r"(old + 1) : "memory");
        } while (0);
        __asm__ volatile("1: ldxr %0, [%2]\n add %0, %0, #1\n stxr %w1, %0, [%2]\n cbnz %w1, 1b" : "=&r"(old), "=&r"(fail) : "r"(&counter) : "memory");
        status += fail;
    }
    put("excl", counter * 1000 + status);
    i64 csel = 0;
    for (int i = -50; i < 50; i++) csel += (i < 0 ? -i : i * 3) + (i == 7 ? 100 : 0) - (i > 10 && i < 20);
    put("csel", (u64) csel);
    return (int) (h & 0x3f);
}
