package org.cachevisor.machine;

import org.cachevisor.isa.Encoding;

/**
 * One decoded instruction word: the result of the ASL "decode" step (d, n, m, datasize, setflags,
 * imm, ...), computed once per distinct word and cached by the PE in a direct-mapped table keyed by
 * the word itself (the bytes actually fetched, below the I-cache model). It depends on nothing but
 * the word: anything that depends on PE state (EL, PC, SCTLR_EL1) is checked when it executes.
 *
 * <p>Register numbers are already mapped to the PE's register file layout ({@link Pe}): an operand
 * that reads register 31 as XZR points at {@link Pe#ZR} (always 0), a destination that discards
 * writes to XZR at {@link Pe#SINK}, and an operand where 31 means the stack pointer at {@link Pe#SP}.
 * So the executor never tests for register 31.
 */
public final class Decoded {
    /** The instruction word this entry decodes. */
    public final int word;
    /** The table row, or null for an unallocated word. */
    public final Encoding encoding;
    /** The handler ({@link Op}). */
    public int op;
    /** Sub-operation inside a handler family (e.g. which DP_2SRC operation, which SYS alias). */
    public int sub;
    public int d, n, m, a, t, t2, s;
    public int datasize = 64;
    public boolean setflags;
    /** Subtract (ADD/SUB families), or "store" vs "load" (loads and stores: {@code true} = store). */
    public boolean flag1;
    /** A second boolean (e.g. signed load, invert, exclusive). */
    public boolean flag2;
    /** A third boolean (e.g. acquire/release ordering). */
    public boolean flag3;
    public long imm;
    public long imm2;
    public int shiftType;
    public int shiftAmount;
    public int extendType;
    public int cond;
    /** Memory access size in bytes (loads and stores). */
    public int size;
    /** Register width of a load's destination (32 or 64). */
    public int regsize;
    /** Addressing: {@link #MODE_OFFSET}, {@link #MODE_PRE}, {@link #MODE_POST}. */
    public int mode;
    /** Loads/stores: the base register is SP (SP alignment check applies). */
    public boolean spBase;
    /** System-register row (MRS/MSR) or null. */
    public SysRegs.Reg sysReg;
    /** Raw op0/op1/CRn/CRm/op2 of system instructions, packed as {@link SysRegs#key}. */
    public int sysKey;
    /**
     * The instruction may call the memory system (loads, stores, cache maintenance, system
     * instructions, exception-generating ones): the PE re-reads the L1I generation after it.
     */
    public boolean touchesMemory;
    /**
     * The instruction may change the translation context or take an exception on purpose (MSR, SYS,
     * ERET, exception generation, WFx): the PE forgets its current fetch line after it.
     */
    public boolean changesContext;
    /** Raw Rt number (0..31) for syndromes. */
    public int rtRaw;

    public static final int MODE_OFFSET = 0, MODE_PRE = 1, MODE_POST = 2;

    public Decoded(int word, Encoding encoding) {
        this.word = word;
        this.encoding = encoding;
    }

    @Override
    public String toString() {
        return String.format("%08x %s op=%d", word, encoding == null ? "UNALLOCATED" : encoding.id(), op);
    }
}
