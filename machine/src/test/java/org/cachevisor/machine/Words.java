package org.cachevisor.machine;

/**
 * Hand encoders for the few A64 instructions the PE tests need (so the tests do not depend on the
 * assembler). Each encoding was checked against aarch64-linux-gnu-as / objdump, e.g.
 * {@code movz x0, #1} = d2800020, {@code svc #0x42} = d4000841, {@code msr sctlr_el1, x0} = d5181000,
 * {@code mrs x0, ttbr0_el1} = d5382000, {@code dc cisw, x1} = d5087e41, {@code ic iallu} = d508751f,
 * {@code ldr x0, [x1]} = f9400020, {@code str w2, [x3]} = b9000062, {@code bl .+0x1000} = 94000400.
 */
final class Words {
    private Words() {}

    static int movz(int rd, int imm16) { return 0xD2800000 | (imm16 << 5) | rd; }
    static int movzW(int rd, int imm16) { return 0x52800000 | (imm16 << 5) | rd; }
    static int addImm(int rd, int rn, int imm12) { return 0x91000000 | (imm12 << 10) | (rn << 5) | rd; }
    static int subsImm(int rd, int rn, int imm12) { return 0xF1000000 | (imm12 << 10) | (rn << 5) | rd; }
    static int b(int offsetBytes) { return 0x14000000 | ((offsetBytes >> 2) & 0x3FFFFFF); }
    static int bl(int offsetBytes) { return 0x94000000 | ((offsetBytes >> 2) & 0x3FFFFFF); }
    static int bcond(int cond, int offsetBytes) { return 0x54000000 | (((offsetBytes >> 2) & 0x7FFFF) << 5) | cond; }
    static int br(int rn) { return 0xD61F0000 | (rn << 5); }
    static final int RET = 0xD65F03C0;
    static final int ERET = 0xD69F03E0;
    static final int NOP = 0xD503201F;
    static final int WFI = 0xD503207F;
    static int svc(int imm) { return 0xD4000001 | (imm << 5); }
    static int hvc(int imm) { return 0xD4000002 | (imm << 5); }
    static int smc(int imm) { return 0xD4000003 | (imm << 5); }
    static int brk(int imm) { return 0xD4200000 | (imm << 5); }
    /** MSR (register): op0 in 2..3. */
    static int msr(int op0, int op1, int crn, int crm, int op2, int rt) {
        return 0xD5000000 | (op0 << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt;
    }
    static int mrs(int op0, int op1, int crn, int crm, int op2, int rt) {
        return msr(op0, op1, crn, crm, op2, rt) | (1 << 21);
    }
    static int sys(int op1, int crn, int crm, int op2, int rt) {
        return 0xD5080000 | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt;
    }
    static int ldrX(int rt, int rn, int offset) { return 0xF9400000 | ((offset / 8) << 10) | (rn << 5) | rt; }
    static int strX(int rt, int rn, int offset) { return 0xF9000000 | ((offset / 8) << 10) | (rn << 5) | rt; }
    static int strW(int rt, int rn, int offset) { return 0xB9000000 | ((offset / 4) << 10) | (rn << 5) | rt; }
    static int msrDaifClr(int imm) { return 0xD50340FF | (imm << 8); }
    static final int MSR_SCTLR_X0 = msr(3, 0, 1, 0, 0, 0);
}
