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

    /** The ASL helpers callable from an expression, by name (each takes up to 5 arguments, missing ones 0). */
    static final List<String> FUNCTIONS = List.of("moveWidePreferred", "bfxPreferred", "validBitMasks",
            "bitmaskIsWideConstant", "sysOp", "isZero");

    private static int call(int fn, int a, int b, int c, int d, int e) {
        switch (fn) {
            case 0: return Bits.moveWidePreferred(a, b, c, d) ? 1 : 0;
            case 1: return Bits.bfxPreferred(a, b, c, d) ? 1 : 0;
            case 2: return Bits.validBitMasks(a, b, c, d) ? 1 : 0;
            case 3: return Bits.bitmaskIsWideConstant(a, b, c, d) ? 1 : 0;
            case 4: return SysOps.kind(a, b, c, d, e);
            case 5: return a == 0 ? 1 : 0;
            default: throw new IllegalStateException("function " + fn);
        }
    }

    /**
     * One node of a parsed expression: an operator over its operands, a literal, a field or a helper call.
     * One class with a switch rather than a lambda per operator: the table's expressions are parsed when
     * the decoder is built at start-up, where each lambda call site would cost a class spun at run time.
     */
    private static final class Op implements Node {
        static final int LIT = 0, FIELD = 1, CALL = 2, OR = 3, AND = 4, EQ = 5, NE = 6, LE = 7, GE = 8, LT = 9,
                GT = 10, ADD = 11, SUB = 12, BITOR = 13, MUL = 14, BITAND = 15, NOT = 16, NEG = 17;
        final int op;
        final int value; // LIT: the literal; CALL: the function's index in FUNCTIONS
        final Field field;
        final Node a, b;
        final Node[] args;

        Op(int op, int value, Field field, Node a, Node b, Node[] args) {
            this.op = op;
            this.value = value;
            this.field = field;
            this.a = a;
            this.b = b;
            this.args = args;
        }

        static Op binary(int op, Node a, Node b) { return new Op(op, 0, null, a, b, null); }

        @Override
        public int eval(int w) {
            switch (op) {
                case LIT: return value;
                case FIELD: return field.extract(w);
                case CALL: return call(value, args[0].eval(w), args[1].eval(w), args[2].eval(w), args[3].eval(w), args[4].eval(w));
                case OR: return (a.eval(w) != 0 || b.eval(w) != 0) ? 1 : 0;
                case AND: return (a.eval(w) != 0 && b.eval(w) != 0) ? 1 : 0;
                case EQ: return a.eval(w) == b.eval(w) ? 1 : 0;
                case NE: return a.eval(w) != b.eval(w) ? 1 : 0;
                case LE: return a.eval(w) <= b.eval(w) ? 1 : 0;
                case GE: return a.eval(w) >= b.eval(w) ? 1 : 0;
                case LT: return a.eval(w) < b.eval(w) ? 1 : 0;
                case GT: return a.eval(w) > b.eval(w) ? 1 : 0;
                case ADD: return a.eval(w) + b.eval(w);
                case SUB: return a.eval(w) - b.eval(w);
                case BITOR: return a.eval(w) | b.eval(w);
                case MUL: return a.eval(w) * b.eval(w);
                case BITAND: return a.eval(w) & b.eval(w);
                case NOT: return a.eval(w) == 0 ? 1 : 0;
                case NEG: return -a.eval(w);
                default: throw new IllegalStateException("op " + op);
            }
        }
    }

    private static final Op ZERO = new Op(Op.LIT, 0, null, null, null, null);

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
            while (eat("||")) l = Op.binary(Op.OR, l, and());
            return l;
        }

        Node and() {
            Node l = cmp();
            while (eat("&&")) l = Op.binary(Op.AND, l, cmp());
            return l;
        }

        Node cmp() {
            Node a = add();
            if (eat("==")) return Op.binary(Op.EQ, a, add());
            if (eat("!=")) return Op.binary(Op.NE, a, add());
            if (eat("<=")) return Op.binary(Op.LE, a, add());
            if (eat(">=")) return Op.binary(Op.GE, a, add());
            if (eat("<")) return Op.binary(Op.LT, a, add());
            if (eat(">")) return Op.binary(Op.GT, a, add());
            return a;
        }

        Node add() {
            Node l = mul();
            while (true) {
                if (eat("+")) l = Op.binary(Op.ADD, l, mul());
                else if (eat("-")) l = Op.binary(Op.SUB, l, mul());
                else if (eat("|")) l = Op.binary(Op.BITOR, l, mul());
                else return l;
            }
        }

        Node mul() {
            Node l = unary();
            while (true) {
                if (eat("*")) l = Op.binary(Op.MUL, l, unary());
                else if (eat("&")) l = Op.binary(Op.BITAND, l, unary());
                else return l;
            }
        }

        Node unary() {
            if (eat("!")) return Op.binary(Op.NOT, unary(), null);
            if (eat("-")) return Op.binary(Op.NEG, unary(), null);
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
                return new Op(Op.LIT, v, null, null, null, null);
            }
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
            if (start == pos) throw error("expected a name or number");
            String name = s.substring(start, pos);
            if (eat("(")) {
                int fn = FUNCTIONS.indexOf(name);
                if (fn < 0) throw error("unknown function " + name);
                List<Node> args = new ArrayList<>();
                if (!eat(")")) {
                    do { args.add(or()); } while (eat(","));
                    if (!eat(")")) throw error("expected ')'");
                }
                if (args.size() > 5) throw error("too many arguments to " + name);
                while (args.size() < 5) args.add(ZERO);
                return new Op(Op.CALL, fn, null, null, null, args.toArray(new Node[0]));
            }
            Field f = fields.get(name);
            if (f == null) throw error("unknown field " + name);
            return new Op(Op.FIELD, 0, f, null, null, null);
        }
    }
}
