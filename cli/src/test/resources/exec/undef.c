#include "start.h"
long cmain(long *sp) {
    (void) sp;
    puts1("before\n");
    __asm__ volatile(".inst 0x00000000");
    puts1("after\n");
    return 0;
}
