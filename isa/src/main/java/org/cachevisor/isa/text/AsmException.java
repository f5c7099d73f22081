package org.cachevisor.isa.text;

/**
 * Bad assembler input. {@link #getMessage()} reads {@code file:line:column: message} once the
 * assembler has located it; {@link #column()} is 0-based within the text the operand parser saw.
 */
public final class AsmException extends RuntimeException {
    private final int column;

    public AsmException(String message, int column) {
        super(message);
        this.column = column;
    }

    /** 0-based column within the parsed text (-1 if unknown). */
    public int column() { return column; }
}
