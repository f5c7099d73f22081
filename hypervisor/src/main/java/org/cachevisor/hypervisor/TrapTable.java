package org.cachevisor.hypervisor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.memsys.Maintenance;

/**
 * The trapped system registers and system instructions (ESR_EL2.EC = 0x18) with their handlers, as
 * KVM's {@code sys_reg_descs[]}: one row per encoding (op0, op1, CRn, CRm, op2), <b>sorted by encoding
 * and unique, checked when the table is built</b> (as KVM's {@code check_sysreg_table} does at init),
 * looked up by binary search.
 *
 * <p>Rows:
 * <ul>
 *   <li>DC ISW, DC CSW, DC CISW (HCR_EL2.TSW): handed to {@link Policy#onSetWay} with the operand.</li>
 *   <li>The eleven VM registers of HCR_EL2.TVM/TRVM (SCTLR_EL1, TTBR0_EL1, TTBR1_EL1, TCR_EL1, ESR_EL1,
 *   FAR_EL1, AFSR0_EL1, AFSR1_EL1, MAIR_EL1, AMAIR_EL1, CONTEXTIDR_EL1): a write is stored into the
 *   vCPU's register (the guest sees its own value, as KVM's {@code access_vm_reg} writes
 *   {@code vcpu_sys_reg}), then {@link Policy#onVmRegisterWrite} runs; a read returns the vCPU's value.</li>
 *   <li>ACTLR_EL1 (HCR_EL2.TACR): reads as 0, writes ignored (KVM: {@code access_actlr}, which reports
 *   a value chosen by the host).</li>
 * </ul>
 * An encoding without a row is UNDEFINED to the guest (KVM injects an undefined-instruction exception).
 */
public final class TrapTable {
    /** What a trapped access does, given the row, direction and transfer register. */
    @FunctionalInterface
    public interface Handler {
        /** Emulates the access on {@code vcpu}; the PC is advanced by the caller afterwards. */
        void access(KvmVcpu vcpu, Row row, boolean read, int rt);
    }

    /**
     * One row. {@code sysRegId} is the machine's SysRegs id of the register (-1 for a system
     * instruction); {@code kind} is how the trap is counted.
     */
    public record Row(int key, String name, int sysRegId, Costs.Trap kind, Handler handler) {}

    private final Row[] rows;
    private final int[] keys;

    /**
     * Builds the table from rows given in encoding order.
     *
     * @throws IllegalStateException if two rows are out of order or share an encoding (naming both)
     */
    public TrapTable(List<Row> given) {
        rows = given.toArray(new Row[0]);
        keys = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            keys[i] = rows[i].key();
            if (i > 0 && keys[i] <= keys[i - 1]) {
                throw new IllegalStateException("trap table not sorted by encoding: " + rows[i - 1].name() + " ("
                        + SysRegs.describeKey(keys[i - 1]) + ") before " + rows[i].name() + " (" + SysRegs.describeKey(keys[i]) + ")"
                        + (keys[i] == keys[i - 1] ? ": duplicate encoding" : ""));
            }
        }
    }

    /** The row for an encoding, or null. */
    public Row lookup(int key) {
        int lo = 0, hi = keys.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < key) lo = mid + 1;
            else if (keys[mid] > key) hi = mid - 1;
            else return rows[mid];
        }
        return null;
    }

    /** The rows in table order. */
    public List<Row> rows() { return Collections.unmodifiableList(List.of(rows)); }

    /** The key of a trapped MSR/MRS/SYS from the ESR_EL2 ISS (Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] CRm[4:1]). */
    public static int keyOfIss(long iss) {
        int op0 = (int) (iss >>> 20) & 3, op2 = (int) (iss >>> 17) & 7, op1 = (int) (iss >>> 14) & 7,
                crn = (int) (iss >>> 10) & 0xF, crm = (int) (iss >>> 1) & 0xF;
        return SysRegs.key(op0, op1, crn, crm, op2);
    }

    // ---- the standard table

    private static final Handler VM_REGISTER = (vcpu, row, read, rt) -> {
        if (read) {
            vcpu.setX(rt, vcpu.sysRegById(row.sysRegId()));
        } else {
            long old = vcpu.sysRegById(row.sysRegId());
            long value = rt == 31 ? 0 : vcpu.x(rt);
            vcpu.writeSysRegById(row.sysRegId(), value);
            vcpu.vm().hypervisor().policy().onVmRegisterWrite(vcpu, row.sysRegId(), old, value);
        }
    };

    private static Handler setWay(int op) {
        return (vcpu, row, read, rt) -> vcpu.vm().hypervisor().policy().onSetWay(vcpu, op, rt == 31 ? 0 : vcpu.x(rt));
    }

    private static final Handler RAZ_WI = (vcpu, row, read, rt) -> {
        if (read) vcpu.setX(rt, 0);
    };

    private static Row vm(int id) {
        SysRegs.Reg r = SysRegs.byId(id);
        return new Row(r.key(), r.name(), id, Costs.Trap.VM_REGISTER, VM_REGISTER);
    }

    /** The table KVM-style hypervisors here use (see the class comment). */
    public static TrapTable standard() {
        List<Row> t = new ArrayList<>();
        t.add(new Row(SysRegs.key(1, 0, 7, 6, 2), "DC ISW", -1, Costs.Trap.SET_WAY, setWay(Maintenance.DC_ISW)));
        t.add(new Row(SysRegs.key(1, 0, 7, 10, 2), "DC CSW", -1, Costs.Trap.SET_WAY, setWay(Maintenance.DC_CSW)));
        t.add(new Row(SysRegs.key(1, 0, 7, 14, 2), "DC CISW", -1, Costs.Trap.SET_WAY, setWay(Maintenance.DC_CISW)));
        t.add(vm(SysRegs.SCTLR_EL1));
        t.add(new Row(SysRegs.byId(SysRegs.ACTLR_EL1).key(), "ACTLR_EL1", SysRegs.ACTLR_EL1, Costs.Trap.OTHER_SYSREG, RAZ_WI));
        t.add(vm(SysRegs.TTBR0_EL1));
        t.add(vm(SysRegs.TTBR1_EL1));
        t.add(vm(SysRegs.TCR_EL1));
        t.add(vm(SysRegs.AFSR0_EL1));
        t.add(vm(SysRegs.AFSR1_EL1));
        t.add(vm(SysRegs.ESR_EL1));
        t.add(vm(SysRegs.FAR_EL1));
        t.add(vm(SysRegs.MAIR_EL1));
        t.add(vm(SysRegs.AMAIR_EL1));
        t.add(vm(SysRegs.CONTEXTIDR_EL1));
        return new TrapTable(t);
    }
}
