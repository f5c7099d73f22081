package org.cachevisor.scenarios;

import java.util.List;

/**
 * One scenario of the mission (S1-S11): its guest program(s), the host-side actions the scenario
 * engine performs before boot and at each checkpoint the guest signals, and what the guest prints
 * on a correct platform (hardware without a hypervisor, or a hypervisor whose maintenance is right).
 *
 * @param id          "S1" ... "S11"
 * @param name        the mission's short name, e.g. "enable-shadow"
 * @param title       the mission's description of the scenario
 * @param guests      the guest programs, in the order they run (two VMs for S9, one program otherwise)
 * @param setup       host actions before the first guest instruction, in words
 * @param checkpoints the checkpoints the guests signal, numbered from 1 in the order they happen
 * @param qemuNote    what cannot be reproduced under plain QEMU system emulation, or "" if all can
 */
public record Scenario(String id, String name, String title, List<Guest> guests, String setup,
                       List<Checkpoint> checkpoints, String qemuNote) {

    /**
     * One guest program.
     *
     * @param label          the prefix of every line it prints (e.g. "S9A")
     * @param source         its source under {@code guests/} (assembled after common.s)
     * @param vcpus          how many vCPUs its VM has (vCPU0 starts at the image's first byte)
     * @param expectedOutput the lines it prints on a correct platform, in order
     */
    public record Guest(String label, String source, int vcpus, List<String> expectedOutput) {
        public Guest {
            expectedOutput = List.copyOf(expectedOutput);
        }
    }

    /**
     * A checkpoint: the guest writes {@code number} to the scenario marker register
     * ({@code MARKER_IPA}) when it reaches {@code guestState}; the host script performs
     * {@code hostAction} before the guest continues.
     */
    public record Checkpoint(int number, String guestState, String hostAction) {}

    public Scenario {
        guests = List.copyOf(guests);
        checkpoints = List.copyOf(checkpoints);
        if (guests.isEmpty()) throw new IllegalArgumentException("scenario " + id + " has no guest");
        for (int i = 0; i < checkpoints.size(); i++) {
            if (checkpoints.get(i).number() != i + 1) {
                throw new IllegalArgumentException("scenario " + id + ": checkpoints must be numbered 1, 2, ... in order");
            }
        }
    }

    /** The first (for most scenarios the only) guest. */
    public Guest guest() {
        return guests.get(0);
    }
}
