package org.cachevisor.machine.diff;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cachevisor.isa.elf.ElfReader;
import org.cachevisor.machine.linux.LinuxProcess;

/** Runs a static AArch64 Linux ELF on our machine and returns what it wrote to stdout. */
final class UserModeRun {
    private UserModeRun() {}

    static byte[] stdout(Path elf) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LinuxProcess p = new LinuxProcess(ElfReader.read(Files.readAllBytes(elf)), List.of(elf.toString()), List.of(),
                out, err, null);
        int status = p.run(500_000_000L);
        if (status != 0) {
            throw new AssertionError("our run of " + elf + " ended with status " + status
                    + (p.fault() == null ? "" : ": " + p.fault()) + "; stderr: " + err);
        }
        return out.toByteArray();
    }
}
