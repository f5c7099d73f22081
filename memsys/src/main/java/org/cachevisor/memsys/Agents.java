package org.cachevisor.memsys;

import java.util.ArrayList;
import java.util.List;

/**
 * Who makes an access: every access and every event names an agent by an {@code int} id. Agents are
 * registered once (cold path) with a kind, a readable name and a security domain (0 = the host; a VM
 * has its own domain, so the oracle can tell a stale read from a leak across VMs).
 *
 * <p>Which cache hierarchy an access goes through is a separate argument (the PE it runs on), because
 * one agent (the host kernel, the VMM, a vCPU) can run on any PE.
 */
public final class Agents {
    public enum Kind { PE, HOST_KERNEL, VMM, VCPU, DEVICE, ADVERSARY }

    /** One registered agent. */
    public record Agent(int id, Kind kind, String name, int domain) {}

    /** The host's security domain. */
    public static final int HOST_DOMAIN = 0;

    private final List<Agent> agents = new ArrayList<>();

    /** Registers an agent and returns its id. */
    public synchronized int register(Kind kind, String name, int domain) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("agent name must not be empty");
        if (domain < 0) throw new IllegalArgumentException("agent domain must be >= 0, got " + domain);
        int id = agents.size();
        agents.add(new Agent(id, kind, name, domain));
        return id;
    }

    public Agent get(int id) {
        if (id < 0 || id >= agents.size()) throw new IllegalArgumentException("unknown agent id " + id);
        return agents.get(id);
    }

    public String name(int id) { return (id >= 0 && id < agents.size()) ? agents.get(id).name() : "agent" + id; }

    public int domain(int id) { return (id >= 0 && id < agents.size()) ? agents.get(id).domain() : HOST_DOMAIN; }

    public int size() { return agents.size(); }
}
