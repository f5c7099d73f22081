package org.cachevisor.isa.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cachevisor.isa.text.Program;

/**
 * Writes an assembled {@link Program} as an ELF64 little-endian AArch64 file (System V gABI;
 * e_machine EM_AARCH64 = 183): a static executable with one PT_LOAD per section, or a relocatable
 * object; both carry section headers and a symbol table.
 */
public final class ElfWriter {
    private ElfWriter() {}

    private static final long PAGE = 4096;
    private static final int SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3;
    private static final int SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;

    /**
     * A static ET_EXEC image: each section is a PT_LOAD segment (R, plus X for code, W for data)
     * at its assembled address, its file offset congruent to the address modulo 4 KiB.
     *
     * @throws IllegalArgumentException if {@code entry} is not inside an executable section
     */
    public static byte[] writeExecutable(Program p, long entry) {
        boolean ok = false;
        for (Program.Section s : p.sections()) ok |= s.executable() && entry >= s.address() && entry < s.end();
        if (!ok) throw new IllegalArgumentException("entry point 0x" + Long.toHexString(entry) + " is not inside an executable section");
        return write(p, entry, true);
    }

    /**
     * An ET_REL object with the sections and symbols (values relative to their section).
     * Simplification: a linker would resolve relocations; ours are already resolved for the
     * assembled base address, so the object carries none and is only correct when linked at
     * that address (our own tools never re-link; GNU ld users pass -Ttext=base).
     */
    public static byte[] writeRelocatable(Program p) {
        return write(p, 0, false);
    }

    private static byte[] write(Program p, long entry, boolean exec) {
        List<Program.Section> secs = p.sections();
        int n = secs.size();
        int phnum = exec ? n : 0;
        long off = 64 + 56L * phnum;
        long[] fileOff = new long[n];
        for (int i = 0; i < n; i++) {
            Program.Section s = secs.get(i);
            if (exec) {
                long want = s.address() & (PAGE - 1);
                off = (off & ~(PAGE - 1)) + want;
                if (off < 64 + 56L * phnum || (i > 0 && off < fileOff[i - 1] + secs.get(i - 1).bytes().length)) off += PAGE;
            } else {
                off = (off + 15) & ~15L;
            }
            fileOff[i] = off;
            off += s.bytes().length;
        }
        // string tables and symbols
        ByteArrayOutputStream shstr = new ByteArrayOutputStream();
        shstr.write(0);
        int[] secName = new int[n];
        for (int i = 0; i < n; i++) secName[i] = addString(shstr, secs.get(i).name());
        int symtabName = addString(shstr, ".symtab"), strtabName = addString(shstr, ".strtab"), shstrtabName = addString(shstr, ".shstrtab");
        ByteArrayOutputStream str = new ByteArrayOutputStream();
        str.write(0);
        ByteBuffer sym = ByteBuffer.allocate(24 * (p.symbols().size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
        sym.put(new byte[24]);
        List<Map.Entry<String, Long>> locals = new ArrayList<>(), globals = new ArrayList<>();
        for (Map.Entry<String, Long> e : p.symbols().entrySet()) (p.globals().contains(e.getKey()) ? globals : locals).add(e);
        int firstGlobal = 1 + locals.size();
        for (List<Map.Entry<String, Long>> group : List.of(locals, globals)) {
            for (Map.Entry<String, Long> e : group) {
                int shndx = 0xfff1;   // SHN_ABS
                long value = e.getValue();
                for (int i = 0; i < n; i++) {
                    Program.Section s = secs.get(i);
                    if (value >= s.address() && value <= s.end()) {
                        shndx = i + 1;
                        if (!exec) value -= s.address();
                        break;
                    }
                }
                sym.putInt(addString(str, e.getKey()));
                sym.put((byte) (((group == globals ? 1 : 0) << 4) | 0));   // STB_LOCAL/GLOBAL, STT_NOTYPE
                sym.put((byte) 0);
                sym.putShort((short) shndx);
                sym.putLong(value);
                sym.putLong(0);
            }
        }
        long symOff = (off + 7) & ~7L;
        long strOff = symOff + sym.capacity();
        long shstrOff = strOff + str.size();
        long shOff = (shstrOff + shstr.size() + 7) & ~7L;
        int shnum = n + 4;
        ByteBuffer b = ByteBuffer.allocate((int) (shOff + 64L * shnum)).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putLong(0);
        b.putShort((short) (exec ? ElfReader.ET_EXEC : ElfReader.ET_REL));
        b.putShort((short) ElfReader.EM_AARCH64);
        b.putInt(1);
        b.putLong(exec ? entry : 0);
        b.putLong(exec ? 64 : 0);
        b.putLong(shOff);
        b.putInt(0);
        b.putShort((short) 64);
        b.putShort((short) (exec ? 56 : 0));
        b.putShort((short) phnum);
        b.putShort((short) 64);
        b.putShort((short) shnum);
        b.putShort((short) (shnum - 1));
        // program headers
        for (int i = 0; i < phnum; i++) {
            Program.Section s = secs.get(i);
            b.putInt(ElfReader.PT_LOAD);
            b.putInt(ElfReader.PF_R | (s.executable() ? ElfReader.PF_X : 0) | (s.writable() ? ElfReader.PF_W : 0));
            b.putLong(fileOff[i]);
            b.putLong(s.address());
            b.putLong(s.address());
            b.putLong(s.bytes().length);
            b.putLong(s.bytes().length);
            b.putLong(PAGE);
        }
        for (int i = 0; i < n; i++) {
            b.position((int) fileOff[i]);
            b.put(secs.get(i).bytes());
        }
        b.position((int) symOff);
        b.put(sym.array());
        b.put(str.toByteArray());
        b.put(shstr.toByteArray());
        // section headers: null, sections, .symtab, .strtab, .shstrtab
        b.position((int) shOff);
        b.put(new byte[64]);
        for (int i = 0; i < n; i++) {
            Program.Section s = secs.get(i);
            sectionHeader(b, secName[i], SHT_PROGBITS,
                    SHF_ALLOC | (s.executable() ? SHF_EXECINSTR : 0) | (s.writable() ? SHF_WRITE : 0),
                    exec ? s.address() : 0, fileOff[i], s.bytes().length, 0, 0, s.alignment(), 0);
        }
        sectionHeader(b, symtabName, SHT_SYMTAB, 0, 0, symOff, sym.capacity(), n + 2, firstGlobal, 8, 24);
        sectionHeader(b, strtabName, SHT_STRTAB, 0, 0, strOff, str.size(), 0, 0, 1, 0);
        sectionHeader(b, shstrtabName, SHT_STRTAB, 0, 0, shstrOff, shstr.size(), 0, 0, 1, 0);
        return b.array();
    }

    private static void sectionHeader(ByteBuffer b, int name, int type, long flags, long addr, long offset, long size,
                                      int link, int info, long align, long entsize) {
        b.putInt(name);
        b.putInt(type);
        b.putLong(flags);
        b.putLong(addr);
        b.putLong(offset);
        b.putLong(size);
        b.putInt(link);
        b.putInt(info);
        b.putLong(align);
        b.putLong(entsize);
    }

    private static int addString(ByteArrayOutputStream out, String s) {
        int at = out.size();
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        return at;
    }
}
