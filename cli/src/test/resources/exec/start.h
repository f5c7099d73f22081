/* Minimal freestanding start-up for cachevisor exec tests: no libc. */
__asm__(".global _start\n"
        "_start:\n"
        "  mov x0, sp\n"
        "  bl cmain\n"
        "  mov x8, #94\n"   /* exit_group */
        "  svc #0\n");

static long sys3(long n, long a, long b, long c) {
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
}

static unsigned long slen(const char *s) { unsigned long n = 0; while (s[n]) n++; return n; }
static void puts1(const char *s) { sys3(64, 1, (long) s, (long) slen(s)); }
static void puthex(unsigned long v) {
    char b[19];
    b[0] = '0'; b[1] = 'x';
    for (int i = 0; i < 16; i++) b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    b[18] = 0;
    puts1(b);
}
