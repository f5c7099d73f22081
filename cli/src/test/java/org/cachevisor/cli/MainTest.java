package org.cachevisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The root command: the command line built for one subcommand (start-up) against the one with all of them,
 * whose usage, parser settings and messages must be the same.
 */
class MainTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(status), out.toString(), err.toString()};
    }

    @Test
    void fullCommandLine_hasEverySubcommandInHelpOrder() {
        assertThat(Main.commandLine().getSubcommands().keySet())
                .containsExactly("help", "demo", "asm", "disasm", "exec", "run", "scenarios", "explore");
    }

    @Test
    void commandLineForASubcommand_buildsThatOneOnly() {
        assertThat(Main.commandLine("run", "--bios", "x").getSubcommands().keySet()).containsExactly("run");
        assertThat(Main.commandLine("--version").getSubcommands()).isEmpty();
        // help, options first, nothing or an unknown name: all of them
        for (String[] args : List.of(new String[] {"help", "run"}, new String[] {"-h", "run"}, new String[0], new String[] {"runn"})) {
            assertThat(Main.commandLine(args).getSubcommands()).as(String.join(" ", args)).hasSize(8);
        }
    }

    @Test
    void eachSubcommandAlone_hasTheSameUsageAndParserAsInTheFullCommandLine() {
        CommandLine full = Main.commandLine();
        for (String name : Main.SUBCOMMANDS) {
            if (name.equals("help")) continue;
            CommandLine fromFull = full.getSubcommands().get(name);
            CommandLine alone = Main.commandLine(name).getSubcommands().get(name);
            assertThat(alone.getUsageMessage(CommandLine.Help.Ansi.OFF)).as(name).isEqualTo(fromFull.getUsageMessage(CommandLine.Help.Ansi.OFF));
            // exec's model transformer stops option parsing at the guest program: kept either way
            assertThat(alone.getCommandSpec().parser().toString()).as(name).isEqualTo(fromFull.getCommandSpec().parser().toString());
        }
        assertThat(full.getSubcommands().get("exec").getCommandSpec().parser().stopAtPositional()).isTrue();
    }

    @Test
    void rootHelp_listsEveryCommand_andAnUnknownOptionOfASubcommandNamesIt() {
        String[] help = run("--help");
        assertThat(help[0]).isEqualTo("0");
        assertThat(help[1]).contains("Commands:").contains("  run ").contains("  explore ").contains("  help ");
        String[] bad = run("run", "--no-such-option");
        assertThat(bad[0]).isEqualTo("2");
        assertThat(bad[2]).isEqualTo("cachevisor: error: Unknown option: '--no-such-option'" + System.lineSeparator()
                + "Try 'cachevisor run --help' for more information." + System.lineSeparator());
    }
}
