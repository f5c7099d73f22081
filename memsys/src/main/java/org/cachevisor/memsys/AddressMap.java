package org.cachevisor.memsys;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The physical address map: non-overlapping regions of RAM (sparse backing, the only cacheable
 * kind), ROM/flash (backing bytes that read like memory; writes go to an optional handler, a CFI
 * flash device for example, else they are a {@link BusError}) and MMIO windows (every access goes to
 * the window's {@link MmioHandler}; never cached, whatever the access's attributes).
 *
 * <p>Regions are 4 KiB aligned and sized (so a cache line never straddles two regions). Adding an
 * overlapping or malformed region is an IllegalArgumentException naming both regions. Looking up
 * a PA no region covers is a {@link BusError}.
 *
 * <p>Simplification: hardware may cache ROM/flash reads made with cacheable attributes; we always read
 * ROM from its backing store. ROM is not written through the caches, so every cached copy would hold
 * the same bytes: the values agents read, and hence the oracle's verdicts, are the same.
 */
public final class AddressMap {

    public enum Kind { RAM, ROM, MMIO }

    /** One region. Identity object; its backing is reachable only from this package. */
    public static final class Region {
        private final String name;
        private final Kind kind;
        private final long basePa;
        private final long size;
        final SparseRam ram;
        final byte[] rom;
        final MmioHandler handler;

        private Region(String name, Kind kind, long basePa, long size, SparseRam ram, byte[] rom, MmioHandler handler) {
            this.name = name;
            this.kind = kind;
            this.basePa = basePa;
            this.size = size;
            this.ram = ram;
            this.rom = rom;
            this.handler = handler;
        }

        public String name() { return name; }

        public Kind kind() { return kind; }

        public long basePa() { return basePa; }

        public long size() { return size; }

        /** One past the last PA. */
        public long endPa() { return basePa + size; }

        public boolean contains(long pa) { return pa - basePa >= 0 && pa - basePa < size; }

        /** RAM only: 4 KiB pages allocated so far. */
        public long pagesAllocated() { return ram == null ? 0 : ram.pagesAllocated(); }

        @Override
        public String toString() {
            return String.format("%s %s [0x%x, 0x%x)", kind, name, basePa, basePa + size);
        }
    }

    private final int paBits;
    private final List<Region> regions = new ArrayList<>();
    private Region[] sorted = new Region[0];
    private Region last; // the last region found: most accesses hit the same one

    public AddressMap(int paBits) {
        if (paBits < 32 || paBits > 52) throw new IllegalArgumentException("paBits must be in 32..52, got " + paBits);
        this.paBits = paBits;
    }

    public int paBits() { return paBits; }

    /** Adds a sparse RAM region; returns it. */
    public Region addRam(String name, long basePa, long size) {
        check(name, basePa, size);
        return add(new Region(name, Kind.RAM, basePa, size, new SparseRam(size), null, null));
    }

    /**
     * Adds a ROM/flash region holding a copy of {@code contents} (padded with zeros to {@code size});
     * {@code writeHandler} (may be null) receives writes, else a write is a BusError.
     */
    public Region addRom(String name, long basePa, long size, byte[] contents, MmioHandler writeHandler) {
        check(name, basePa, size);
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("ROM region " + name + " too large: " + size);
        if (contents != null && contents.length > size) {
            throw new IllegalArgumentException("ROM " + name + " contents (" + contents.length + " bytes) exceed its size " + size);
        }
        byte[] bytes = new byte[(int) size];
        if (contents != null) System.arraycopy(contents, 0, bytes, 0, contents.length);
        return add(new Region(name, Kind.ROM, basePa, size, null, bytes, writeHandler));
    }

    /** Adds an MMIO window routed to {@code handler}. */
    public Region addMmio(String name, long basePa, long size, MmioHandler handler) {
        check(name, basePa, size);
        if (handler == null) throw new IllegalArgumentException("MMIO region " + name + " needs a handler");
        return add(new Region(name, Kind.MMIO, basePa, size, null, null, handler));
    }

    private void check(String name, long basePa, long size) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("region name must not be empty");
        if (size <= 0 || (size & SparseRam.PAGE_MASK) != 0) {
            throw new IllegalArgumentException(String.format("region %s: size 0x%x must be a positive multiple of 4 KiB", name, size));
        }
        if ((basePa & SparseRam.PAGE_MASK) != 0 || basePa < 0) {
            throw new IllegalArgumentException(String.format("region %s: base pa 0x%x must be 4 KiB aligned", name, basePa));
        }
        long limit = 1L << paBits;
        if (basePa >= limit || size > limit - basePa) {
            throw new IllegalArgumentException(String.format("region %s [0x%x, 0x%x) exceeds the %d-bit physical address space",
                    name, basePa, basePa + size, paBits));
        }
        for (Region r : regions) {
            if (basePa < r.endPa() && r.basePa() < basePa + size) {
                throw new IllegalArgumentException(String.format("region %s [0x%x, 0x%x) overlaps %s", name, basePa,
                        basePa + size, r));
            }
        }
    }

    private Region add(Region r) {
        regions.add(r);
        regions.sort((a, b) -> Long.compare(a.basePa(), b.basePa()));
        sorted = regions.toArray(new Region[0]);
        return r;
    }

    /** Every region, by base PA. */
    public List<Region> regions() { return Collections.unmodifiableList(new ArrayList<>(regions)); }

    /** The region containing {@code pa}, or null. */
    public Region find(long pa) {
        Region l = last;
        if (l != null && l.contains(pa)) return l;
        Region[] s = sorted;
        int lo = 0, hi = s.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Region r = s[mid];
            if (pa < r.basePa()) hi = mid - 1;
            else if (pa - r.basePa() >= r.size()) lo = mid + 1;
            else { last = r; return r; }
        }
        return null;
    }

    /** The region holding all of [pa, pa+size); a BusError if none does. */
    public Region regionOf(long pa, long size, boolean write) {
        Region r = find(pa);
        if (r == null) throw new BusError(pa, write, "no region of the address map covers it");
        if (size > r.endPa() - pa) {
            throw new BusError(pa, write, String.format("a %d-byte access runs past the end of %s", size, r));
        }
        return r;
    }
}
