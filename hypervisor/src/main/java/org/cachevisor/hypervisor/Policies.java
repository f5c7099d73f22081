package org.cachevisor.hypervisor;

import java.util.List;

/**
 * The seven cache-maintenance policies of mission.md's "Policies" table, and their registry.
 *
 * <p>{@link #ALL} lists them in the table's column order: {@code none}, {@code dc-bit}, {@code at-par},
 * {@code kvm-2014} (the seed), {@code kvm-2015}, {@code kvm-2017}, {@code fwb}. Each is stateless (all
 * state is in the vCPU and VM), so one instance serves any number of hypervisors. Build the machine
 * for a policy with {@link Policy#platformConfig} ({@code fwb} needs CTR_EL0.IDC = 1).
 */
public final class Policies {
    private Policies() {}

    /**
     * {@code none}: KVM/arm64 before the seed (mission.md). No D-cache maintenance on stage-2 faults
     * except KVM's baseline for an executable mapping (every RAM mapping is executable here, as in
     * 2014): clean the page to the PoU and invalidate it from the I-caches before mapping it
     * ({@code coherent_icache_guest_page}). No TVM. A trapped set/way op runs on the local PE (ISW
     * upgraded to CISW, as HCR_EL2.SWIO would) and every other PE is marked to flush its caches the
     * next time this vCPU is loaded there ({@code require_dcache_flush}).
     */
    public static final Policy NONE = new BasePolicy("none") {};

    /** {@code dc-bit}: rejected alternative A, HCR_EL2.DC while the guest's MMU is off ({@link DcBitPolicy}). */
    public static final Policy DC_BIT = new DcBitPolicy();

    /** {@code at-par}: rejected alternative B, stage-1 attributes by AT/PAR_EL1 at each fault ({@link AtParPolicy}). */
    public static final Policy AT_PAR = new AtParPolicy();

    /** {@code kvm-2014}: the seed as merged ({@link KvmPolicy}). */
    public static final Policy KVM_2014 = new KvmPolicy(2014);

    /** {@code kvm-2015}: set/way tracking, unmap flush, re-init reset and unmap ({@link KvmPolicy}). */
    public static final Policy KVM_2015 = new KvmPolicy(2015);

    /** {@code kvm-2017}: always clean to the PoC on translation faults, I-cache on exec faults ({@link KvmPolicy}). */
    public static final Policy KVM_2017 = new KvmPolicy(2017);

    /** {@code fwb}: FEAT_S2FWB, stage 2 forces Write-Back ({@link FwbPolicy}). */
    public static final Policy FWB = new FwbPolicy();

    /** The seven policies in mission.md's column order. */
    public static final List<Policy> ALL = List.of(NONE, DC_BIT, AT_PAR, KVM_2014, KVM_2015, KVM_2017, FWB);

    /** The names of {@link #ALL}, in the same order. */
    public static List<String> names() {
        String[] names = new String[ALL.size()];
        for (int i = 0; i < names.length; i++) names[i] = ALL.get(i).name();
        return List.of(names);
    }

    /**
     * The policy named {@code name} (exactly as mission.md writes it).
     *
     * @throws IllegalArgumentException for an unknown or null name, listing the valid names
     */
    public static Policy byName(String name) {
        for (Policy p : ALL) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException("unknown policy '" + name + "' (valid: " + String.join(", ", names()) + ")");
    }
}
