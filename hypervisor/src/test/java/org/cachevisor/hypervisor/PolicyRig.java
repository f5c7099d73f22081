package org.cachevisor.hypervisor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cachevisor.hypervisor.api.MemorySlot;
import org.cachevisor.hypervisor.api.VcpuInit;
import org.cachevisor.isa.Esr;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.MemoryObserver;

/**
 * A VM under one policy on a {@link TestMachine}, with the guest-side events a policy reacts to driven
 * through the hypervisor's real entry points (stage-2 aborts with hardware syndromes, trapped MSRs and
 * DC set/way through {@link KvmVcpu#handleTrap}), and every DC CIVAC the host issues recorded by line PA.
 */
final class PolicyRig {
    static final long RAM_IPA = 0x4000_0000L;
    /** SCTLR_EL1 values: the reset value 0x00C50078 plus M (bit 0), C (bit 2), I (bit 12). */
    static final long SCTLR_RESET = 0x00C5_0078L, SCTLR_MCI = 0x00C5_107DL, SCTLR_M_ONLY = 0x00C5_0079L,
            SCTLR_C_ONLY = 0x00C5_007CL;
    static final int DFSC_TRANSLATION_L3 = 0x07, FSC_PERMISSION_L3 = 0x0F;

    final TestMachine m;
    final KvmVm vm;
    final List<KvmVcpu> vcpus = new ArrayList<>();
    /** DC CIVAC issued by the host kernel: line PA -> how many times. */
    final Map<Long, Integer> civacLines = new HashMap<>();

    PolicyRig(Policy policy, int vcpuCount, long slotSize, boolean blockMappings) {
        m = new TestMachine(policy);
        m.hyp.setBlockMappings(blockMappings);
        vm = m.hyp.createVm("guest");
        vm.setUserMemoryRegion(new MemorySlot(0, RAM_IPA, slotSize, false));
        for (int i = 0; i < vcpuCount; i++) {
            KvmVcpu v = (KvmVcpu) vm.createVcpu(i);
            v.init(VcpuInit.at(RAM_IPA, 0));
            vcpus.add(v);
        }
        int hostAgent = m.hyp.host().agent();
        m.mem.addObserver(new MemoryObserver() {
            @Override public void onMaintenance(long seq, int pe, int agent, int op, long operand) {
                if (agent == hostAgent && op == Maintenance.DC_CIVAC) civacLines.merge(operand, 1, Integer::sum);
            }
        });
    }

    KvmVcpu vcpu(int i) { return vcpus.get(i); }

    Costs costs() { return m.hyp.costs(); }

    /** A stage-2 translation fault of a data access to {@code ipa} (VA = IPA: the guest's MMU is off or identity). */
    void dataFault(KvmVcpu v, long ipa, boolean write) {
        long esr = Stage2FaultTest.dabt(true, 3, false, 1, true, write, DFSC_TRANSLATION_L3);
        if (vm.handleGuestAbort(v, esr, ipa, Stage2FaultTest.hpfar(ipa)) != null) throw new AssertionError("not a RAM fault");
    }

    /** An instruction abort at {@code ipa}: translation fault, or permission fault if {@code permission}. */
    void execFault(KvmVcpu v, long ipa, boolean permission) {
        long esr = Esr.esr(Esr.EC_IABT_LOWER, true, Esr.instructionAbortIss(false, permission ? FSC_PERMISSION_L3 : DFSC_TRANSLATION_L3));
        if (vm.handleGuestAbort(v, esr, ipa, Stage2FaultTest.hpfar(ipa)) != null) throw new AssertionError("not a RAM fault");
    }

    /** The guest's {@code MSR SCTLR_EL1, X5} trapped by HCR_EL2.TVM (ESR_EL2 EC 0x18, encoding 3,0,1,0,0). */
    void trappedSctlrWrite(KvmVcpu v, long value) {
        v.setX(5, value);
        v.handleTrap(m.platform.pe(v.pe()), TrapTableTest.sysTrap(3, 0, 1, 0, 0, 5, false));
    }

    /** The guest's {@code MSR MAIR_EL1, X5} trapped by HCR_EL2.TVM (encoding 3,0,10,2,0). */
    void trappedMairWrite(KvmVcpu v, long value) {
        v.setX(5, value);
        v.handleTrap(m.platform.pe(v.pe()), TrapTableTest.sysTrap(3, 0, 10, 2, 0, 5, false));
    }

    /** The guest's {@code DC CISW, X6} (set 0, way 0, level 1) trapped by HCR_EL2.TSW (encoding 1,0,7,14,2). */
    void trappedSetWay(KvmVcpu v) {
        v.setX(6, 0);
        v.handleTrap(m.platform.pe(v.pe()), TrapTableTest.sysTrap(1, 0, 7, 14, 2, 6, false));
    }

    /** Every line PA of {@code [pa, pa + size)} for 64-byte lines (the memsys default), as a reference. */
    static List<Long> linesOf(long pa, long size) {
        List<Long> lines = new ArrayList<>();
        for (long linePa = pa; linePa < pa + size; linePa += 64) lines.add(linePa);
        return lines;
    }
}
