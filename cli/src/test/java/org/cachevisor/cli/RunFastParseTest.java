package org.cachevisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@link RunCommand#fastParse} against picocli's parse of the same command line, option by option. */
class RunFastParseTest {
    /** Every @Option field of RunCommand, as "name=value". */
    private static List<String> options(RunCommand rc) throws IllegalAccessException {
        List<String> out = new ArrayList<>();
        for (Field f : RunCommand.class.getDeclaredFields()) {
            if (f.getAnnotation(CommandLine.Option.class) == null) continue;
            f.setAccessible(true);
            out.add(f.getName() + "=" + Objects.toString(f.get(rc)));
        }
        return out;
    }

    private static RunCommand picocli(String... args) {
        RunCommand rc = new RunCommand();
        new CommandLine(rc).parseArgs(args);
        return rc;
    }

    @Test
    void fastOptions_areExactlyPicoclisOptions_butHelpAndVersion() {
        TreeSet<String> names = new TreeSet<>();
        for (OptionSpec o : new CommandLine(new RunCommand()).getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            for (String n : o.names()) names.add(n);
        }
        assertThat(new TreeSet<>(RunCommand.FAST_OPTION_NAMES)).isEqualTo(names);
    }

    @Test
    void everyOption_parsesAsPicocliParsesIt() throws Exception {
        String[][] lines = {
            {},
            {"--bios", "/usr/lib/u-boot/qemu_arm64/u-boot.bin", "-m", "512M", "--policy", "kvm-2014"},
            {"--bios=/tmp/u b.bin", "--memory=1G", "--policy=fwb", "--max-insns", "123456"},
            {"--kernel", "Image", "--append", "console=ttyAMA0 earlycon", "--initrd", "initrd.img", "--smp", "4"},
            {"--elf", "prog.elf", "--bare", "--no-oracle", "--dtb-out", "out.dtb"},
            {"--raw", "blob.bin", "--load-addr", "0x40080000", "--entry", "1073741824"},
            {"--bios", "u.bin", "--adversary-seed", "7", "--adversary-fill-rate", "0.25", "--adversary-evict-rate=1e-3"},
            {"--max-insns=42", "--smp=2", "--load-addr=0X4000_0000"},
        };
        for (String[] line : lines) {
            RunCommand fast = RunCommand.fastParse(line);
            assertThat(fast).as(String.join(" ", line)).isNotNull();
            assertThat(options(fast)).as(String.join(" ", line)).isEqualTo(options(picocli(line)));
        }
    }

    @Test
    void anythingElse_isLeftToPicocli() {
        String[][] lines = {
            {"--help"}, {"-h"}, {"--version"}, {"-V"},
            {"--unknown", "x"}, {"positional"}, {"--bios"}, {"--policy", "--bare"}, {"-m512M"}, {"-m=512M"},
            {"--policy", "none", "--policy", "fwb"}, {"-m", "1G", "--memory", "2G"}, {"--bare", "--bare"},
            {"--bare=true"}, {"--smp", "two"}, {"--smp", "+2"}, {"--max-insns", "0x10"}, {"--load-addr", "zz"},
            {"--adversary-fill-rate", "half"}, {"--", "--bios", "x"},
        };
        for (String[] line : lines) assertThat(RunCommand.fastParse(line)).as(String.join(" ", line)).isNull();
    }
}
