package org.cachevisor.oracle;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.Source;

/**
 * One read that returned something else than the flat reference memory says: everything a person needs
 * to understand it, resolved to names when it was recorded.
 *
 * @param verdict          {@link Verdict#LEAK} if the seen value was written by another security domain
 * @param seq              the read's event seq
 * @param readerAgent      the reader's agent id
 * @param readerName       the reader's name
 * @param readerDomain     the reader's security domain
 * @param readerContext    what the {@link ReaderContext} said (e.g. {@code vCPU0 pc=0x40001234}), or null
 * @param pe               the PE whose hierarchy the read used, -1 for none
 * @param kind             the read's {@link AccessKind}
 * @param pa               the read's first byte
 * @param size             bytes read (1..16)
 * @param attrs            the read's {@link Attrs}
 * @param seenLo           bytes 0..7 seen (little endian); {@code seenHi} bytes 8..15
 * @param seenHi           see {@code seenLo}
 * @param expectedLo       bytes 0..7 the reference memory holds; {@code expectedHi} bytes 8..15
 * @param expectedHi       see {@code expectedLo}
 * @param mismatchPa       the first byte that differs (attribution is for this byte)
 * @param source           where the seen bytes came from ({@link Source} packing)
 * @param seenWriter       who wrote the seen value of the first differing byte
 * @param expectedWriter   who wrote the expected value of the first differing byte
 * @param mechanism        the class of mechanism
 * @param explanation      one sentence: which missing maintenance let it through
 * @param lineHistory      what line events said about the line of {@code mismatchPa} (one text line per
 *                         cache that held it, then the by-address maintenance seen), for the detailed view
 */
public record Violation(Verdict verdict, long seq, int readerAgent, String readerName, int readerDomain,
        String readerContext, int pe, int kind, long pa, int size, int attrs, long seenLo, long seenHi,
        long expectedLo, long expectedHi, long mismatchPa, int source, WriteRef seenWriter, WriteRef expectedWriter,
        Mechanism mechanism, String explanation, String lineHistory) {

    /** The seen value (only meaningful for sizes up to 8). */
    public long seen() { return seenLo; }

    /** The expected value (only meaningful for sizes up to 8). */
    public long expected() { return expectedLo; }

    /**
     * One line, e.g. {@code STALE load by VM1.vCPU0 pa=0x40000000 (8 bytes, Device OSH) at seq 17: saw
     * 0x0 from RAM (initial contents), expected 0x1122 (VMM at seq 12): cacheable write by ...}.
     */
    public String oneLine() {
        return verdict + " " + AccessKind.name(kind) + " by " + readerName
                + (readerContext != null ? " [" + readerContext + "]" : "")
                + String.format(" pa=0x%x (%d bytes, %s) at seq %d: saw %s from %s (%s), expected %s (%s): %s",
                        pa, size, Attrs.describe(attrs), seq, hex(seenLo, seenHi, size), Source.describe(source),
                        seenWriter.brief(), hex(expectedLo, expectedHi, size), expectedWriter.brief(), explanation);
    }

    /** Several lines: reader, access, seen and expected values with their writers, source, mechanism. */
    public String detailed() {
        StringBuilder b = new StringBuilder();
        b.append(verdict).append(verdict == Verdict.LEAK ? " (data of another security domain)" : " read")
                .append(" at seq ").append(seq).append('\n');
        b.append("  reader    ").append(readerName).append(" (agent ").append(readerAgent).append(", domain ")
                .append(readerDomain).append(')');
        if (readerContext != null) b.append(" [").append(readerContext).append(']');
        b.append('\n');
        b.append(String.format("  access    %s of %d bytes at pa 0x%x, %s, %s%n", AccessKind.name(kind), size, pa,
                Attrs.describe(attrs), pe >= 0 ? "via PE" + pe : "no cache hierarchy"));
        b.append(String.format("  seen      %s from %s%n", hex(seenLo, seenHi, size), Source.describe(source)));
        b.append(String.format("            %s%n", origin(seenWriter)));
        b.append(String.format("  expected  %s%n", hex(expectedLo, expectedHi, size)));
        b.append(String.format("            %s%n", origin(expectedWriter)));
        b.append(String.format("  differs   first at pa 0x%x (the writers above are of that byte)%n", mismatchPa));
        b.append("  mechanism ").append(mechanism).append(": ").append(explanation);
        String prefix = "\n  line      ";
        for (String l : lineHistory.split("\n")) {
            b.append(prefix).append(l);
            prefix = "\n            ";
        }
        return b.toString();
    }

    @Override
    public String toString() { return oneLine(); }

    private static String origin(WriteRef w) {
        return w.origin() == WriteRef.Origin.WRITE ? "written by " + w.detailed() : "= " + w.brief();
    }

    static String hex(long lo, long hi, int size) {
        if (size >= 16) return String.format("0x%016x_%016x", hi, lo);
        if (size > 8) {
            long hiMasked = hi & ((1L << (8 * (size - 8))) - 1);
            return String.format("0x%x_%016x", hiMasked, lo);
        }
        long v = size == 8 ? lo : lo & ((1L << (8 * size)) - 1);
        return "0x" + Long.toHexString(v);
    }
}
