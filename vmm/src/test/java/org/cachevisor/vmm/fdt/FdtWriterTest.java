package org.cachevisor.vmm.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FdtWriterTest {

    private static int u32(byte[] b, int off) { return ByteBuffer.wrap(b).getInt(off); }

    @Test
    void write_minimalTree_headerAndBlocksAsSpecifiedByHand() {
        FdtNode root = FdtNode.root();
        root.propU32("#address-cells", 2);
        root.addChild("a@1").propString("s", "xy");
        byte[] dtb = FdtWriter.write(root, List.of(new FdtWriter.Reservation(0x1000, 0x2000)), 3);
        /* Hand layout: header 40 bytes; reservation map at 40 (8-aligned): one entry + terminator = 32 bytes
         * -> struct at 72. Struct: BEGIN_NODE "" (4 + 4) = 8; PROP #address-cells: 12 + 4 = 16;
         * BEGIN_NODE "a@1\0" = 8; PROP s "xy\0" pad to 4: 12 + 4 = 16; END_NODE 4; END_NODE 4; END 4
         * -> 60 bytes. Strings "#address-cells\0s\0" = 17 bytes at 132. Total 149. */
        assertThat(u32(dtb, 0)).isEqualTo(0xD00DFEED);
        assertThat(u32(dtb, 4)).isEqualTo(149);
        assertThat(dtb.length).isEqualTo(149);
        assertThat(u32(dtb, 8)).isEqualTo(72);    // off_dt_struct
        assertThat(u32(dtb, 12)).isEqualTo(132);  // off_dt_strings
        assertThat(u32(dtb, 16)).isEqualTo(40);   // off_mem_rsvmap
        assertThat(u32(dtb, 20)).isEqualTo(17);
        assertThat(u32(dtb, 24)).isEqualTo(16);
        assertThat(u32(dtb, 28)).isEqualTo(3);    // boot_cpuid_phys
        assertThat(u32(dtb, 32)).isEqualTo(17);   // size_dt_strings
        assertThat(u32(dtb, 36)).isEqualTo(60);   // size_dt_struct
        assertThat(ByteBuffer.wrap(dtb).getLong(40)).isEqualTo(0x1000);
        assertThat(ByteBuffer.wrap(dtb).getLong(48)).isEqualTo(0x2000);
        assertThat(ByteBuffer.wrap(dtb).getLong(56)).isZero();
        assertThat(ByteBuffer.wrap(dtb).getLong(64)).isZero();
        assertThat(u32(dtb, 72)).isEqualTo(1);    // FDT_BEGIN_NODE
        assertThat(u32(dtb, 76)).isZero();        // "" padded
        assertThat(u32(dtb, 80)).isEqualTo(3);    // FDT_PROP
        assertThat(u32(dtb, 84)).isEqualTo(4);    // len
        assertThat(u32(dtb, 88)).isEqualTo(0);    // nameoff
        assertThat(u32(dtb, 92)).isEqualTo(2);
        assertThat(u32(dtb, 96)).isEqualTo(1);
        assertThat(new String(dtb, 100, 3)).isEqualTo("a@1");
        assertThat(u32(dtb, 104)).isEqualTo(3);
        assertThat(u32(dtb, 108)).isEqualTo(3);   // "xy\0"
        assertThat(u32(dtb, 112)).isEqualTo(15);  // "s" after "#address-cells\0"
        assertThat(new String(dtb, 116, 2)).isEqualTo("xy");
        assertThat(dtb[118]).isZero();
        assertThat(dtb[119]).isZero();            // padding
        assertThat(u32(dtb, 120)).isEqualTo(2);
        assertThat(u32(dtb, 124)).isEqualTo(2);
        assertThat(u32(dtb, 128)).isEqualTo(9);   // FDT_END
        assertThat(new String(dtb, 132, 17)).isEqualTo("#address-cells\0s\0");
    }

    @Test
    void write_samePropertyNameTwice_storedOnceInStrings() {
        FdtNode root = FdtNode.root();
        root.addChild("a").propString("compatible", "x");
        root.addChild("b").propString("compatible", "y");
        byte[] dtb = FdtWriter.write(root);
        assertThat(u32(dtb, 32)).isEqualTo("compatible\0".length());
    }

    @Test
    void write_decompiledByDtc_sameContent() throws Exception {
        FdtNode root = FdtNode.root();
        root.propU32("#address-cells", 1);
        root.propU32("#size-cells", 0);
        root.propStrings("compatible", "x,one", "x,two");
        FdtNode n = root.addChild("node@10");
        n.propU32("reg", 0x10);
        n.propEmpty("flag");
        n.propU64("big", 0x1_2345_6789L);
        byte[] dtb = FdtWriter.write(root);
        Dtc.Result r = Dtc.decompile(dtb);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.dts()).contains("compatible = \"x,one\\0x,two\";")
                .contains("node@10 {").contains("reg = <0x10>;").contains("flag;").contains("big = <0x01 0x23456789>;");
    }

    @Test
    void names_invalidOrDuplicate_refusedBeforeChange() {
        FdtNode root = FdtNode.root();
        assertThatThrownBy(() -> root.addChild("bad name")).hasMessageContaining("invalid character ' '");
        assertThatThrownBy(() -> root.addChild("a234567890123456789012345678901234")).hasMessageContaining("1 to 31");
        assertThatThrownBy(() -> root.addChild("x@")).hasMessageContaining("empty unit address");
        assertThatThrownBy(() -> root.propU32("bad/name", 1)).hasMessageContaining("invalid character '/'");
        root.addChild("dup");
        assertThatThrownBy(() -> root.addChild("dup")).hasMessageContaining("already has a child dup");
        root.propU32("p", 1);
        assertThatThrownBy(() -> root.propU32("p", 2)).hasMessageContaining("already has a property p");
        assertThat(root.children()).hasSize(1);
        assertThat(root.properties()).hasSize(1);
        assertThatThrownBy(() -> root.propString("s", "a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void write_zeroSizeReservation_refused() {
        assertThatThrownBy(() -> FdtWriter.write(FdtNode.root(), List.of(new FdtWriter.Reservation(0x1000, 0)), 0))
                .hasMessageContaining("size 0");
    }
}
