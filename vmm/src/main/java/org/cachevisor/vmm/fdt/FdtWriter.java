package org.cachevisor.vmm.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flattens an {@link FdtNode} tree into a flattened device tree blob, version 17 (Devicetree
 * Specification v0.4, chapter 5 "Flattened Devicetree (DTB) Format"). All values are big-endian.
 *
 * <pre>
 *   0x00 struct fdt_header (40 bytes): magic 0xd00dfeed, totalsize, off_dt_struct, off_dt_strings,
 *        off_mem_rsvmap, version 17, last_comp_version 16, boot_cpuid_phys, size_dt_strings, size_dt_struct
 *   0x28 memory reservation block, 8-byte aligned: {u64 address, u64 size} entries, ended by {0, 0}
 *        structure block, 4-byte aligned: FDT_BEGIN_NODE (1) name NUL pad4, FDT_PROP (3) len nameoff value pad4,
 *        FDT_END_NODE (2), ..., FDT_END (9)
 *        strings block: NUL-terminated property names, each stored once (no alignment)
 * </pre>
 */
public final class FdtWriter {
    public static final int FDT_MAGIC = 0xD00D_FEED;
    public static final int FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9;
    public static final int VERSION = 17, LAST_COMP_VERSION = 16;
    static final int HEADER_SIZE = 40;

    /** One memory reservation entry: a range of (guest) physical memory the OS must not use. */
    public record Reservation(long pa, long size) { }

    private FdtWriter() {}

    /** The blob for {@code root} with no memory reservations, booting CPU 0. */
    public static byte[] write(FdtNode root) {
        return write(root, List.of(), 0);
    }

    /**
     * The blob for {@code root}.
     *
     * @throws IllegalArgumentException if the root has a non-empty name or a reservation has size 0 (it
     *         would read as the terminator)
     */
    public static byte[] write(FdtNode root, List<Reservation> reservations, int bootCpuidPhys) {
        if (!root.name().isEmpty()) throw new IllegalArgumentException("FDT: the root node must have an empty name, not \"" + root.name() + "\"");
        for (Reservation r : reservations) {
            if (r.size() == 0) throw new IllegalArgumentException(String.format("FDT: reservation at 0x%x has size 0", r.pa()));
        }
        Buf struct = new Buf();
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        Map<String, Integer> stringOffsets = new HashMap<>();
        writeNode(root, struct, strings, stringOffsets);
        struct.u32(FDT_END);

        int rsvOffset = align(HEADER_SIZE, 8);
        int rsvSize = (reservations.size() + 1) * 16;
        int structOffset = rsvOffset + rsvSize;           // a multiple of 8, hence of 4
        int structSize = struct.size();
        int stringsOffset = structOffset + structSize;
        int stringsSize = strings.size();
        int total = stringsOffset + stringsSize;

        Buf out = new Buf();
        out.u32(FDT_MAGIC);
        out.u32(total);
        out.u32(structOffset);
        out.u32(stringsOffset);
        out.u32(rsvOffset);
        out.u32(VERSION);
        out.u32(LAST_COMP_VERSION);
        out.u32(bootCpuidPhys);
        out.u32(stringsSize);
        out.u32(structSize);
        while (out.size() < rsvOffset) out.u8(0);
        for (Reservation r : reservations) { out.u64(r.pa()); out.u64(r.size()); }
        out.u64(0);
        out.u64(0);
        out.bytes(struct.toByteArray());
        out.bytes(strings.toByteArray());
        return out.toByteArray();
    }

    private static void writeNode(FdtNode node, Buf struct, ByteArrayOutputStream strings, Map<String, Integer> offsets) {
        struct.u32(FDT_BEGIN_NODE);
        struct.bytes(node.name().getBytes(StandardCharsets.US_ASCII));
        struct.u8(0);
        struct.pad4();
        for (Map.Entry<String, byte[]> p : node.properties().entrySet()) {
            Integer off = offsets.get(p.getKey());
            if (off == null) {
                off = strings.size();
                offsets.put(p.getKey(), off);
                byte[] n = p.getKey().getBytes(StandardCharsets.US_ASCII);
                strings.write(n, 0, n.length);
                strings.write(0);
            }
            struct.u32(FDT_PROP);
            struct.u32(p.getValue().length);
            struct.u32(off);
            struct.bytes(p.getValue());
            struct.pad4();
        }
        for (FdtNode c : node.children()) writeNode(c, struct, strings, offsets);
        struct.u32(FDT_END_NODE);
    }

    static int align(int v, int a) { return (v + a - 1) & -a; }

    /** A big-endian byte buffer. */
    private static final class Buf extends ByteArrayOutputStream {
        void u8(int v) { write(v); }
        void u32(int v) { write(v >>> 24); write(v >>> 16); write(v >>> 8); write(v); }
        void u64(long v) { u32((int) (v >>> 32)); u32((int) v); }
        void bytes(byte[] b) { write(b, 0, b.length); }
        void pad4() { while ((count & 3) != 0) write(0); }
    }
}
