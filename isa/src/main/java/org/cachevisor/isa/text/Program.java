package org.cachevisor.isa.text;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The output of {@link Assembler}: a flat image starting at {@code base} (sections laid out in
 * order of first appearance, gaps zero-filled), the symbol table (absolute addresses), the
 * sections, and which symbols were declared global.
 */
public record Program(byte[] image, long base, Map<String, Long> symbols, List<Section> sections, Set<String> globals) {

    /** One output section: name, start address, contents, flags, and its instruction offsets. */
    public record Section(String name, long address, byte[] bytes, boolean executable, boolean writable, int alignment,
                          List<Integer> instructionOffsets) {
        public long end() { return address + bytes.length; }
    }

    /** The address of {@code symbol}; IllegalArgumentException if undefined. */
    public long symbol(String symbol) {
        Long v = symbols.get(symbol);
        if (v == null) throw new IllegalArgumentException("undefined symbol " + symbol);
        return v;
    }

    /** The section called {@code name}, or null. */
    public Section section(String name) {
        for (Section s : sections) if (s.name().equals(name)) return s;
        return null;
    }
}
