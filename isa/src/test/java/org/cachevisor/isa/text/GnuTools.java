package org.cachevisor.isa.text;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the GNU binutils cross tools (the independent reference); skips or fails when absent. */
final class GnuTools {
    static final String AS = "aarch64-linux-gnu-as";
    static final String OBJDUMP = "aarch64-linux-gnu-objdump";
    static final String MARCH = "-march=armv8.5-a+memtag+predres";

    private GnuTools() {}

    /** Skips the test with a visible message if the tool is missing, unless CI=true (then fails). */
    static void require(String tool) {
        boolean present = run(List.of(tool, "--version"), null).exit == 0;
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(tool + " not found on PATH but CI=true: install binutils-aarch64-linux-gnu");
        }
        assumeTrue(present, tool + " not found on PATH: skipping the GNU differential test (install binutils-aarch64-linux-gnu)");
    }

    record Result(int exit, String out, String err) {}

    static Result run(List<String> cmd, Path dir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (dir != null) pb.directory(dir.toFile());
            Path out = Files.createTempFile("gnu", ".out"), err = Files.createTempFile("gnu", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "", "timeout");
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", e.toString());
        }
    }

    /** objdump -D -b binary -m aarch64 of raw words: the instruction text per word, in order. */
    static List<String> objdumpWords(int[] words, Path dir) throws IOException {
        byte[] b = new byte[words.length * 4];
        for (int i = 0; i < words.length; i++) {
            for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (words[i] >>> (8 * k));
        }
        Path bin = dir.resolve("words.bin");
        Files.write(bin, b);
        Result r = run(List.of(OBJDUMP, "-D", "-b", "binary", "-m", "aarch64", bin.toString()), dir);
        if (r.exit != 0) throw new AssertionError("objdump failed: " + r.err);
        return instructionTexts(r.out);
    }

    /** Extracts "text" from objdump lines "  addr:\tword \ttext", dropping symbol suffixes " <...>". */
    static List<String> instructionTexts(String objdumpOutput) {
        List<String> texts = new ArrayList<>();
        for (String line : objdumpOutput.split("\n")) {
            int colon = line.indexOf(":\t");
            if (colon < 0 || !line.substring(0, colon).trim().matches("[0-9a-f]+")) continue;
            String rest = line.substring(colon + 2);
            int tab = rest.indexOf(" \t");
            if (tab < 0) continue;
            String text = rest.substring(tab + 2);
            texts.add(text.replaceAll(" <[^>]*>", ""));
        }
        return texts;
    }
}
