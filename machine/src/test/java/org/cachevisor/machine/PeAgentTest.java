package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.MemoryObserver;
import org.junit.jupiter.api.Test;

/** A hypervisor names the vCPU a PE runs: every access of the PE is then attributed to that agent. */
class PeAgentTest {
    @Test
    void setAgent_vcpuAgent_loadsStoresAndFetchesCarryIt() {
        TestGuest g = new TestGuest();
        int vcpu = g.mem.agents().register(Agents.Kind.VCPU, "VM1.vCPU0", 1);
        List<int[]> seen = new ArrayList<>(); // {agent, kind}
        g.mem.addObserver(new MemoryObserver() {
            @Override public void onRead(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi, int source) {
                seen.add(new int[] {agent, kind});
            }
            @Override public void onWrite(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {
                seen.add(new int[] {agent, kind});
            }
        });
        // str x1, [x0]; ldr x2, [x0]   (0xf9000001, 0xf9400002: Arm ARM STR/LDR (immediate, unsigned offset))
        g.code(0x1000, 0xf9000001, 0xf9400002);
        g.pe.reset(0x1000);
        g.pe.setX(0, 0x8000);
        g.pe.setX(1, 0x1234);
        g.pe.setAgent(vcpu);
        g.pe.run(2);
        assertThat(g.pe.x(2)).isEqualTo(0x1234);
        assertThat(seen).extracting(a -> a[1]).contains(AccessKind.FETCH, AccessKind.STORE, AccessKind.LOAD);
        assertThat(seen).allSatisfy(a -> assertThat(a[0]).isEqualTo(vcpu));

        seen.clear();
        g.pe.setAgent(g.pe.index());
        g.pe.setPc(0x1004);
        g.pe.run(1);
        assertThat(seen).isNotEmpty().allSatisfy(a -> assertThat(a[0]).isEqualTo(0));
    }

    @Test
    void setAgent_unknownId_rejectedAndUnchanged() {
        TestGuest g = new TestGuest();
        assertThatThrownBy(() -> g.pe.setAgent(999)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("999");
        assertThat(g.pe.agent()).isEqualTo(0);
    }
}
