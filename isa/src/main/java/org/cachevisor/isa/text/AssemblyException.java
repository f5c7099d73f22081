package org.cachevisor.isa.text;

/** Bad assembler input, located: the message reads {@code file:line:column: problem}. */
public final class AssemblyException extends IllegalArgumentException {
    private final String file;
    private final int line;
    private final int column;
    private final String problem;

    public AssemblyException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public String file() { return file; }
    /** 1-based line. */
    public int line() { return line; }
    /** 1-based column. */
    public int column() { return column; }
    /** The problem without its location. */
    public String problem() { return problem; }
}
