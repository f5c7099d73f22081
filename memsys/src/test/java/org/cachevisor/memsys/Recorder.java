package org.cachevisor.memsys;

import java.util.ArrayList;
import java.util.List;

/** Test observer: records every event as a readable line, and folds them into a hash. */
final class Recorder implements MemoryObserver {
    final List<String> events = new ArrayList<>();
    final List<Integer> readSources = new ArrayList<>();
    long hash = 1125899906842597L;
    long lastSeq = -1;
    boolean seqInOrder = true;

    private void mix(long... xs) {
        for (long x : xs) hash = 31 * hash + x;
    }

    /** The seq the next event must have (a ZERO write of more than 16 bytes takes size / 16 numbers). */
    long nextSeq;

    private void seq(long s) {
        seq(s, 1);
    }

    private void seq(long s, int numbers) {
        if (s != nextSeq) seqInOrder = false;
        lastSeq = s;
        nextSeq = s + numbers;
    }

    @Override
    public void onRead(long s, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi, int source) {
        seq(s);
        mix(0, s, pe, agent, kind, pa, size, attrs, lo, hi, source);
        readSources.add(source);
        events.add(String.format("read pe%d %s 0x%x/%d = 0x%x from %s", pe, AccessKind.name(kind), pa, size, lo,
                Source.describe(source)));
    }

    @Override
    public void onWrite(long s, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {
        seq(s, kind == AccessKind.ZERO && size > 16 ? size / 16 : 1);
        mix(1, s, pe, agent, kind, pa, size, attrs, lo, hi);
        events.add(String.format("write pe%d %s 0x%x/%d = 0x%x", pe, AccessKind.name(kind), pa, size, lo));
    }

    @Override
    public void onLine(long s, int event, int cache, long linePa, int from, int to, int cause, int agent) {
        seq(s);
        mix(2, s, event, cache, linePa, from, to, cause, agent);
        events.add(String.format("line %s %s 0x%x %s->%s %s", LineEvent.eventName(event), Source.describe(cache)
                .replace(" (invalid line)", ""), linePa, LineState.name(from), LineState.name(to), LineEvent.causeName(cause)));
    }

    @Override
    public void onMaintenance(long s, int pe, int agent, int op, long operand) {
        seq(s);
        mix(3, s, pe, agent, op, operand);
        events.add(String.format("maint pe%d %s 0x%x", pe, Maintenance.name(op), operand));
    }

    int lastSource() { return readSources.get(readSources.size() - 1); }

    long count(String prefix) { return events.stream().filter(e -> e.startsWith(prefix)).count(); }
}
