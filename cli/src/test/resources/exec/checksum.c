#include "start.h"
/* A checksum exercising multiply, divide, shifts, rotates, byte/halfword/word accesses, bss and
   a brk'd buffer; ExecCommandTest recomputes it in Java. */
static unsigned int data[256];
static unsigned long mix(unsigned long h, unsigned long v) {
    h ^= v;
    h *= 0x100000001b3UL;
    return (h << 13) | (h >> 51);
}
long cmain(long *sp) {
    (void) sp;
    unsigned long h = 1469598103934665603UL;
    for (unsigned int i = 0; i < 256; i++) data[i] = i * 2654435761u;
    unsigned char *heap = (unsigned char *) sys3(214, 0, 0, 0);
    sys3(214, (long) (heap + 4096), 0, 0);
    for (int round = 0; round < 50; round++) {
        for (unsigned int i = 0; i < 256; i++) {
            h = mix(h, data[i] / (i + 1));
            h = mix(h, (unsigned long) ((long) (int) data[i] % 7));
            data[i] ^= (unsigned int) h;
            heap[(i * 13 + round) & 4095] += (unsigned char) h;
            h = mix(h, *(unsigned short *) &heap[(i * 7) & 4094]);
        }
    }
    puthex(h);
    puts1("\n");
    return (long) (h & 0x7f);
}
