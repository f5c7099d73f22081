package org.cachevisor.isa.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a 64-bit little-endian AArch64 ELF file (System V gABI, "ELF-64 Object File Format";
 * AArch64 ELF ABI: e_machine EM_AARCH64 = 183): header, program headers and, if present, the symbol
 * table. Every check happens before anything is returned, and a malformed file is refused with an
 * {@link IllegalArgumentException} whose one-line message names the problem (bad magic, wrong class,
 * byte order, machine or type, a program header or segment outside the file, file size above memory
 * size...).
 */
public final class ElfReader {
    private ElfReader() {}

    public static final int ET_REL = 1, ET_EXEC = 2, ET_DYN = 3;
    public static final int EM_AARCH64 = 183;
    public static final int PT_LOAD = 1, PT_TLS = 7;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;

    /** One program header. {@code va} is p_vaddr, {@code pa} is p_paddr. */
    public record Segment(int type, int flags, long fileOffset, long va, long pa, long fileSize, long memSize, long align) {
        public boolean isLoad() { return type == PT_LOAD; }
    }

    /** A parsed ELF file. */
    public static final class ElfFile {
        private final byte[] bytes;
        private final int type;
        private final long entry;
        private final List<Segment> segments;
        private final Map<String, Long> symbols;
        private final long programHeaderOffset;

        ElfFile(byte[] bytes, int type, long entry, long programHeaderOffset, List<Segment> segments, Map<String, Long> symbols) {
            this.bytes = bytes;
            this.programHeaderOffset = programHeaderOffset;
            this.type = type;
            this.entry = entry;
            this.segments = Collections.unmodifiableList(segments);
            this.symbols = Collections.unmodifiableMap(symbols);
        }

        /** e_type: {@link #ET_EXEC} or {@link #ET_DYN}. */
        public int type() { return type; }

        /** e_entry: the entry point's virtual address. */
        public long entry() { return entry; }

        /** e_phoff: the file offset of the program headers (a loader maps them for AT_PHDR). */
        public long programHeaderOffset() { return programHeaderOffset; }

        /** All program headers, in file order. */
        public List<Segment> segments() { return segments; }

        /** The PT_LOAD program headers, in file order. */
        public List<Segment> loadSegments() {
            List<Segment> l = new ArrayList<>();
            for (Segment s : segments) if (s.isLoad()) l.add(s);
            return l;
        }

        /** Symbol name to value (st_value), from .symtab if the file has one; empty otherwise. */
        public Map<String, Long> symbols() { return symbols; }

        /** The file bytes of a segment (fileSize bytes; the rest up to memSize is zero-filled by loaders). */
        public byte[] contents(Segment s) {
            if (s.fileSize() == 0) return new byte[0];
            byte[] out = new byte[(int) s.fileSize()];
            System.arraycopy(bytes, (int) s.fileOffset(), out, 0, out.length);
            return out;
        }
    }

    /** Parses and validates {@code bytes} as an AArch64 ELF64 executable (ET_EXEC) or shared object (ET_DYN). */
    public static ElfFile read(byte[] bytes) {
        if (bytes == null) throw new IllegalArgumentException("ELF: no data");
        if (bytes.length < 64) throw new IllegalArgumentException("ELF: file too short for an ELF64 header (" + bytes.length + " bytes)");
        if (bytes[0] != 0x7F || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            throw new IllegalArgumentException("ELF: bad magic (not an ELF file)");
        }
        if (bytes[4] != 2) throw new IllegalArgumentException("ELF: class " + bytes[4] + " is not ELFCLASS64 (2)");
        if (bytes[5] != 1) throw new IllegalArgumentException("ELF: data encoding " + bytes[5] + " is not little-endian (ELFDATA2LSB = 1)");
        if (bytes[6] != 1) throw new IllegalArgumentException("ELF: EI_VERSION " + bytes[6] + " is not EV_CURRENT (1)");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(16) & 0xFFFF;
        int machine = b.getShort(18) & 0xFFFF;
        if (machine != EM_AARCH64) throw new IllegalArgumentException("ELF: machine " + machine + " is not EM_AARCH64 (183)");
        if (type != ET_EXEC && type != ET_DYN) {
            throw new IllegalArgumentException("ELF: type " + type + " is not an executable (ET_EXEC = 2) or ET_DYN (3)");
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        long shoff = b.getLong(40);
        int phentsize = b.getShort(54) & 0xFFFF;
        int phnum = b.getShort(56) & 0xFFFF;
        int shentsize = b.getShort(58) & 0xFFFF;
        int shnum = b.getShort(60) & 0xFFFF;
        if (phnum == 0) throw new IllegalArgumentException("ELF: no program headers");
        if (phentsize != 56) throw new IllegalArgumentException("ELF: e_phentsize " + phentsize + " is not 56");
        if (!within(phoff, (long) phentsize * phnum, bytes.length)) {
            throw new IllegalArgumentException(String.format("ELF: program headers (offset 0x%x, %d entries) extend past the end of the file (%d bytes)",
                    phoff, phnum, bytes.length));
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + (long) i * phentsize);
            Segment s = new Segment(b.getInt(o), b.getInt(o + 4), b.getLong(o + 8), b.getLong(o + 16), b.getLong(o + 24),
                    b.getLong(o + 32), b.getLong(o + 40), b.getLong(o + 48));
            if (s.isLoad()) {
                // A segment with no file bytes (pure .bss) may carry any offset.
                if (s.fileSize() != 0 && !within(s.fileOffset(), s.fileSize(), bytes.length)) {
                    throw new IllegalArgumentException(String.format("ELF: segment %d (offset 0x%x, size 0x%x) extends past the end of the file (%d bytes)",
                            i, s.fileOffset(), s.fileSize(), bytes.length));
                }
                if (Long.compareUnsigned(s.fileSize(), s.memSize()) > 0) {
                    throw new IllegalArgumentException(String.format("ELF: segment %d has p_filesz 0x%x > p_memsz 0x%x", i, s.fileSize(), s.memSize()));
                }
                if (s.va() + s.memSize() < s.va() && s.va() + s.memSize() != 0) {
                    throw new IllegalArgumentException(String.format("ELF: segment %d (va 0x%x, size 0x%x) wraps around the address space", i, s.va(), s.memSize()));
                }
            }
            segments.add(s);
        }
        Map<String, Long> symbols = readSymbols(b, bytes.length, shoff, shentsize, shnum);
        return new ElfFile(bytes, type, entry, phoff, segments, symbols);
    }

    private static boolean within(long offset, long size, long fileLength) {
        return offset >= 0 && size >= 0 && offset <= fileLength && size <= fileLength - offset;
    }

    /** .symtab symbols if the section headers are present and sane; a file without them is fine. */
    private static Map<String, Long> readSymbols(ByteBuffer b, int length, long shoff, int shentsize, int shnum) {
        Map<String, Long> symbols = new LinkedHashMap<>();
        if (shoff == 0 || shnum == 0 || shentsize != 64 || !within(shoff, (long) shentsize * shnum, length)) return symbols;
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * 64);
            int shType = b.getInt(sh + 4);
            if (shType != 2) continue; // SHT_SYMTAB
            long off = b.getLong(sh + 24), size = b.getLong(sh + 32);
            int link = b.getInt(sh + 40);
            long entsize = b.getLong(sh + 56);
            if (entsize != 24 || !within(off, size, length) || link < 0 || link >= shnum) continue;
            int strSh = (int) (shoff + (long) link * 64);
            long strOff = b.getLong(strSh + 24), strSize = b.getLong(strSh + 32);
            if (!within(strOff, strSize, length)) continue;
            for (long e = off; e + 24 <= off + size; e += 24) {
                int name = b.getInt((int) e);
                long value = b.getLong((int) e + 8);
                if (name <= 0 || name >= strSize) continue;
                StringBuilder sb = new StringBuilder();
                for (long p = strOff + name; p < strOff + strSize && b.get((int) p) != 0; p++) sb.append((char) (b.get((int) p) & 0xFF));
                if (sb.length() > 0) symbols.putIfAbsent(sb.toString(), value);
            }
        }
        return symbols;
    }
}
