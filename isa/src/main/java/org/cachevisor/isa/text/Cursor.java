package org.cachevisor.isa.text;

import java.util.Locale;

/** A position in one statement's operand text, for the operand parsers. */
final class Cursor {
    final String s;
    int pos;

    Cursor(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    void skipWs() {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) pos++;
    }

    boolean atEnd() {
        skipWs();
        return pos >= s.length();
    }

    boolean peek(char c) {
        skipWs();
        return pos < s.length() && s.charAt(pos) == c;
    }

    boolean eat(char c) {
        if (peek(c)) { pos++; return true; }
        return false;
    }

    void expect(char c) {
        if (!eat(c)) throw error("expected '" + c + "'");
    }

    /** Eats a case-insensitive keyword followed by a non-identifier character. */
    boolean eatWord(String w) {
        skipWs();
        int end = pos + w.length();
        if (end > s.length() || !s.regionMatches(true, pos, w, 0, w.length())) return false;
        if (end < s.length() && isIdent(s.charAt(end))) return false;
        pos = end;
        return true;
    }

    /** The identifier at the cursor (lower case) without consuming it, or "". */
    String peekIdent() {
        skipWs();
        int e = pos;
        while (e < s.length() && isIdent(s.charAt(e))) e++;
        return s.substring(pos, e).toLowerCase(Locale.ROOT);
    }

    String ident() {
        String id = peekIdent();
        pos += id.length();
        return id;
    }

    static boolean isIdent(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
    }

    AsmException error(String msg) {
        skipWs();
        return new AsmException(msg, pos);
    }

    AsmException errorAt(String msg, int at) {
        return new AsmException(msg, at);
    }
}
