package org.cachevisor.isa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The catalogue against encodings taken from GNU as output (mrs x0, <name>) and the Arm ARM. */
class SysRegsTest {
    @Test
    void lookup_sctlrEl1_isOp3_0_1_0_0() {
        // "mrs x0, sctlr_el1" assembles to 0xd5381000: op0=3 op1=0 CRn=1 CRm=0 op2=0
        SysRegs.SysReg r = SysRegs.byName("SCTLR_EL1");
        assertThat(r).isNotNull();
        assertThat(SysRegs.key(r.op0(), r.op1(), r.crn(), r.crm(), r.op2())).isEqualTo((0xd5381000 >>> 5) & 0xffff);
    }

    @Test
    void displayName_unknownEncoding_isGenericLikeObjdump() {
        assertThat(SysRegs.displayName(3, 0, 15, 0, 0, true)).isEqualTo("s3_0_c15_c0_0");
        assertThat(SysRegs.displayName(3, 3, 4, 2, 0, true)).isEqualTo("nzcv");
    }

    @Test
    void byName_registersTheMachineNeeds_areAllCatalogued() {
        for (String n : new String[] {"CTR_EL0", "CLIDR_EL1", "CSSELR_EL1", "CCSIDR_EL1", "DCZID_EL0", "MIDR_EL1", "MPIDR_EL1",
                "CNTFRQ_EL0", "CNTVCT_EL0", "CNTPCT_EL0", "TPIDR_EL0", "TPIDR_EL1", "TPIDRRO_EL0", "SP_EL0", "SPSel", "DAIF", "NZCV",
                "CurrentEL", "ELR_EL1", "SPSR_EL1", "VBAR_EL1", "PAR_EL1", "CONTEXTIDR_EL1", "CPACR_EL1", "HCR_EL2", "VTTBR_EL2",
                "TTBR0_EL1", "TCR_EL1", "MAIR_EL1", "ESR_EL1", "FAR_EL1", "AFSR0_EL1", "AMAIR_EL1", "ID_AA64MMFR0_EL1"}) {
            assertThat(SysRegs.byName(n)).as(n).isNotNull();
        }
    }
}
