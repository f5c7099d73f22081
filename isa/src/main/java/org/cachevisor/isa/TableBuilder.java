package org.cachevisor.isa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link Encoding} rows from the table's compact textual patterns.
 *
 * <p>Pattern syntax (bit 31 first, tokens separated by spaces, widths must sum to 32):
 * <ul>
 *   <li>{@code 100010} — literal bits (unnamed);</li>
 *   <li>{@code imm12:12} — a named variable field of 12 bits;</li>
 *   <li>{@code sf=1} — a named field the row fixes (width = number of digits); {@code x} digits
 *       stay variable, e.g. {@code op0=1x};</li>
 *   <li>{@code Rs=(11111)} — a should-be field (the manual's "(1)" bits): variable for decoding,
 *       written with this value by the encoder and assembler.</li>
 * </ul>
 */
final class TableBuilder {
    final List<Encoding> bases = new ArrayList<>();
    final List<Encoding> aliases = new ArrayList<>();
    private final Map<String, Encoding> byId = new LinkedHashMap<>();

    /** A base row under construction. */
    final class Row {
        final String id, heading, pattern, template;
        final ExecClass ec;
        String guard, feature;
        final List<String> overrides = new ArrayList<>();

        Row(String id, String heading, ExecClass ec, String pattern, String template) {
            this.id = id; this.heading = heading; this.ec = ec; this.pattern = pattern; this.template = template;
        }
        Row guard(String g) { this.guard = g; return this; }
        Row feature(String f) { this.feature = f; return this; }
        Row overrides(String... ids) { overrides.addAll(List.of(ids)); return this; }
    }

    private final List<Row> pending = new ArrayList<>();

    Row row(String id, String heading, ExecClass ec, String pattern, String template) {
        Row r = new Row(id, heading, ec, pattern, template);
        pending.add(r);
        return r;
    }

    /** Materialises the pending base rows (call before adding aliases that refer to them). */
    void flush() {
        for (Row r : pending) {
            Map<String, Field> fields = new LinkedHashMap<>();
            int[] mv = parsePattern(r.id, r.pattern, fields);
            Expr guard = r.guard == null ? null : Expr.parse(r.guard, fields);
            Encoding e = new Encoding(r.id, r.heading, r.ec, r.pattern, mv[0], mv[1], fields, guard,
                    r.feature, r.template, null, null, r.overrides);
            put(e);
            bases.add(e);
        }
        pending.clear();
    }

    /**
     * Adds an alias row of {@code baseId}. {@code fixed} assigns fields ("Rd=31 Rn=31", decimal
     * values); {@code condition} is the rest of Arm's preferred-disassembly condition (or null).
     */
    void alias(String id, String heading, String baseId, String fixed, String condition, String template) {
        flush();
        Encoding base = byId.get(baseId);
        if (base == null) throw new IllegalStateException("alias " + id + ": unknown base " + baseId);
        int mask = base.mask(), value = base.value();
        if (fixed != null && !fixed.isBlank()) {
            for (String tok : tokens(fixed)) {
                int eq = tok.indexOf('=');
                Field f = base.field(tok.substring(0, eq));
                int v = Integer.parseInt(tok.substring(eq + 1));
                mask |= f.mask() << f.lsb();
                value = (value & ~(f.mask() << f.lsb())) | f.insert(0, v);
            }
        }
        Expr cond = condition == null ? null : Expr.parse(condition, base.fields());
        Encoding e = new Encoding(id, heading, base.execClass(), base.pattern() + (fixed == null ? "" : " {" + fixed + "}"),
                mask, value, base.fields(), base.guard(), base.feature(), template, base, cond, List.of());
        put(e);
        aliases.add(e);
    }

    Encoding get(String id) { return byId.get(id); }

    private void put(Encoding e) {
        if (byId.putIfAbsent(e.id(), e) != null) throw new IllegalStateException("duplicate encoding id " + e.id());
    }

    /** Parses a pattern into {mask, value}, filling {@code fields} (bit 31 first). */
    /** The whitespace-separated tokens of {@code s} (as {@code s.trim().split("\\s+")}, without a regex per call). */
    static java.util.List<String> tokens(String s) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(s.charAt(i))) i++;
            if (i > start) out.add(s.substring(start, i));
        }
        if (out.isEmpty()) out.add(""); // "".split(...) gives one empty token
        return out;
    }

    static int[] parsePattern(String id, String pattern, Map<String, Field> fields) {
        int bit = 32;
        int mask = 0, value = 0;
        for (String tok : tokens(pattern)) {
            int colon = tok.indexOf(':'), eq = tok.indexOf('=');
            if (colon > 0) {
                String name = tok.substring(0, colon);
                int width = Integer.parseInt(tok.substring(colon + 1));
                bit -= width;
                addField(id, fields, new Field(name, bit, width, 0, 0));
            } else if (eq > 0 && tok.charAt(eq + 1) == '(') {
                String name = tok.substring(0, eq);
                String bits = tok.substring(eq + 2, tok.length() - 1);
                bit -= bits.length();
                addField(id, fields, new Field(name, bit, bits.length(), 0, 0, Integer.parseInt(bits, 2)));
            } else if (eq > 0) {
                String name = tok.substring(0, eq);
                String bits = tok.substring(eq + 1);
                int width = bits.length();
                bit -= width;
                int fm = 0, fv = 0;
                for (int i = 0; i < width; i++) {
                    char c = bits.charAt(i);
                    int pos = width - 1 - i;
                    if (c == '0' || c == '1') { fm |= 1 << pos; if (c == '1') fv |= 1 << pos; }
                    else if (c != 'x') throw new IllegalStateException(id + ": bad bit '" + c + "' in " + tok);
                }
                addField(id, fields, new Field(name, bit, width, fm, fv));
                mask |= fm << bit;
                value |= fv << bit;
            } else {
                for (int i = 0; i < tok.length(); i++) {
                    char c = tok.charAt(i);
                    bit--;
                    if (c == '0' || c == '1') { mask |= 1 << bit; if (c == '1') value |= 1 << bit; }
                    else if (c != 'x') throw new IllegalStateException(id + ": bad bit '" + c + "' in " + tok);
                }
            }
            if (bit < 0) throw new IllegalStateException(id + ": pattern longer than 32 bits: " + pattern);
        }
        if (bit != 0) throw new IllegalStateException(id + ": pattern has " + (32 - bit) + " bits, not 32: " + pattern);
        return new int[] {mask, value};
    }

    private static void addField(String id, Map<String, Field> fields, Field f) {
        if (fields.putIfAbsent(f.name(), f) != null) throw new IllegalStateException(id + ": duplicate field " + f.name());
    }
}
