package org.cachevisor.vmm.loader;

/**
 * Bytes to put in guest memory at an IPA before the first vCPU runs. The bytes are owned by the
 * placement (the loaders hand over fresh arrays); {@link #end()} is the first IPA past them.
 *
 * @param what a short description for reports ("kernel", "dtb", "ELF segment 0"...)
 */
public record Placement(String what, long ipa, byte[] bytes) {
    public Placement {
        if (bytes == null || bytes.length == 0) throw new IllegalArgumentException("placement " + what + ": no bytes");
        if (Long.compareUnsigned(ipa + bytes.length - 1, ipa) < 0) throw new IllegalArgumentException(String.format("placement %s: 0x%x+0x%x wraps around", what, ipa, bytes.length));
    }

    public long end() { return ipa + bytes.length; }

    @Override
    public String toString() {
        return String.format("%s [0x%x, 0x%x)", what, ipa, end());
    }
}
