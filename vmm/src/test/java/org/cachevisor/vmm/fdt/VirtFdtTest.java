package org.cachevisor.vmm.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import org.cachevisor.vmm.board.VirtBoard;
import org.junit.jupiter.api.Test;

class VirtFdtTest {

    @Test
    void build_gicV2TwoCpus_acceptedByDtcWithExpectedNodes() throws Exception {
        VirtBoard board = VirtBoard.create(512L << 20, 2);
        byte[] dtb = VirtFdt.build(board, new VirtFdt.Chosen("console=ttyAMA0 earlycon", 0x4820_0000L, 0x4830_0000L));
        Dtc.Result r = Dtc.decompile(dtb);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).as("dtc warnings").isEmpty();
        String dts = r.dts();
        assertThat(dts).contains("compatible = \"linux,dummy-virt\";")
                .contains("#address-cells = <0x02>;").contains("#size-cells = <0x02>;")
                .contains("interrupt-parent = <0x8001>;");
        assertThat(section(dts, "memory@40000000 {")).contains("device_type = \"memory\";")
                .contains("reg = <0x00 0x40000000 0x00 0x20000000>;");
        String cpus = section(dts, "cpus {");
        assertThat(cpus).contains("cpu@0 {").contains("cpu@1 {").doesNotContain("cpu@2");
        assertThat(section(dts, "cpu@1 {")).contains("compatible = \"arm,cortex-a57\";").contains("device_type = \"cpu\";")
                .contains("reg = <0x01>;").contains("enable-method = \"psci\";");
        assertThat(section(dts, "psci {")).contains("compatible = \"arm,psci-1.0\\0arm,psci-0.2\\0arm,psci\";")
                .contains("method = \"hvc\";");
        String chosen = section(dts, "chosen {");
        assertThat(chosen).contains("stdout-path = \"/pl011@9000000\";").contains("bootargs = \"console=ttyAMA0 earlycon\";")
                .contains("linux,initrd-start = <0x00 0x48200000>;").contains("linux,initrd-end = <0x00 0x48300000>;");
        assertThat(section(dts, "pl011@9000000 {")).contains("compatible = \"arm,pl011\\0arm,primecell\";")
                .contains("reg = <0x00 0x9000000 0x00 0x1000>;").contains("interrupts = <0x00 0x01 0x04>;")
                .contains("clocks = <0x8000 0x8000>;").contains("clock-names = \"uartclk\\0apb_pclk\";");
        assertThat(section(dts, "apb-pclk {")).contains("compatible = \"fixed-clock\";").contains("phandle = <0x8000>;")
                .contains("#clock-cells = <0x00>;").contains("clock-frequency = <0x16e3600>;"); // 24 MHz
        // Timer PPIs 13, 14, 11, 10; flags: level-high (4) with the 2-CPU mask 0b11 in bits 15:8.
        assertThat(section(dts, "timer {")).contains("compatible = \"arm,armv8-timer\\0arm,armv7-timer\";")
                .contains("interrupts = <0x01 0x0d 0x304 0x01 0x0e 0x304 0x01 0x0b 0x304 0x01 0x0a 0x304>;");
        assertThat(section(dts, "intc@8000000 {")).contains("compatible = \"arm,cortex-a15-gic\";").contains("interrupt-controller;")
                .contains("#interrupt-cells = <0x03>;").contains("phandle = <0x8001>;")
                .contains("reg = <0x00 0x8000000 0x00 0x10000 0x00 0x8010000 0x00 0x10000>;");
        assertThat(section(dts, "flash@0 {")).contains("compatible = \"cfi-flash\";").contains("bank-width = <0x04>;")
                .contains("reg = <0x00 0x00 0x00 0x4000000 0x00 0x4000000 0x00 0x4000000>;");
        assertThat(section(dts, "pl031@9010000 {")).contains("compatible = \"arm,pl031\\0arm,primecell\";");
    }

    @Test
    void build_gicV3_redistributorAndPlainPpiFlags() throws Exception {
        VirtBoard board = VirtBoard.create(1L << 30, 20, VirtBoard.GicVersion.V3);
        Dtc.Result r = Dtc.decompile(VirtFdt.build(board, VirtFdt.Chosen.NONE));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        // The whole redistributor window 0x80a0000 + 0xf60000 (room for 123 redistributors of 128 KiB).
        assertThat(section(r.dts(), "intc@8000000 {")).contains("compatible = \"arm,gic-v3\";")
                .contains("reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0xf60000>;");
        assertThat(r.dts()).contains("cpu@f {").contains("cpu@103 {").doesNotContain("cpu@104").contains("interrupts = <0x01 0x0d 0x04 0x01 0x0e 0x04");
        String chosen = section(r.dts(), "chosen {");
        assertThat(chosen).doesNotContain("initrd").doesNotContain("bootargs");
    }

    /** The text from {@code header} to the matching closing brace. */
    static String section(String dts, String header) {
        int start = dts.indexOf(header);
        assertThat(start).as("dts has " + header).isNotNegative();
        int depth = 0;
        for (int i = start; i < dts.length(); i++) {
            char c = dts.charAt(i);
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return dts.substring(start, i + 1);
        }
        throw new AssertionError("unbalanced " + header);
    }
}
