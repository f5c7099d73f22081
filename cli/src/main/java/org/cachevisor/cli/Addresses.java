package org.cachevisor.cli;

import picocli.CommandLine;

/** Parses addresses and sizes given on the command line: {@code 0x4000_0000}, {@code 1073741824}. */
final class Addresses implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
        return parse(text);
    }

    static long parse(String text) {
        String t = text.trim().replace("_", "");
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) return Long.parseUnsignedLong(t.substring(2), 16);
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not an address: '" + text + "' (use hex 0x... or decimal)");
        }
    }
}
