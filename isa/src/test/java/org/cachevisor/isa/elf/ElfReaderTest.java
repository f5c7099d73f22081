package org.cachevisor.isa.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** ElfReader against hand-built ELF64 images (header + one PT_LOAD), good and corrupted field by field. */
class ElfReaderTest {
    /** A minimal ET_EXEC: ELF header (64 bytes), one program header at 64, 8 bytes of code at 0x78. */
    private static byte[] minimal() {
        ByteBuffer b = ByteBuffer.allocate(0x80).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 2);      // ET_EXEC
        b.putShort(18, (short) 183);    // EM_AARCH64
        b.putInt(20, 1);
        b.putLong(24, 0x400078L);       // entry
        b.putLong(32, 64);              // phoff
        b.putShort(52, (short) 64);     // ehsize
        b.putShort(54, (short) 56);     // phentsize
        b.putShort(56, (short) 1);      // phnum
        b.putShort(58, (short) 64);     // shentsize
        int ph = 64;
        b.putInt(ph, 1);                // PT_LOAD
        b.putInt(ph + 4, 5);            // R+X
        b.putLong(ph + 8, 0x78);        // offset
        b.putLong(ph + 16, 0x400078L);  // vaddr
        b.putLong(ph + 24, 0x400078L);  // paddr
        b.putLong(ph + 32, 8);          // filesz
        b.putLong(ph + 40, 0x20);       // memsz
        b.putLong(ph + 48, 0x1000);
        b.putInt(0x78, 0xD2800020);     // movz x0, #1
        b.putInt(0x7C, 0xD65F03C0);     // ret
        return b.array();
    }

    @Test
    void read_minimalExecutable_givesEntryAndSegment() {
        ElfReader.ElfFile f = ElfReader.read(minimal());
        assertThat(f.type()).isEqualTo(ElfReader.ET_EXEC);
        assertThat(f.entry()).isEqualTo(0x400078L);
        assertThat(f.loadSegments()).hasSize(1);
        ElfReader.Segment s = f.loadSegments().get(0);
        assertThat(s.va()).isEqualTo(0x400078L);
        assertThat(s.fileSize()).isEqualTo(8);
        assertThat(s.memSize()).isEqualTo(0x20);
        assertThat(f.contents(s)).containsExactly(0x20, 0x00, 0x80, (byte) 0xD2, (byte) 0xC0, 0x03, 0x5F, (byte) 0xD6);
    }

    private static void refused(byte[] bytes, String message) {
        assertThatThrownBy(() -> ElfReader.read(bytes)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void read_badMagic_isRefused() {
        byte[] b = minimal();
        b[1] = 'X';
        refused(b, "bad magic");
    }

    @Test
    void read_elf32_isRefused() {
        byte[] b = minimal();
        b[4] = 1;
        refused(b, "not ELFCLASS64");
    }

    @Test
    void read_bigEndian_isRefused() {
        byte[] b = minimal();
        b[5] = 2;
        refused(b, "little-endian");
    }

    @Test
    void read_x86Machine_isRefused() {
        byte[] b = minimal();
        b[18] = 62; // EM_X86_64
        refused(b, "machine 62 is not EM_AARCH64");
    }

    @Test
    void read_relocatableObject_isRefused() {
        byte[] b = minimal();
        b[16] = 1;
        refused(b, "type 1 is not an executable");
    }

    @Test
    void read_segmentPastEndOfFile_isRefused() {
        byte[] b = minimal();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 32, 0x100);
        refused(b, "extends past the end of the file");
    }

    @Test
    void read_programHeadersPastEndOfFile_isRefused() {
        byte[] b = minimal();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 3);
        refused(b, "program headers");
    }

    @Test
    void read_fileSizeAboveMemorySize_isRefused() {
        byte[] b = minimal();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 40, 4);
        refused(b, "p_filesz 0x8 > p_memsz 0x4");
    }

    @Test
    void read_truncatedHeader_isRefused() {
        refused(new byte[10], "too short");
    }
}
