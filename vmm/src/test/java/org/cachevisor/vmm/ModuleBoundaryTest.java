package org.cachevisor.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The VMM sees only its own interfaces, isa and the hypervisor API: no main source file may import memsys, machine,
 * oracle or hypervisor code ({@code org.cachevisor.hypervisor.api} is the boundary it may use).
 */
class ModuleBoundaryTest {
    @Test
    void mainSources_importNeitherMemsysNorMachine() throws IOException {
        Path main = Path.of("src/main/java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    String text = Files.readString(p);
                    return text.matches("(?s).*\\bimport\\s+(static\\s+)?org\\.cachevisor\\.(memsys|machine|oracle|hypervisor(?!\\.api\\b))\\b.*");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
        }
        assertThat(offenders).isEmpty();
        assertThat(Files.exists(main.resolve("org/cachevisor/vmm/MmioBus.java"))).as("ran from the vmm module directory").isTrue();
    }
}
