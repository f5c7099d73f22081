#include "start.h"
long cmain(long *sp) {
    (void) sp;
    puts1("hello, world\n");
    sys3(64, 2, (long) "to stderr\n", 10);
    return 7;
}
