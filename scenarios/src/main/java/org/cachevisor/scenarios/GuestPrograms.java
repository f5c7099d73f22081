package org.cachevisor.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.isa.text.Program;

/**
 * The scenario guests' sources (resources under {@code /guests/}) and their assembly with the
 * project's {@link Assembler}. A guest is {@code common.s} followed by the scenario's own source
 * (the assembler has no {@code .include}), assembled at {@link #IMAGE_IPA}; the resulting
 * {@link Program} holds the flat image (entry = first byte) and the symbol table, through which a
 * scenario engine finds the data the VMM provides (e.g. {@code s7_boot_counter}) and the fixed IPAs
 * the guest uses ({@code SCRATCH_IPA}, {@code MARKER_IPA}, ... are {@code .equ} symbols).
 * The protocol between guest and host script is described in {@code guests/README.md}.
 */
public final class GuestPrograms {
    /** Where every guest image is loaded and entered (RAM base + the Linux arm64 text_offset). */
    public static final long IMAGE_IPA = 0x4008_0000L;
    /** The shared source concatenated before each scenario source. */
    public static final String COMMON = "common.s";

    private GuestPrograms() {}

    /** The text of resource {@code guests/<name>}; IllegalArgumentException if there is none. */
    public static String resource(String name) {
        try (InputStream in = GuestPrograms.class.getResourceAsStream("/guests/" + name)) {
            if (in == null) throw new IllegalArgumentException("no guest source guests/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading guests/" + name, e);
        }
    }

    /**
     * The complete source of guest {@code scenarioSource} (e.g. {@code "s2-enable-shadow.s"}):
     * {@code common.s}, a newline, then the scenario's source. Line numbers in assembler errors
     * count from the start of common.s.
     */
    public static String source(String scenarioSource) {
        return resource(COMMON) + "\n" + resource(scenarioSource);
    }

    /** Assembles guest {@code scenarioSource} at {@link #IMAGE_IPA}. */
    public static Program assemble(String scenarioSource) {
        return Assembler.assemble(source(scenarioSource), COMMON + "+" + scenarioSource, IMAGE_IPA);
    }
}
