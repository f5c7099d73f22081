package org.cachevisor.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cachevisor.isa.text.Program;
import org.junit.jupiter.api.Test;

/** The catalogue against the mission's table and against the guest sources and images. */
class ScenariosTest {

    @Test
    void all_inMissionOrder_idsAndNamesOfTheMissionTable() {
        List<String> ids = new ArrayList<>();
        for (Scenario s : Scenarios.all()) ids.add(s.id() + " " + s.name());
        assertThat(ids).containsExactly("S1 image-load", "S2 enable-shadow", "S3 dirty-eviction", "S4 dma-caches-off",
                "S5 code-copy", "S6 two-vcpus", "S7 reboot", "S8 setway-off", "S9 page-recycle", "S10 nc-shared-buffer",
                "S11 unmap-swap");
    }

    @Test
    void guests_vcpuCountsAndLabels_asTheScenariosNeed() {
        List<String> guests = new ArrayList<>();
        for (Scenario s : Scenarios.all()) for (Scenario.Guest g : s.guests()) guests.add(g.label() + "/" + g.vcpus());
        assertThat(guests).containsExactly("S1/1", "S2/1", "S3/1", "S4/1", "S5/1", "S6/2", "S7/1", "S8/1", "S9A/1", "S9B/1",
                "S10/1", "S11/1");
    }

    @Test
    void guestImage_scenarioNameString_equalsTheLabelAndPrefixesEveryExpectedLine() {
        for (Scenario s : Scenarios.all()) {
            for (Scenario.Guest g : s.guests()) {
                Program p = GuestPrograms.assemble(g.source());
                int at = (int) (p.symbol("scenario_name") - p.base());
                int end = at;
                while (p.image()[end] != 0) end++;
                assertThat(new String(p.image(), at, end - at, StandardCharsets.US_ASCII)).as(g.source()).isEqualTo(g.label());
                assertThat(g.expectedOutput()).as(g.source()).isNotEmpty().allMatch(l -> l.startsWith(g.label() + ": "));
                assertThat(g.expectedOutput().get(g.expectedOutput().size() - 1)).isEqualTo(g.label() + ": done");
            }
        }
    }

    /** The checkpoint numbers a source signals: "mov w0, #N" directly followed by "bl checkpoint". */
    private static TreeSet<Integer> signalled(String source) {
        Matcher m = Pattern.compile("mov\\s+w0,\\s*#(\\d+)\\s*\\n\\s*bl\\s+checkpoint").matcher(GuestPrograms.resource(source));
        TreeSet<Integer> numbers = new TreeSet<>();
        while (m.find()) numbers.add(Integer.parseInt(m.group(1)));
        return numbers;
    }

    @Test
    void checkpoints_catalogue_matchesTheNumbersTheSourcesSignal() {
        for (Scenario s : Scenarios.all()) {
            TreeSet<Integer> inSources = new TreeSet<>();
            for (Scenario.Guest g : s.guests()) inSources.addAll(signalled(g.source()));
            TreeSet<Integer> catalogued = new TreeSet<>();
            for (Scenario.Checkpoint c : s.checkpoints()) catalogued.add(c.number());
            assertThat(inSources).as(s.id()).isEqualTo(catalogued);
        }
        assertThat(signalled("s11-unmap-swap.s")).containsExactly(1, 2);
    }

    @Test
    void image_linuxArm64Header_branchesToBootWithTextOffset0x80000() {
        Program p = GuestPrograms.assemble("s1-image-load.s");
        byte[] b = p.image();
        long bootOffset = p.symbol("boot") - p.base();
        assertThat(word(b, 0)).as("B boot").isEqualTo(0x14000000 | (int) (bootOffset / 4));
        assertThat(quad(b, 8)).as("text_offset").isEqualTo(0x80000L);
        assertThat(quad(b, 16)).as("image_size").isNotZero().isGreaterThanOrEqualTo(b.length);
        assertThat(new String(b, 0x38, 4, StandardCharsets.ISO_8859_1)).isEqualTo("ARM\u0064");
        assertThat(p.base()).isEqualTo(0x4008_0000L);
        assertThat(p.symbol("vectors") % 2048).as("VBAR_EL1 alignment").isZero();
    }

    @Test
    void layout_dataPagesAndFixedIpas_doNotOverlapTheImageOrEachOther() {
        for (Scenario s : Scenarios.all()) {
            for (Scenario.Guest g : s.guests()) {
                Program p = GuestPrograms.assemble(g.source());
                long imageEnd = p.base() + p.image().length;
                assertThat(p.symbol("PT_L1_IPA")).isEqualTo(0x4010_0000L).isGreaterThanOrEqualTo(imageEnd);
                assertThat(p.symbol("SCRATCH_IPA")).isEqualTo(0x4020_0000L);
                assertThat(p.symbol("NC_WINDOW_IPA")).isEqualTo(0x4060_0000L);
                assertThat(p.symbol("MARKER_IPA")).isEqualTo(0x0C00_1000L);
                Program.Section data = p.section(".data");
                if (data != null) {
                    Program.Section text = p.section(".text");
                    assertThat(data.address() % 4096).as("%s .data on its own page", g.source()).isZero();
                    assertThat(data.address()).isGreaterThanOrEqualTo(text.end());
                }
            }
        }
        assertThat(GuestPrograms.assemble("s6-two-vcpus.s").symbol("s6_data") % 4096).isZero();
        assertThat(GuestPrograms.assemble("s7-reboot.s").symbol("s7_boot_counter") % 4096).isZero();
    }

    @Test
    void scenario_badCheckpointNumbersOrNoGuest_rejected() {
        Scenario.Guest g = new Scenario.Guest("SX", "x.s", 1, List.of("SX: done"));
        assertThatThrownBy(() -> new Scenario("SX", "x", "x", List.of(g), "", List.of(new Scenario.Checkpoint(2, "a", "b")), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numbered");
        assertThatThrownBy(() -> new Scenario("SX", "x", "x", List.of(), "", List.of(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no guest");
    }

    @Test
    void lookups_unknownNames_rejectedWithTheName() {
        assertThat(Scenarios.byId("S10").name()).isEqualTo("nc-shared-buffer");
        assertThatThrownBy(() -> Scenarios.byId("S12")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("S12");
        assertThatThrownBy(() -> GuestPrograms.resource("nope.s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.s");
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static long quad(byte[] b, int at) {
        return (word(b, at) & 0xffffffffL) | (long) word(b, at + 4) << 32;
    }
}
