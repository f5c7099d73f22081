/**
 * The MMU of the EL1&amp;0 translation regime: stage 1 and stage 2 table walks through the memory
 * system, memory attributes, TLBs, AT and faults as data.
 *
 * <ul>
 *   <li>{@link org.cachevisor.machine.mmu.Mmu}: one per PE; {@code translate(va, access, el)} is the
 *   per-access call (micro-TLB hit: one compare and one add), {@code at}, {@code tlbi},
 *   {@code dcIvacIsCivac}.</li>
 *   <li>{@link org.cachevisor.machine.mmu.TranslationContext}: the register values (SCTLR_EL1,
 *   TCR_EL1, TTBR0/1_EL1, MAIR_EL1, HCR_EL2, VTTBR_EL2, VTCR_EL2).</li>
 *   <li>{@link org.cachevisor.machine.mmu.Tlb} (combined leaf entries), {@link org.cachevisor.machine.mmu.TlbDomain}
 *   (the Inner Shareable domain for {@code TLBI ...IS}), {@link org.cachevisor.machine.mmu.Tlbi} (operations
 *   and their encodings).</li>
 *   <li>{@link org.cachevisor.machine.mmu.FaultRecord}: a fault and its ESR_EL1 / ESR_EL2 / HPFAR_EL2 /
 *   PAR_EL1 encodings; {@link org.cachevisor.machine.mmu.MemAttrs}: attribute decoding and combination;
 *   {@link org.cachevisor.machine.mmu.TableBuilder}: writes tables into simulated RAM.</li>
 * </ul>
 *
 * <h2>How the PE uses it</h2>
 * {@code org.cachevisor.machine.Pe} does the following ({@code syncMmu}, {@code translateData},
 * {@code translateCmo}, {@code translationFault}, the TLBI and AT cases of {@code sysInstruction});
 * the hypervisor sets VTTBR_EL2/VTCR_EL2 through {@code Pe.setVttbrEl2}/{@code setVtcrEl2}, reads
 * {@code Pe.el2Far()}/{@code hpfarEl2()} after a stage-2 abort, and issues the EL2 TLBI forms with
 * {@code Platform.tlbDomain().invalidateAll} (IS) or {@code Pe.mmu().tlbi}.
 * <ol>
 *   <li>Construction: one {@code TlbDomain} per platform; per PE {@code new Mmu(mem, pe, tlb, domain)}
 *   after {@code domain.add(tlb)}. {@code setAgent} when a different agent (vCPU) runs on the PE.</li>
 *   <li>Context: after every write of SCTLR_EL1, TCR_EL1, TTBR0_EL1, TTBR1_EL1, MAIR_EL1 (MSR) and of
 *   HCR_EL2, VTTBR_EL2, VTCR_EL2 (the hypervisor), fill a {@code TranslationContext} and call
 *   {@code setContext}. EL changes need nothing (the EL is an argument).</li>
 *   <li>Loads, stores, fetches: {@code pa = mmu.translate(va, Mmu.LOAD|STORE|FETCH, el)}; on
 *   {@code Mmu.FAULT} take {@code fault()}: stage 1 to EL1 with {@code esrEl1()} and FAR_EL1 = va;
 *   stage 2 to EL2 with {@code esrEl2(FaultRecord.instructionSyndrome(...))} (0 for pairs,
 *   writeback forms, exclusives, SIMD), FAR_EL2 = va, HPFAR_EL2 = {@code hpfarEl2()}. Attributes:
 *   {@code mmu.attrs()}. DC ZVA translates as a STORE.</li>
 *   <li>DC CVAC/CVAU/CIVAC and IC IVAU: {@code translate(va, Mmu.CMO, el)}; DC IVAC:
 *   {@code Mmu.CMO_IVAC}, then DC CIVAC instead when {@code dcIvacIsCivac(el)}.</li>
 *   <li>TLBI: {@code int d = Tlbi.decode(op1, crm, op2)}; {@code mmu.tlbi(d & ~Tlbi.IS, Xt,
 *   (d & Tlbi.IS) != 0 || HCR_EL2.FB)}. AT S1E1R/W, S1E0R/W: {@code par = mmu.at(va, el, write)};
 *   {@code Mmu.FAULT} means a stage-2 fault on the walk, taken to EL2 as above.</li>
 *   <li>PE-side caches of translations (fetched lines keyed by VA) are dropped when
 *   {@code mmu.generation()} changes.</li>
 * </ol>
 */
package org.cachevisor.machine.mmu;
