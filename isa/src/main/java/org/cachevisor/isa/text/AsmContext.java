package org.cachevisor.isa.text;

/** What the operand parsers need from the assembler: the PC and expression evaluation. */
interface AsmContext {
    /** Address of the instruction being assembled. */
    long pc();

    /**
     * Parses and evaluates an expression at the cursor (labels, numbers, operators,
     * {@code :lo12:sym}); throws {@link AsmException} for an undefined symbol.
     */
    long eval(Cursor c);

    /** Registers a literal-pool entry for {@code ldr Rt, =value} and returns its address. */
    long literal(long value, int size, Cursor c);
}
