package org.cachevisor.vmm.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.fdt.VirtFdt;
import org.junit.jupiter.api.Test;

class LoaderTest {
    static final VirtBoard BOARD = VirtBoard.create(256L << 20, 1); // RAM [0x4000_0000, 0x5000_0000)

    // ---------------------------------------------------------------- raw

    @Test
    void raw_insideRam_onePlacementEntryAtLoadAddress() {
        byte[] image = {1, 2, 3, 4};
        LoadPlan p = RawLoader.plan(image, 0x4008_0000L, BOARD);
        assertThat(p.placements()).hasSize(1);
        assertThat(p.placements().get(0).ipa()).isEqualTo(0x4008_0000L);
        assertThat(p.placements().get(0).bytes()).containsExactly(1, 2, 3, 4);
        assertThat(p.entryPc()).isEqualTo(0x4008_0000L);
        assertThat(p.bootRegisters()).containsExactly(0, 0, 0, 0);
        image[0] = 9; // the plan owns a copy
        assertThat(p.placements().get(0).bytes()[0]).isEqualTo((byte) 1);
    }

    @Test
    void raw_malformed_oneLineErrors() {
        assertThatThrownBy(() -> RawLoader.plan(new byte[0], 0x4000_0000L, BOARD)).hasMessage("raw image: empty");
        assertThatThrownBy(() -> RawLoader.plan(new byte[4], 0x4000_0002L, BOARD)).hasMessageContaining("not 4-byte aligned");
        assertThatThrownBy(() -> RawLoader.plan(new byte[8], 0x4FFF_FFFCL, BOARD))
                .hasMessage("raw image: [0x4ffffffc, 0x50000004) is outside RAM [0x40000000, 0x50000000)");
        assertThatThrownBy(() -> RawLoader.plan(new byte[8], 0x0900_0000L, BOARD)).hasMessageContaining("outside RAM");
    }

    // ---------------------------------------------------------------- ELF

    /** One program header for {@link #elf}. */
    record Ph(int type, long offset, long va, long pa, long fileSize, long memSize) { }

    /** A minimal ELF64 AArch64 file: header, program headers at 64, then {@code payload} at offset 0x100. */
    static byte[] elf(int type, long entry, byte[] payload, Ph... phs) {
        byte[] b = new byte[0x100 + payload.length];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        b[0] = 0x7F; b[1] = 'E'; b[2] = 'L'; b[3] = 'F'; b[4] = 2; b[5] = 1; b[6] = 1;
        bb.putShort(16, (short) type);
        bb.putShort(18, (short) 183);
        bb.putInt(20, 1);
        bb.putLong(24, entry);
        bb.putLong(32, 64);          // e_phoff
        bb.putShort(52, (short) 64); // e_ehsize
        bb.putShort(54, (short) 56);
        bb.putShort(56, (short) phs.length);
        for (int i = 0; i < phs.length; i++) {
            int o = 64 + i * 56;
            Ph p = phs[i];
            bb.putInt(o, p.type()); bb.putInt(o + 4, 5); bb.putLong(o + 8, p.offset()); bb.putLong(o + 16, p.va());
            bb.putLong(o + 24, p.pa()); bb.putLong(o + 32, p.fileSize()); bb.putLong(o + 40, p.memSize()); bb.putLong(o + 48, 0x1000);
        }
        System.arraycopy(payload, 0, b, 0x100, payload.length);
        return b;
    }

    @Test
    void elf_twoSegmentsWithBss_placedAtPaZeroFilledEntryTranslated() {
        byte[] payload = {10, 11, 12, 13, 14, 15, 16, 17};
        byte[] file = elf(2, 0xFFFF_0000_0001_0004L, payload,
                new Ph(1, 0x100, 0xFFFF_0000_0000_0000L, 0x4000_0000L, 4, 4),
                new Ph(4, 0, 0, 0, 0, 0),                                   // PT_NOTE: ignored
                new Ph(1, 0x104, 0xFFFF_0000_0001_0000L, 0x4001_0000L, 4, 12)); // 8 bytes of .bss
        LoadPlan p = ElfLoader.plan(file, BOARD);
        assertThat(p.placements()).hasSize(2);
        assertThat(p.placements().get(0).ipa()).isEqualTo(0x4000_0000L);
        assertThat(p.placements().get(0).bytes()).containsExactly(10, 11, 12, 13);
        assertThat(p.placements().get(1).ipa()).isEqualTo(0x4001_0000L);
        assertThat(p.placements().get(1).bytes()).containsExactly(14, 15, 16, 17, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(p.entryPc()).isEqualTo(0x4001_0004L);
        assertThat(p.bootRegisters()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void elf_malformedOrUnplaceable_oneLineErrors() {
        byte[] payload = new byte[16];
        assertThatThrownBy(() -> ElfLoader.plan(new byte[10], BOARD)).hasMessageContaining("ELF: file too short");
        assertThatThrownBy(() -> ElfLoader.plan(elf(1, 0x4000_0000L, payload, new Ph(1, 0x100, 0x4000_0000L, 0x4000_0000L, 16, 16)), BOARD))
                .hasMessageContaining("type 1 is not an executable");  // ET_REL, refused by ElfReader
        assertThatThrownBy(() -> ElfLoader.plan(elf(2, 0x0, payload, new Ph(1, 0x100, 0, 0x100, 16, 16)), BOARD))
                .hasMessage("ELF: segment 0 [pa 0x100, 0x110) is outside RAM [0x40000000, 0x50000000)");
        assertThatThrownBy(() -> ElfLoader.plan(elf(2, 0x5000_0000L, payload, new Ph(1, 0x100, 0x4000_0000L, 0x4000_0000L, 16, 16)), BOARD))
                .hasMessageContaining("entry point 0x50000000 is outside every loaded segment");
        assertThatThrownBy(() -> ElfLoader.plan(elf(2, 0x4000_0000L, payload,
                new Ph(1, 0x100, 0x4000_0000L, 0x4000_0000L, 16, 16), new Ph(1, 0x100, 0x4000_0008L, 0x4000_0008L, 8, 8)), BOARD))
                .hasMessageContaining("overlaps");
        assertThatThrownBy(() -> ElfLoader.plan(elf(2, 0x4000_0000L, payload, new Ph(1, 0x100, 0x4000_0000L, 0x4000_0000L, 64, 64)), BOARD))
                .hasMessageContaining("extends past the end of the file");
        assertThatThrownBy(() -> ElfLoader.plan(elf(2, 0x4000_0000L, payload, new Ph(4, 0, 0, 0, 0, 0)), BOARD))
                .hasMessageContaining("no PT_LOAD segment");
    }

    @Test
    void elf_positionIndependent_placedAtLinkAddresses() {
        LoadPlan p = ElfLoader.plan(elf(3, 0x4000_0000L, new byte[] {1, 2, 3, 4}, new Ph(1, 0x100, 0x4000_0000L, 0x4000_0000L, 4, 4)), BOARD);
        assertThat(p.placements().get(0).ipa()).isEqualTo(0x4000_0000L);
        assertThat(p.entryPc()).isEqualTo(0x4000_0000L);
    }

    // ---------------------------------------------------------------- Linux Image

    /** A fake Image: the 64-byte header followed by filler up to {@code length} bytes. */
    static byte[] image(long textOffset, long imageSize, long flags, int length) {
        byte[] b = new byte[length];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, 0x9100_0000);   // code0
        bb.putLong(0x08, textOffset);
        bb.putLong(0x10, imageSize);
        bb.putLong(0x18, flags);
        b[0x38] = 'A'; b[0x39] = 'R'; b[0x3A] = 'M'; b[0x3B] = 0x64;
        for (int i = 64; i < length; i++) b[i] = (byte) i;
        return b;
    }

    @Test
    void linuxHeader_fields_decodedPerBootingRst() {
        LinuxImageLoader.Header h = LinuxImageLoader.parseHeader(image(0, 0x2000_000, 0b1010, 4096)); // 4K pages, anywhere
        assertThat(h.textOffset()).isZero();
        assertThat(h.imageSize()).isEqualTo(0x2000_000);
        assertThat(h.pageSizeKiB()).isEqualTo(4);
        assertThat(h.placeAnywhere()).isTrue();
        assertThat(LinuxImageLoader.parseHeader(image(0x80000, 0x100000, 0b0110, 4096)).pageSizeKiB()).isEqualTo(64);
        // image_size 0: a pre-3.17 kernel, text_offset assumed to be 0x80000
        assertThat(LinuxImageLoader.parseHeader(image(0, 0, 0, 4096)).textOffset()).isEqualTo(0x80000);
    }

    @Test
    void linux_withInitrd_kernelAtTextOffsetInitrdAndDtbOn2MiBBoundariesX0Dtb() {
        byte[] kernel = image(0x80000, 0x0150_0000L, 0b1010, 8192);    // 21 MiB image_size
        byte[] initrd = new byte[3 << 20];
        initrd[0] = 0x1F;
        LoadPlan p = LinuxImageLoader.plan(kernel, initrd, "console=ttyAMA0", BOARD);
        // kernel: 0x4000_0000 + 0x80000; end 0x4008_0000 + 0x150_0000 = 0x4158_0000
        // initrd: next 2 MiB boundary 0x4160_0000, end 0x4190_0000; DTB: next 2 MiB boundary 0x41A0_0000
        assertThat(p.placement("kernel").ipa()).isEqualTo(0x4008_0000L);
        assertThat(p.placement("kernel").bytes()).isEqualTo(kernel);
        assertThat(p.placement("initrd").ipa()).isEqualTo(0x4160_0000L);
        assertThat(p.placement("dtb").ipa()).isEqualTo(0x41A0_0000L);
        assertThat(p.entryPc()).isEqualTo(0x4008_0000L);
        assertThat(p.bootRegisters()).containsExactly(0x41A0_0000L, 0, 0, 0);
        byte[] dtb = p.placement("dtb").bytes();
        assertThat(ByteBuffer.wrap(dtb).getInt(0)).isEqualTo(0xD00DFEED);
        assertThat(dtb.length).isLessThanOrEqualTo(2 << 20);
        String text = new String(dtb, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text).contains("console=ttyAMA0").contains("linux,initrd-start");
        // initrd-start / -end cells in the DTB: 0x41600000 and 0x41900000, big-endian, after the high word 0.
        assertThat(indexOf(dtb, new byte[] {0, 0, 0, 0, 0x41, 0x60, 0, 0})).isPositive();
        assertThat(indexOf(dtb, new byte[] {0, 0, 0, 0, 0x41, (byte) 0x90, 0, 0})).isPositive();
    }

    @Test
    void linux_withoutInitrd_dtbAfterKernelNoInitrdProperties() {
        LoadPlan p = LinuxImageLoader.plan(image(0, 0x0060_0000L, 0b1010, 4096), null, null, BOARD);
        assertThat(p.placement("initrd")).isNull();
        assertThat(p.placement("dtb").ipa()).isEqualTo(0x4060_0000L);
        assertThat(new String(p.placement("dtb").bytes(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("initrd");
    }

    @Test
    void linux_malformedHeaders_oneLineErrors() {
        assertThatThrownBy(() -> LinuxImageLoader.parseHeader(new byte[63])).hasMessageContaining("shorter than the 64-byte header");
        byte[] bad = image(0, 0x100000, 0, 4096);
        bad[0x3B] = 0x65;
        assertThatThrownBy(() -> LinuxImageLoader.parseHeader(bad)).hasMessageContaining("bad magic 0x654d5241");
        assertThatThrownBy(() -> LinuxImageLoader.parseHeader(image(0, 0x100000, 1, 4096))).hasMessageContaining("big-endian");
        assertThatThrownBy(() -> LinuxImageLoader.parseHeader(image(0x80010, 0x100000, 0, 4096))).hasMessageContaining("text_offset 0x80010");
        assertThatThrownBy(() -> LinuxImageLoader.parseHeader(image(0x200000, 0x100000, 0, 4096))).hasMessageContaining("below 2 MiB");
        assertThatThrownBy(() -> LinuxImageLoader.parseHeader(image(0, 0x800, 0, 4096))).hasMessageContaining("smaller than the file");
    }

    @Test
    void linux_doesNotFitRam_oneLineError() {
        VirtBoard small = VirtBoard.create(16L << 20, 1);
        assertThatThrownBy(() -> LinuxImageLoader.plan(image(0, 15L << 20, 0b1010, 4096), null, null, small))
                .hasMessageStartingWith("Linux Image: kernel (0xf00000 bytes from 0x40000000), initrd (0x0 bytes) and DTB need RAM up to 0x41000")
                .hasMessageEndingWith("but RAM ends at 0x41000000") // the DTB would start at 16 MiB, RAM's end
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> LinuxImageLoader.layout(LinuxImageLoader.parseHeader(image(0, 1 << 20, 0, 4096)), 4096, 0, (2 << 20) + 1, BOARD))
                .hasMessageContaining("DTB of 2097153 bytes");
    }

    // ---------------------------------------------------------------- -bios

    @Test
    void bios_imageInFlash0DtbAtRamBaseEntryZero() {
        byte[] fw = {0x1F, 0x20, 0x03, (byte) 0xD5}; // NOP
        LoadPlan p = BiosLoader.plan(fw, VirtFdt.Chosen.NONE, BOARD);
        assertThat(p.placement("bios image").ipa()).isZero();
        assertThat(p.placement("bios image").bytes()).isEqualTo(fw);
        assertThat(p.placement("dtb").ipa()).isEqualTo(0x4000_0000L);
        assertThat(ByteBuffer.wrap(p.placement("dtb").bytes()).getInt(0)).isEqualTo(0xD00DFEED);
        assertThat(p.entryPc()).isZero();
        assertThat(p.bootRegisters()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void bios_emptyOrLargerThanBank_refused() {
        assertThatThrownBy(() -> BiosLoader.plan(new byte[0], VirtFdt.Chosen.NONE, BOARD)).hasMessage("bios: empty firmware image");
        assertThatThrownBy(() -> BiosLoader.plan(new byte[(64 << 20) + 1], VirtFdt.Chosen.NONE, BOARD))
                .hasMessageContaining("does not fit the 64 MiB flash bank 0");
    }

    @Test
    void loadPlan_overlappingPlacements_refused() {
        assertThatThrownBy(() -> new LoadPlan(List.of(new Placement("a", 0x1000, new byte[16]), new Placement("b", 0x100F, new byte[1])), 0, 0, 0, 0, 0))
                .hasMessage("load plan: b [0x100f, 0x1010) overlaps a [0x1000, 0x1010)");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
