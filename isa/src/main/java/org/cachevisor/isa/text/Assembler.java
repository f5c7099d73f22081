package org.cachevisor.isa.text;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cachevisor.isa.A64;
import org.cachevisor.isa.Encoding;

/**
 * A GNU-syntax AArch64 assembler derived from the table: every mnemonic's candidate rows (base
 * and alias) try to parse the operands with their template; the row that the disassembler would
 * print for the resulting word wins (so {@code mov x0, #1} becomes MOVZ, {@code mov x0, sp} ADD).
 *
 * <p>Supported: labels (also numeric local labels {@code 1:} with {@code 1b}/{@code 1f}),
 * {@code .text .data .bss .rodata .section .previous .pushsection .popsection}, {@code .word .long .int .quad .xword .dword .byte
 * .hword .short .2byte .4byte .8byte .inst .ascii .asciz .string .space .skip .zero .align
 * .p2align .balign .org .equ .set name=expr .ltorg .pool}, and {@code .global .globl .type .size
 * .file .ident .arch .cpu .extern .local .weak .hidden .cfi_*} (accepted, recorded or ignored);
 * {@code .macro/.endm} (with {@code \\arg}, defaults and {@code \\@}), {@code .rept/.endr},
 * {@code .irp/.endr}; expressions with {@code + - * / % << >> & | ^ ~ ! ( ) .} and {@code :lo12:sym}; {@code ldr Rt,
 * =expr} literal pools (4-byte entries, then 8-byte entries, deduplicated, flushed at
 * {@code .ltorg}/{@code .pool} and at the end of each section, as GNU as does); comments
 * {@code //}, {@code /* *\/}, {@code #} at the start of a line; {@code ;} separates statements.
 *
 * <p>Layout: sections in order of first appearance; the first at {@code baseAddress}, each later
 * one at the next 4 KiB boundary (so that an ELF executable can map them with different
 * permissions). Errors are {@link AssemblyException}s naming file, line and column.
 */
public final class Assembler {
    private static final int NOP = 0xd503201f;
    private static final long PAGE = 4096;

    private final String file;
    private final long baseAddress;
    private final List<Stmt> stmts = new ArrayList<>();
    private final Map<String, Sec> sections = new LinkedHashMap<>();
    private final Map<String, Sym> symbols = new LinkedHashMap<>();
    private final Set<String> globals = new LinkedHashSet<>();
    private final Map<String, List<Sym>> numericLabels = new HashMap<>();
    private int pass;
    private Sec cur;
    private Stmt stmt;

    /** A statement: source line, column of its first character, text. */
    private static final class Stmt {
        final int line, col;
        final String text;
        Stmt(int line, int col, String text) { this.line = line; this.col = col; this.text = text; }
    }

    private static final class Sym {
        final String name;
        Sec sec;          // null: absolute (.equ)
        long value;       // offset in sec, or absolute value
        int definedInPass;
        Sym(String name) { this.name = name; }
    }

    private static final class Pool {
        final List<Object[]> entries = new ArrayList<>();   // {String exprText, Integer size, Long constantOrNull, Stmt}
        final Map<String, Long> entryOffset = new HashMap<>();  // key -> section offset (after layout of this pool)
    }

    private static final class Sec {
        final String name;
        boolean exec, write;
        long address;
        long offset;
        int align = 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> insns = new ArrayList<>();
        Pool pool = new Pool();
        int poolNo;       // pools flushed so far in this pass: entries are shared within one pool only
        final Map<Stmt, String> literalOf = new HashMap<>();     // ldr = statement -> pool key
        final Map<String, Long> literalAddr = new HashMap<>();   // pool key -> section offset
        Sec(String name) { this.name = name; }
    }

    private Assembler(String file, long baseAddress) {
        this.file = file;
        this.baseAddress = baseAddress;
    }

    /**
     * Assembles {@code source}; {@code fileName} is used in error messages.
     *
     * @throws AssemblyException for bad input (unknown mnemonic, operand out of range, undefined symbol...)
     */
    public static Program assemble(String source, String fileName, long baseAddress) {
        Assembler a = new Assembler(fileName, baseAddress);
        a.split(source);
        a.expandMacros();
        a.run(1);
        a.layout();
        a.run(2);
        return a.program();
    }

    // ------------------------------------------------------------------------------- lexing
    private void split(String source) {
        String[] lines = source.split("\n", -1);
        boolean inBlock = false;
        for (int ln = 0; ln < lines.length; ln++) {
            char[] l = lines[ln].replace('\r', ' ').toCharArray();
            boolean inStr = false;
            int start = 0;
            for (int i = 0; i < l.length; i++) {
                if (inBlock) {
                    if (l[i] == '*' && i + 1 < l.length && l[i + 1] == '/') { l[i] = ' '; l[i + 1] = ' '; i++; inBlock = false; }
                    else l[i] = ' ';
                    continue;
                }
                char ch = l[i];
                if (inStr) {
                    if (ch == '\\') i++;
                    else if (ch == '"') inStr = false;
                    continue;
                }
                if (ch == '"') { inStr = true; continue; }
                if (ch == '/' && i + 1 < l.length && l[i + 1] == '*') { l[i] = ' '; l[i + 1] = ' '; i++; inBlock = true; continue; }
                if ((ch == '/' && i + 1 < l.length && l[i + 1] == '/') || (ch == '#' && new String(l, 0, i).isBlank())) {
                    for (int k = i; k < l.length; k++) l[k] = ' ';
                    break;
                }
                if (ch == ';') {
                    addStmt(ln + 1, start, new String(l, start, i - start));
                    start = i + 1;
                }
            }
            addStmt(ln + 1, start, new String(l, start, l.length - start));
        }
    }

    private void addStmt(int line, int col, String text) {
        if (!text.isBlank()) stmts.add(new Stmt(line, col, text));
    }

    // ------------------------------------------------------------------ .macro / .rept / .irp
    private record Macro(String name, List<String> params, List<String> defaults, List<Stmt> body) {}

    /**
     * Expands {@code .macro name a, b=1 ... .endm} (invocations substitute {@code \a}, {@code \@}
     * counts expansions), {@code .rept n ... .endr} (n a constant) and {@code .irp x, v1, v2 ...
     * .endr} before the passes; expanded statements keep the line of their body text.
     */
    private void expandMacros() {
        List<Stmt> in = new ArrayList<>(stmts);
        stmts.clear();
        Map<String, Macro> macros = new HashMap<>();
        expandInto(in, macros, stmts, 0);
    }

    private int macroCounter;

    private void expandInto(List<Stmt> in, Map<String, Macro> macros, List<Stmt> out, int depth) {
        if (depth > 100) throw new AssemblyException(file, in.isEmpty() ? 0 : in.get(0).line, 1, "macro or .rept nesting too deep");
        for (int i = 0; i < in.size(); i++) {
            Stmt s = in.get(i);
            String t = s.text.trim();
            String word = t.split("[\\s,]+", 2)[0].toLowerCase(Locale.ROOT);
            if (word.equals(".macro")) {
                String[] head = t.substring(6).trim().split("[\\s,]+");
                if (head.length == 0 || head[0].isEmpty()) throw located(s, "expected a macro name");
                List<String> params = new ArrayList<>(), defaults = new ArrayList<>();
                for (int k = 1; k < head.length; k++) {
                    if (head[k].isEmpty()) continue;
                    int eq = head[k].indexOf('=');
                    params.add(eq < 0 ? head[k] : head[k].substring(0, eq));
                    defaults.add(eq < 0 ? null : head[k].substring(eq + 1));
                }
                int end = blockEnd(in, i, ".macro", ".endm");
                macros.put(head[0].toLowerCase(Locale.ROOT), new Macro(head[0], params, defaults, new ArrayList<>(in.subList(i + 1, end))));
                i = end;
            } else if (word.equals(".rept")) {
                int end = blockEnd(in, i, ".rept", ".endr");
                Long n = tryConstant(t.substring(5).trim());
                if (n == null || n < 0 || n > 100_000) throw located(s, ".rept count must be a constant 0..100000");
                for (long k = 0; k < n; k++) expandInto(in.subList(i + 1, end), macros, out, depth + 1);
                i = end;
            } else if (word.equals(".irp")) {
                int end = blockEnd(in, i, ".irp", ".endr");
                String[] parts = t.substring(4).trim().split("\\s*,\\s*|\\s+");
                for (int k = 1; k < parts.length; k++) {
                    List<Stmt> body = new ArrayList<>();
                    for (Stmt b : in.subList(i + 1, end)) body.add(new Stmt(b.line, b.col, b.text.replace("\\" + parts[0], parts[k])));
                    expandInto(body, macros, out, depth + 1);
                }
                i = end;
            } else if (macros.containsKey(word) && !LABEL.matcher(t).lookingAt()) {
                Macro m = macros.get(word);
                String rest = t.substring(word.length()).trim();
                List<String> args = new ArrayList<>();
                if (!rest.isEmpty()) for (String a : rest.split("\\s*,\\s*")) args.add(a.trim());
                if (args.size() > m.params().size()) throw located(s, "too many arguments to macro " + m.name());
                int id = macroCounter++;
                List<Stmt> body = new ArrayList<>();
                for (Stmt b : m.body()) {
                    String text = b.text;
                    for (int k = 0; k < m.params().size(); k++) {
                        String v = k < args.size() && !args.get(k).isEmpty() ? args.get(k) : m.defaults().get(k);
                        if (v == null) throw located(s, "missing argument '" + m.params().get(k) + "' of macro " + m.name());
                        text = text.replace("\\" + m.params().get(k), v);
                    }
                    body.add(new Stmt(b.line, b.col, text.replace("\\@", Integer.toString(id))));
                }
                expandInto(body, macros, out, depth + 1);
            } else {
                // remember constant .equ/.set/= definitions so that a later .rept count can use them
                Matcher eq = EQU.matcher(t);
                String name = null, expr = null;
                if (eq.matches() && !t.startsWith(".")) { name = eq.group(1); expr = eq.group(2); }
                else if ((word.equals(".equ") || word.equals(".set")) && t.indexOf(',') > 0) {
                    name = t.substring(4, t.indexOf(',')).trim();
                    expr = t.substring(t.indexOf(',') + 1);
                }
                if (name != null) {
                    Long v = tryConstant(expr);
                    if (v != null) expansionConstants.put(name, v);
                }
                out.add(s);
            }
        }
    }

    private final Map<String, Long> expansionConstants = new HashMap<>();

    /** Index of the statement closing the block opened at {@code start} (nesting counted). */
    private int blockEnd(List<Stmt> in, int start, String open, String close) {
        int depth = 0;
        for (int j = start; j < in.size(); j++) {
            String w = in.get(j).text.trim().split("[\\s,]+", 2)[0].toLowerCase(Locale.ROOT);
            if (w.equals(open) || (close.equals(".endr") && (w.equals(".rept") || w.equals(".irp")))) depth++;
            else if (w.equals(close) && --depth == 0) return j;
        }
        throw located(in.get(start), open + " without " + close);
    }

    private AssemblyException located(Stmt s, String msg) {
        return new AssemblyException(file, s.line, s.col + 1, msg);
    }

    private AssemblyException error(String msg, int colInStmt) {
        return new AssemblyException(file, stmt.line, stmt.col + Math.max(colInStmt, 0) + 1, msg);
    }

    // ------------------------------------------------------------------------------ passes
    private Sec section(String name) {
        Sec s = sections.get(name);
        if (s == null) {
            s = new Sec(name);
            s.exec = name.startsWith(".text");
            s.write = name.startsWith(".data") || name.startsWith(".bss");
            sections.put(name, s);
        }
        return s;
    }

    private void run(int pass) {
        this.pass = pass;
        for (Sec s : sections.values()) {
            s.offset = 0;
            s.out = new ByteArrayOutputStream();
            s.insns = new ArrayList<>();
            s.pool = new Pool();
            s.poolNo = 0;
        }
        numericCount.clear();
        cur = section(".text");
        previous = null;
        sectionStack.clear();
        for (Stmt s : stmts) {
            stmt = s;
            try {
                statement(s);
            } catch (AsmException e) {
                throw error(e.getMessage(), e.column());
            }
        }
        for (Sec s : new ArrayList<>(sections.values())) {
            cur = s;
            flushPool();
        }
    }

    private final Map<String, Integer> numericCount = new HashMap<>();
    private static final Pattern LABEL = Pattern.compile("\\s*([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+)\\s*:");
    private static final Pattern EQU = Pattern.compile("\\s*([A-Za-z_.$][A-Za-z0-9_.$]*)\\s*=(.*)");

    private void statement(Stmt s) {
        String t = s.text;
        int pos = 0;
        while (true) {
            Matcher m = LABEL.matcher(t).region(pos, t.length());
            if (!m.lookingAt()) break;
            // "x0: " never happens in operands; but do not treat "ldr x0, [x1]" as a label (no ':' right after a word)
            defineLabel(m.group(1), pos + m.start(1));
            pos = m.end();
        }
        if (t.substring(pos).isBlank()) return;
        Matcher eq = EQU.matcher(t).region(pos, t.length());
        if (eq.matches() && !t.substring(pos).trim().startsWith(".")) {
            Cursor c = new Cursor(t, eq.start(2));
            defineAbsolute(eq.group(1), eval(c), eq.start(1));
            return;
        }
        Cursor c = new Cursor(t, pos);
        c.skipWs();
        int opStart = c.pos;
        int e = opStart;
        while (e < t.length() && !Character.isWhitespace(t.charAt(e))) e++;
        String op = t.substring(opStart, e).toLowerCase(Locale.ROOT);
        c.pos = e;
        if (op.startsWith(".")) directive(op, c, opStart);
        else instruction(op, c, opStart);
    }

    private void defineLabel(String name, int col) {
        if (Character.isDigit(name.charAt(0))) {
            int n = numericCount.merge(name, 1, Integer::sum);
            name = localName(name, n - 1);
        }
        Sym sym = symbols.computeIfAbsent(name, Sym::new);
        if (sym.definedInPass == pass) throw new AsmException("symbol '" + name + "' is already defined", col);
        sym.definedInPass = pass;
        sym.sec = cur;
        sym.value = cur.offset;
    }

    private static String localName(String num, int ordinal) { return num + "\u0002" + ordinal; }

    private void defineAbsolute(String name, long value, int col) {
        Sym sym = symbols.computeIfAbsent(name, Sym::new);
        sym.definedInPass = pass;
        sym.sec = null;
        sym.value = value;
    }

    private long pc() { return cur.address + cur.offset; }

    // ----------------------------------------------------------------------------- emitting
    private void emit(long value, int size) {
        if (pass == 2) {
            for (int i = 0; i < size; i++) cur.out.write((int) (value >>> (8 * i)));
        }
        cur.offset += size;
    }

    private void emitWord(int w) {
        if (pass == 2) cur.insns.add((int) cur.offset);
        emit(w & 0xffffffffL, 4);
    }

    private void alignTo(long boundary, Long fill) {
        if (boundary <= 1) return;
        if (boundary > cur.align) cur.align = (int) Math.min(boundary, 1 << 16);
        long target = (cur.offset + boundary - 1) / boundary * boundary;
        if (fill == null && cur.exec) {
            while (cur.offset < target && (cur.offset & 3) != 0) emit(0, 1);
            while (cur.offset + 4 <= target) emit(NOP & 0xffffffffL, 4);
        }
        while (cur.offset < target) emit(fill == null ? 0 : fill, 1);
    }

    // ----------------------------------------------------------------------------- directives
    private void directive(String d, Cursor c, int col) {
        switch (d) {
            case ".text": case ".data": case ".bss": case ".rodata":
                switchTo(section(d));
                return;
            case ".previous": {
                Sec p = previous;
                if (p == null) throw new AsmException(".previous without an earlier section", col);
                switchTo(p);
                return;
            }
            case ".popsection": {
                if (sectionStack.isEmpty()) throw new AsmException(".popsection without .pushsection", col);
                Sec[] top = sectionStack.remove(sectionStack.size() - 1);
                cur = top[0];
                previous = top[1];
                return;
            }
            case ".pushsection":
                sectionStack.add(new Sec[] {cur, previous});
                directive(".section", c, col);
                return;
            case ".section": {
                c.skipWs();
                int s = c.pos;
                while (c.pos < c.s.length() && c.s.charAt(c.pos) != ',' && !Character.isWhitespace(c.s.charAt(c.pos))) c.pos++;
                String name = c.s.substring(s, c.pos).replace("\"", "");
                if (name.isEmpty()) throw c.error("expected a section name");
                Sec sec = section(name);
                if (c.eat(',')) {
                    c.skipWs();
                    String flags = c.s.substring(c.pos);
                    int q1 = flags.indexOf('"'), q2 = flags.indexOf('"', q1 + 1);
                    if (q1 >= 0 && q2 > q1) {
                        String f = flags.substring(q1 + 1, q2);
                        sec.exec = f.contains("x");
                        sec.write = f.contains("w");
                    }
                }
                switchTo(sec);
                return;
            }
            case ".byte": data(c, 1); return;
            case ".hword": case ".short": case ".2byte": data(c, 2); return;
            case ".word": case ".long": case ".int": case ".4byte": data(c, 4); return;
            case ".quad": case ".xword": case ".dword": case ".8byte": data(c, 8); return;
            case ".inst":
                do {
                    c.skipWs();
                    int at = c.pos;
                    long v = eval(c);
                    if (v < Integer.MIN_VALUE || v > 0xffffffffL) throw c.errorAt(".inst value out of range", at);
                    emitWord((int) v);
                } while (c.eat(','));
                end(c);
                return;
            case ".ascii": strings(c, false); return;
            case ".asciz": case ".string": strings(c, true); return;
            case ".space": case ".skip": case ".zero": {
                c.skipWs();
                int at = c.pos;
                long n = eval(c);
                long fill = 0;
                if (!d.equals(".zero") && c.eat(',')) fill = eval(c);
                end(c);
                if (n < 0 || n > (1 << 28)) throw c.errorAt("size out of range: " + n, at);
                for (long i = 0; i < n; i++) emit(fill, 1);
                return;
            }
            case ".align": case ".p2align": case ".balign": {
                c.skipWs();
                int at = c.pos;
                long n = eval(c);
                Long fill = null;
                if (c.eat(',')) {
                    if (!c.peek(',')) fill = eval(c);
                    if (c.eat(',')) eval(c);
                }
                end(c);
                long boundary = d.equals(".balign") ? n : (n >= 0 && n < 31 ? 1L << n : -1);
                if (boundary < 1 || Long.bitCount(boundary) != 1) throw c.errorAt("alignment must be a power of two: " + n, at);
                alignTo(boundary, fill);
                return;
            }
            case ".org": {
                c.skipWs();
                int at = c.pos;
                long v = eval(c);
                end(c);
                long off = v >= cur.address && cur.address > 0 ? v - cur.address : v;
                if (off < cur.offset) throw c.errorAt(".org moves backwards (to " + off + " from " + cur.offset + ")", at);
                while (cur.offset < off) emit(0, 1);
                return;
            }
            case ".equ": case ".set": {
                c.skipWs();
                int at = c.pos;
                String name = c.ident();
                if (name.isEmpty()) throw c.errorAt("expected a symbol name", at);
                name = c.s.substring(at, at + name.length());
                c.expect(',');
                defineAbsolute(name, eval(c), at);
                end(c);
                return;
            }
            case ".global": case ".globl":
                do {
                    c.skipWs();
                    int at = c.pos;
                    String n = c.ident();
                    if (n.isEmpty()) throw c.errorAt("expected a symbol name", at);
                    globals.add(c.s.substring(at, at + n.length()));
                } while (c.eat(','));
                return;
            case ".ltorg": case ".pool":
                flushPool();
                return;
            case ".type": case ".size": case ".file": case ".ident": case ".arch": case ".cpu": case ".extern":
            case ".local": case ".weak": case ".hidden": case ".arch_extension": case ".end":
                return;
            default:
                if (d.startsWith(".cfi_")) return;
                throw new AsmException("unknown directive '" + d + "'", col);
        }
    }

    private Sec previous;
    private final List<Sec[]> sectionStack = new ArrayList<>();

    private void switchTo(Sec s) {
        if (s != cur) previous = cur;
        cur = s;
    }

    private void end(Cursor c) {
        if (!c.atEnd()) throw c.error("unexpected text '" + c.s.substring(c.pos).trim() + "'");
    }

    private void data(Cursor c, int size) {
        do {
            c.skipWs();
            int at = c.pos;
            long v = eval(c);
            if (size < 8) {
                long max = 1L << (8 * size);
                if (pass == 2 && (v >= max || v < -(max >> 1))) throw c.errorAt("value out of range for " + size + " byte(s): " + v, at);
            }
            emit(v, size);
        } while (c.eat(','));
        end(c);
    }

    private void strings(Cursor c, boolean zero) {
        do {
            c.skipWs();
            if (!c.eat('"')) throw c.error("expected a string");
            StringBuilder raw = new StringBuilder();
            while (true) {
                if (c.pos >= c.s.length()) throw c.error("unterminated string");
                char ch = c.s.charAt(c.pos++);
                if (ch == '"') break;
                if (ch == '\\' && c.pos < c.s.length()) {
                    char e = c.s.charAt(c.pos++);
                    switch (e) {
                        case 'n': raw.append('\n'); break;
                        case 't': raw.append('\t'); break;
                        case 'r': raw.append('\r'); break;
                        case 'b': raw.append('\b'); break;
                        case 'f': raw.append('\f'); break;
                        case 'x': {
                            int v = 0, k = 0;
                            while (c.pos < c.s.length() && Character.digit(c.s.charAt(c.pos), 16) >= 0) { v = v * 16 + Character.digit(c.s.charAt(c.pos++), 16); k++; }
                            raw.append((char) (v & 0xff));
                            break;
                        }
                        default:
                            if (e >= '0' && e <= '7') {
                                int v = e - '0', k = 1;
                                while (k < 3 && c.pos < c.s.length() && c.s.charAt(c.pos) >= '0' && c.s.charAt(c.pos) <= '7') { v = v * 8 + (c.s.charAt(c.pos++) - '0'); k++; }
                                raw.append((char) (v & 0xff));
                            } else {
                                raw.append(e);
                            }
                    }
                } else {
                    raw.append(ch);
                }
            }
            byte[] b = raw.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            for (byte x : b) emit(x & 0xff, 1);
            if (zero) emit(0, 1);
        } while (c.eat(','));
        end(c);
    }

    // ---------------------------------------------------------------------------- literal pools
    private static final Pattern LITERAL = Pattern.compile("\\s*([wx])([0-9]+|zr)\\s*,\\s*=(.*)", Pattern.CASE_INSENSITIVE);

    private String poolKey(String expr, int size) {
        Long constant = tryConstant(expr);
        return size + ":" + (constant != null ? "#" + constant : expr.replaceAll("\\s+", ""));
    }

    private Long tryConstant(String expr) {
        int savedPass = pass;
        try {
            pass = 3;   // evaluation with symbols forbidden
            Cursor c = new Cursor(expr, 0);
            long v = eval(c);
            return c.atEnd() ? v : null;
        } catch (AsmException e) {
            return null;
        } finally {
            pass = savedPass;
        }
    }

    private void addLiteral(String expr, int size) {
        String key = cur.poolNo + "|" + poolKey(expr, size);
        for (Object[] e : cur.pool.entries) if (e[0].equals(key)) { cur.literalOf.put(stmt, key); return; }
        cur.pool.entries.add(new Object[] {key, size, expr, stmt});
        cur.literalOf.put(stmt, key);
    }

    private void flushPool() {
        Pool p = cur.pool;
        if (p.entries.isEmpty()) return;
        for (int size : new int[] {4, 8}) {
            boolean any = false;
            for (Object[] e : p.entries) any |= (Integer) e[1] == size;
            if (!any) continue;
            alignTo(size, 0L);
            for (Object[] e : p.entries) {
                if ((Integer) e[1] != size) continue;
                cur.literalAddr.put((String) e[0], cur.offset);
                long v = 0;
                if (pass == 2) {
                    Stmt saved = stmt;
                    stmt = (Stmt) e[3];
                    try {
                        v = eval(new Cursor((String) e[2], 0));
                    } catch (AsmException ex) {
                        throw error(ex.getMessage(), -1);
                    } finally {
                        stmt = saved;
                    }
                }
                emit(v, size);
            }
        }
        cur.pool = new Pool();
        cur.poolNo++;
    }

    // ----------------------------------------------------------------------------- instructions
    private static final Map<String, List<Encoding>> CANDIDATES = new HashMap<>();

    static {
        List<Encoding> all = new ArrayList<>(A64.encodings());
        all.addAll(A64.aliases());
        // Candidates in table order, so that e.g. ADD (immediate) is tried before (shifted register).
        all.sort((x, y) -> Integer.compare(order(x), order(y)));
        for (Encoding e : all) {
            CANDIDATES.computeIfAbsent(Operands.of(e).mnemonic(), k -> new ArrayList<>()).add(e);
        }
    }

    private static int order(Encoding e) {
        return e.isAlias() ? e.aliasOf().index() : e.index();
    }

    private void instruction(String mn, Cursor c, int col) {
        if ((mn.equals("ldr") || mn.equals("ldrsw"))) {
            Matcher m = LITERAL.matcher(c.s.substring(c.pos));
            if (m.matches()) addLiteral(m.group(3), mn.equals("ldr") && m.group(1).equalsIgnoreCase("x") ? 8 : 4);
        }
        if (pass == 1) {
            if (!CANDIDATES.containsKey(mn) && !isCondBranch(mn)) throw new AsmException("unknown mnemonic '" + mn + "'", col);
            emitWord(0);
            return;
        }
        emitWord(encode(mn, c, col));
    }

    private static boolean isCondBranch(String mn) {
        return mn.startsWith("b.") && Operands.condOf(mn.substring(2)) >= 0;
    }

    private int encode(String mn, Cursor c, int col) {
        List<Encoding> cands;
        int preset = 0;
        if (isCondBranch(mn)) {
            Encoding b = A64.byId("B_only_condbranch");
            cands = List.of(b);
            preset = b.field("cond").insert(0, Operands.condOf(mn.substring(2)));
        } else {
            cands = CANDIDATES.get(mn);
        }
        if (cands == null) throw new AsmException("unknown mnemonic '" + mn + "'", col);
        Ctx ctx = new Ctx();
        AsmException best = null;
        Integer firstValid = null;
        int start = c.pos;
        for (Encoding e : cands) {
            c.pos = start;
            try {
                int w = operands(e, e.defaultWord() | preset, c, ctx);
                if (A64.decode(w) == null) {
                    throw new AsmException("invalid operand combination for " + mn + " (unallocated encoding 0x" + Integer.toHexString(w) + ")", start);
                }
                if (A64.preferred(w) == e) return w;
                if (firstValid == null) firstValid = w;
            } catch (AsmException ex) {
                if (best == null || rank(ex) > rank(best)) best = ex;
            }
        }
        if (firstValid != null) return firstValid;
        // GNU as turns an unencodable scaled offset into the unscaled form (ldr -> ldur).
        if ((mn.startsWith("ld") || mn.startsWith("st")) && mn.length() > 2 && mn.charAt(2) == 'r') {
            String un = mn.substring(0, 2) + "u" + mn.substring(2);
            if (CANDIDATES.containsKey(un)) {
                c.pos = start;
                try {
                    return encode(un, c, col);
                } catch (AsmException ignored) {
                    // report the original error
                }
            }
        }
        throw best;
    }

    /**
     * Which candidate's error to report: a value error (out of range, not encodable, undefined
     * symbol) beats a syntax mismatch of another candidate; then the one that got further.
     */
    private static int rank(AsmException ex) {
        String m = ex.getMessage();
        boolean value = m.contains("out of range") || m.contains("cannot be") || m.contains("aligned") || m.contains("undefined symbol")
                || m.contains("must be");
        return ex.column() + (value ? 100_000 : 0);
    }

    private int operands(Encoding e, int w, Cursor c, AsmContext ctx) {
        Operands.Template t = Operands.of(e);
        List<Operands.Operand> ops = t.operands();
        for (int i = 0; i < ops.size(); i++) {
            Operands.Operand op = ops.get(i);
            if (op.optional() && c.atEnd()) {
                w = op.applyDefault(e, w);
                continue;
            }
            if (i > 0) c.expect(',');
            w = op.parse(e, w, c, ctx);
        }
        if (!c.atEnd()) throw c.error("unexpected operand text '" + c.s.substring(c.pos).trim() + "'");
        return w;
    }

    private final class Ctx implements AsmContext {
        @Override public long pc() { return Assembler.this.pc(); }
        @Override public long eval(Cursor c) { return Assembler.this.eval(c); }
        @Override public long literal(long value, int size, Cursor c) {
            String key = cur.literalOf.get(stmt);
            Long off = key == null ? null : cur.literalAddr.get(key);
            if (off == null) throw c.error("literal pool entry not found");
            return cur.address + off;
        }
    }

    // ------------------------------------------------------------------------------ expressions
    long eval(Cursor c) {
        return or(c);
    }

    private long or(Cursor c) {
        long v = xor(c);
        while (c.peek('|') && !c.s.startsWith("||", c.pos)) { c.pos++; v |= xor(c); }
        return v;
    }

    private long xor(Cursor c) {
        long v = and(c);
        while (c.eat('^')) v ^= and(c);
        return v;
    }

    private long and(Cursor c) {
        long v = shift(c);
        while (c.peek('&') && !c.s.startsWith("&&", c.pos)) { c.pos++; v &= shift(c); }
        return v;
    }

    private long shift(Cursor c) {
        long v = additive(c);
        while (true) {
            c.skipWs();
            if (c.s.startsWith("<<", c.pos)) { c.pos += 2; v <<= additive(c); }
            else if (c.s.startsWith(">>", c.pos)) { c.pos += 2; v >>= additive(c); }
            else return v;
        }
    }

    private long additive(Cursor c) {
        long v = mult(c);
        while (true) {
            if (c.eat('+')) v += mult(c);
            else if (c.eat('-')) v -= mult(c);
            else return v;
        }
    }

    private long mult(Cursor c) {
        long v = unary(c);
        while (true) {
            c.skipWs();
            int at = c.pos;
            if (c.eat('*')) v *= unary(c);
            else if (c.eat('/')) { long d = unary(c); if (d == 0) throw c.errorAt("division by zero", at); v /= d; }
            else if (c.eat('%')) { long d = unary(c); if (d == 0) throw c.errorAt("division by zero", at); v %= d; }
            else return v;
        }
    }

    private long unary(Cursor c) {
        if (c.eat('-')) return -unary(c);
        if (c.eat('+')) return unary(c);
        if (c.eat('~')) return ~unary(c);
        if (c.eat('!')) return unary(c) == 0 ? 1 : 0;
        return primary(c);
    }

    private long primary(Cursor c) {
        c.skipWs();
        int at = c.pos;
        if (c.eat('(')) {
            long v = eval(c);
            c.expect(')');
            return v;
        }
        if (c.s.startsWith(":lo12:", c.pos)) {
            c.pos += 6;
            return unary(c) & 0xfff;
        }
        if (c.pos >= c.s.length()) throw c.error("expected an expression");
        char ch = c.s.charAt(c.pos);
        if (ch == '\'') {
            if (c.pos + 2 < c.s.length() && c.s.charAt(c.pos + 2) == '\'') { c.pos += 3; return c.s.charAt(at + 1); }
            throw c.error("bad character constant");
        }
        if (Character.isDigit(ch)) {
            int e = c.pos;
            while (e < c.s.length() && Character.isLetterOrDigit(c.s.charAt(e))) e++;
            String lit = c.s.substring(c.pos, e).toLowerCase(Locale.ROOT);
            c.pos = e;
            if (lit.matches("[0-9]+[bf]")) return localLabel(lit, at);
            try {
                if (lit.startsWith("0x")) return Long.parseUnsignedLong(lit.substring(2), 16);
                if (lit.startsWith("0b")) return Long.parseUnsignedLong(lit.substring(2), 2);
                if (lit.length() > 1 && lit.startsWith("0")) return Long.parseUnsignedLong(lit.substring(1), 8);
                return Long.parseUnsignedLong(lit);
            } catch (NumberFormatException ex) {
                throw c.errorAt("bad number '" + lit + "'", at);
            }
        }
        if (ch == '.' && (c.pos + 1 >= c.s.length() || !Cursor.isIdent(c.s.charAt(c.pos + 1)))) {
            c.pos++;
            return pc();
        }
        if (Character.isLetter(ch) || ch == '_' || ch == '.' || ch == '$') {
            int e = c.pos;
            while (e < c.s.length() && Cursor.isIdent(c.s.charAt(e))) e++;
            String name = c.s.substring(c.pos, e);
            c.pos = e;
            return symbolValue(name, at, c);
        }
        throw c.errorAt("expected an expression", at);
    }

    private long localLabel(String ref, int at) {
        String num = ref.substring(0, ref.length() - 1);
        int seen = numericCount.getOrDefault(num, 0);
        int ordinal = ref.endsWith("b") ? seen - 1 : seen;
        if (ordinal < 0) throw new AsmException("undefined local label " + ref, at);
        return symbolValue(localName(num, ordinal), at, null);
    }

    private long symbolValue(String name, int at, Cursor c) {
        Sym s = symbols.get(name);
        if (pass == 3) {
            Long v = expansionConstants.get(name);
            if (v == null) throw new AsmException("not a constant", at);
            return v;
        }
        boolean known = s != null && (s.definedInPass == pass || (pass == 2 && s.definedInPass >= 1));
        if (!known) {
            if (pass == 1) return 0;
            String shown = name.contains("\u0002") ? name.substring(0, name.indexOf('\u0002')) + " (local label)" : name;
            throw new AsmException("undefined symbol '" + shown + "'", at);
        }
        return s.sec == null ? s.value : s.sec.address + s.value;
    }

    // ------------------------------------------------------------------------------ layout/output
    private void layout() {
        long addr = baseAddress;
        boolean first = true;
        for (Sec s : sections.values()) {
            if (s.offset == 0 && !s.name.equals(".text")) continue;
            if (!first) addr = (addr + PAGE - 1) / PAGE * PAGE;
            addr = (addr + s.align - 1) / s.align * s.align;
            s.address = addr;
            addr += s.offset;
            first = false;
        }
    }

    private Program program() {
        List<Program.Section> out = new ArrayList<>();
        long end = baseAddress;
        for (Sec s : sections.values()) {
            if (s.offset == 0) continue;
            out.add(new Program.Section(s.name, s.address, s.out.toByteArray(), s.exec, s.write, s.align, List.copyOf(s.insns)));
            end = Math.max(end, s.address + s.offset);
        }
        byte[] image = new byte[(int) (end - baseAddress)];
        for (Program.Section s : out) System.arraycopy(s.bytes(), 0, image, (int) (s.address() - baseAddress), s.bytes().length);
        Map<String, Long> syms = new LinkedHashMap<>();
        for (Sym s : symbols.values()) {
            if (s.name.contains("\u0002")) continue;
            syms.put(s.name, s.sec == null ? s.value : s.sec.address + s.value);
        }
        return new Program(image, baseAddress, syms, out, globals);
    }
}
