package org.cachevisor.isa;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tiny expression language for the table's guards and alias conditions, so that they read like
 * the Arm ARM's pseudocode: {@code "sf == 0 && N == 1"}, {@code "imms != 31 && imms + 1 == immr"},
 * {@code "!moveWidePreferred(sf, N, imms, immr)"}.
 *
 * <p>Grammar (C precedence): {@code || && == != < <= > >= + - * & | ! unary-} over integer literals
 * (decimal, {@code 0x..}, {@code 0b..}), field names of the row (UInt of the field), and the ASL
 * helper functions of {@link Bits} listed in {@link #FUNCTIONS}. Booleans are 0/1. Names are
 * resolved against the row's fields when the table is built, so a typo fails class initialisation.
 */
public final class Expr {
    /** Evaluates over an instruction word. */
    interface Node { int eval(int word); }

    /** A helper of up to 5 arguments (missing ones are 0); no allocation per call. */
    interface Fn { int apply(int a, int b, int c, int d, int e); }

    static final Map<String, Fn> FUNCTIONS = Map.of(
            "moveWidePreferred", (a, b, c, d, e) -> Bits.moveWidePreferred(a, b, c, d) ? 1 : 0,
            "bfxPreferred", (a, b, c, d, e) -> Bits.bfxPreferred(a, b, c, d) ? 1 : 0,
            "validBitMasks", (a, b, c, d, e) -> Bits.validBitMasks(a, b, c, d) ? 1 : 0,
            "bitmaskIsWideConstant", (a, b, c, d, e) -> Bits.bitmaskIsWideConstant(a, b, c, d) ? 1 : 0,
            "sysOp", (a, b, c, d, e) -> SysOps.kind(a, b, c, d, e),
            "isZero", (a, b, c, d, e) -> a == 0 ? 1 : 0);

    private final String text;
    private final Node root;

    private Expr(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /** The source text. */
    public String text() { return text; }

    /** True if the expression is non-zero for {@code word}. */
    public boolean test(int word) { return root.eval(word) != 0; }

    /** Value of the expression for {@code word}. */
    public int eval(int word) { return root.eval(word); }

    @Override public String toString() { return text; }

    /** Parses {@code text}, resolving names with {@code fields}. */
    static Expr parse(String text, Map<String, Field> fields) {
        Parser p = new Parser(text, fields);
        Node n = p.or();
        p.skip();
        if (p.pos != text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "'");
        return new Expr(text, n);
    }

    private static final class Parser {
        final String s;
        final Map<String, Field> fields;
        int pos;

        Parser(String s, Map<String, Field> fields) { this.s = s; this.fields = fields; }

        IllegalArgumentException error(String why) {
            return new IllegalArgumentException("expression \"" + s + "\" column " + (pos + 1) + ": " + why);
        }

        void skip() { while (pos < s.length() && s.charAt(pos) == ' ') pos++; }

        boolean eat(String tok) {
            skip();
            if (s.startsWith(tok, pos)) {
                // do not split "<=" into "<" "=" or "&&" into "&"
                if (tok.length() == 1 && pos + 1 < s.length()) {
                    char c = tok.charAt(0), d = s.charAt(pos + 1);
                    if ((c == '&' && d == '&') || (c == '|' && d == '|') || ((c == '<' || c == '>' || c == '!' || c == '=') && d == '=')) return false;
                }
                pos += tok.length();
                return true;
            }
            return false;
        }

        Node or() {
            Node l = and();
            while (eat("||")) { Node a = l, b = and(); l = w -> (a.eval(w) != 0 || b.eval(w) != 0) ? 1 : 0; }
            return l;
        }

        Node and() {
            Node l = cmp();
            while (eat("&&")) { Node a = l, b = cmp(); l = w -> (a.eval(w) != 0 && b.eval(w) != 0) ? 1 : 0; }
            return l;
        }

        Node cmp() {
            Node a = add();
            if (eat("==")) { Node b = add(); return w -> a.eval(w) == b.eval(w) ? 1 : 0; }
            if (eat("!=")) { Node b = add(); return w -> a.eval(w) != b.eval(w) ? 1 : 0; }
            if (eat("<=")) { Node b = add(); return w -> a.eval(w) <= b.eval(w) ? 1 : 0; }
            if (eat(">=")) { Node b = add(); return w -> a.eval(w) >= b.eval(w) ? 1 : 0; }
            if (eat("<")) { Node b = add(); return w -> a.eval(w) < b.eval(w) ? 1 : 0; }
            if (eat(">")) { Node b = add(); return w -> a.eval(w) > b.eval(w) ? 1 : 0; }
            return a;
        }

        Node add() {
            Node l = mul();
            while (true) {
                if (eat("+")) { Node a = l, b = mul(); l = w -> a.eval(w) + b.eval(w); }
                else if (eat("-")) { Node a = l, b = mul(); l = w -> a.eval(w) - b.eval(w); }
                else if (eat("|")) { Node a = l, b = mul(); l = w -> a.eval(w) | b.eval(w); }
                else return l;
            }
        }

        Node mul() {
            Node l = unary();
            while (true) {
                if (eat("*")) { Node a = l, b = unary(); l = w -> a.eval(w) * b.eval(w); }
                else if (eat("&")) { Node a = l, b = unary(); l = w -> a.eval(w) & b.eval(w); }
                else return l;
            }
        }

        Node unary() {
            if (eat("!")) { Node a = unary(); return w -> a.eval(w) == 0 ? 1 : 0; }
            if (eat("-")) { Node a = unary(); return w -> -a.eval(w); }
            return primary();
        }

        Node primary() {
            skip();
            if (eat("(")) {
                Node n = or();
                if (!eat(")")) throw error("expected ')'");
                return n;
            }
            int start = pos;
            if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) pos++;
                String lit = s.substring(start, pos);
                int v;
                if (lit.startsWith("0b")) v = Integer.parseInt(lit.substring(2), 2);
                else if (lit.startsWith("0x")) v = Integer.parseInt(lit.substring(2), 16);
                else v = Integer.parseInt(lit);
                return w -> v;
            }
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
            if (start == pos) throw error("expected a name or number");
            String name = s.substring(start, pos);
            if (eat("(")) {
                Fn fn = FUNCTIONS.get(name);
                if (fn == null) throw error("unknown function " + name);
                List<Node> args = new ArrayList<>();
                if (!eat(")")) {
                    do { args.add(or()); } while (eat(","));
                    if (!eat(")")) throw error("expected ')'");
                }
                if (args.size() > 5) throw error("too many arguments to " + name);
                while (args.size() < 5) args.add(w -> 0);
                Node a0 = args.get(0), a1 = args.get(1), a2 = args.get(2), a3 = args.get(3), a4 = args.get(4);
                return w -> fn.apply(a0.eval(w), a1.eval(w), a2.eval(w), a3.eval(w), a4.eval(w));
            }
            Field f = fields.get(name);
            if (f == null) throw error("unknown field " + name);
            return f::extract;
        }
    }
}
