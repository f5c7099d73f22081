package org.cachevisor.vmm.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cachevisor.vmm.board.VirtBoard;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Compares our virt device tree with the one QEMU writes for the same configuration
 * ({@code qemu-system-aarch64 -M virt,dumpdtb=FILE}): for every node we emit that QEMU also has, every
 * property we write must appear with the same value in QEMU's node (both decompiled by dtc). Phandle
 * values are QEMU's allocation order and are left out. Skipped, with a message, without QEMU or dtc.
 */
class QemuDtbDifferentialTest {

    @Test
    void virtGicV2TwoCpus_sameNodesAndPropertiesAsQemu() throws Exception {
        compare(VirtBoard.create(512L << 20, 2), "virt", 2, 512);
    }

    @Test
    void virtGicV3TwentyCpus_sameNodesAndPropertiesAsQemu() throws Exception {
        compare(VirtBoard.create(1L << 30, 20, VirtBoard.GicVersion.V3), "virt,gic-version=3", 20, 1024);
    }

    private static void compare(VirtBoard board, String machine, int smp, int megabytes) throws Exception {
        String qemu = find("qemu-system-aarch64");
        if (qemu == null) {
            System.err.println("SKIPPED: qemu-system-aarch64 not found; virt FDT not compared with QEMU's");
            Assumptions.assumeTrue(false, "qemu-system-aarch64 not found");
        }
        Path out = Files.createTempFile("qemu-virt", ".dtb");
        try {
            Process p = new ProcessBuilder(qemu, "-M", machine + ",dumpdtb=" + out, "-cpu", "cortex-a57", "-smp", Integer.toString(smp),
                    "-m", Integer.toString(megabytes), "-nographic", "-nodefaults").redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(log).isZero();
            String qemuDts = Dtc.decompile(Files.readAllBytes(out)).dts();
            String ourDts = Dtc.decompile(VirtFdt.build(board, VirtFdt.Chosen.NONE)).dts();
            List<String> nodes = new ArrayList<>(List.of("psci {", "memory@40000000 {", "flash@0 {", "apb-pclk {", "intc@8000000 {",
                    "pl011@9000000 {", "pl031@9010000 {", "timer {", "cpus {"));
            for (int i = 0; i < board.vcpus(); i++) nodes.add(String.format("cpu@%x {", board.mpidrAffinity(i)));
            int compared = 0;
            for (String node : nodes) {
                List<String> ours = properties(VirtFdtTest.section(ourDts, node));
                String qemuNode = node.startsWith("cpu@") ? qemuCpuNode(qemuDts, node) : VirtFdtTest.section(qemuDts, node);
                List<String> theirs = properties(qemuNode);
                for (String prop : ours) {
                    if (prop.startsWith("phandle =") || prop.startsWith("interrupt-parent =")) continue;
                    assertThat(theirs).as("QEMU's %s has our %s", node, prop).contains(prop);
                    compared++;
                }
            }
            assertThat(properties(rootOnly(ourDts))).allSatisfy(prop -> {
                if (!prop.startsWith("interrupt-parent")) assertThat(properties(rootOnly(qemuDts))).contains(prop);
            });
            assertThat(VirtFdtTest.section(qemuDts, "chosen {")).contains("stdout-path = \"/pl011@9000000\";");
            assertThat(compared).isGreaterThan(30);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** QEMU names CPU nodes cpu@<decimal index>; find the one whose reg matches ours. */
    private static String qemuCpuNode(String qemuDts, String ourHeader) {
        String unit = ourHeader.substring(4, ourHeader.length() - 2);
        String reg = "reg = <0x" + (unit.length() == 1 ? "0" + unit : unit) + ">;";
        int from = 0;
        while (true) {
            int i = qemuDts.indexOf("cpu@", from);
            assertThat(i).as("QEMU has a cpu node with " + reg).isNotNegative();
            int brace = qemuDts.indexOf('{', i);
            String header = qemuDts.substring(i, brace + 1);
            if (!header.contains(" ")) { from = brace; continue; }
            String section = VirtFdtTest.section(qemuDts.substring(i), header);
            if (section.contains(reg)) return section;
            from = brace;
        }
    }

    /** The property lines directly in a node's section (not in its children). */
    private static List<String> properties(String section) {
        List<String> props = new ArrayList<>();
        int depth = 0;
        for (String line : section.split("\n")) {
            String t = line.trim();
            if (t.endsWith("{")) { depth++; continue; }
            if (t.startsWith("}")) { depth--; continue; }
            if (depth == 1 && t.endsWith(";")) props.add(t);
        }
        return props;
    }

    private static String rootOnly(String dts) {
        return VirtFdtTest.section(dts, "/ {");
    }

    private static String find(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, exe);
            if (f.canExecute()) return f.getPath();
        }
        return null;
    }
}
