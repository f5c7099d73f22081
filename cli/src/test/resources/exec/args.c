#include "start.h"
long cmain(long *sp) {
    long argc = sp[0];
    char **argv = (char **) (sp + 1);
    for (long i = 1; i < argc; i++) { puts1(argv[i]); puts1("\n"); }
    char **envp = argv + argc + 1;
    long envc = 0;
    while (envp[envc]) envc++;
    unsigned long *auxv = (unsigned long *) (envp + envc + 1);
    unsigned long pagesz = 0, random = 0;
    for (; auxv[0] != 0; auxv += 2) {
        if (auxv[0] == 6) pagesz = auxv[1];
        if (auxv[0] == 25) random = auxv[1];
    }
    puthex(pagesz);
    puts1("\n");
    return (argc == 3 && random != 0 && ((unsigned long) sp & 15) == 0) ? 0 : 1;
}
