package org.cachevisor.vmm.fdt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a device tree being built: a name ("" for the root, else node-name[@unit-address]), properties
 * in insertion order, and children in insertion order. {@link FdtWriter} flattens it.
 *
 * <p>Names are checked when added, per the Devicetree Specification (v0.4, 2.2.1 "Node Names": 1 to 31
 * characters of [0-9a-zA-Z,._+-] before the optional "@unit-address"; 2.2.4.1 "Property Names": 1 to 31
 * characters of [0-9a-zA-Z,._+?#-]); a duplicate property or child name is refused. Every check throws
 * IllegalArgumentException before the node changes. Property values are stored big-endian, as the
 * flattened format wants them.
 */
public final class FdtNode {
    private final String name;
    private final Map<String, byte[]> properties = new LinkedHashMap<>();
    private final List<FdtNode> children = new ArrayList<>();

    /** The root node (empty name). */
    public static FdtNode root() { return new FdtNode(""); }

    private FdtNode(String name) { this.name = name; }

    public String name() { return name; }

    /** Property names to values, in insertion order (values are not copied: do not modify them). */
    public Map<String, byte[]> properties() { return Collections.unmodifiableMap(properties); }

    public List<FdtNode> children() { return Collections.unmodifiableList(children); }

    /** Adds and returns a child named {@code childName} (node-name[@unit-address]). */
    public FdtNode addChild(String childName) {
        checkNodeName(childName);
        for (FdtNode c : children) if (c.name.equals(childName)) throw new IllegalArgumentException("FDT: node " + displayName() + " already has a child " + childName);
        FdtNode c = new FdtNode(childName);
        children.add(c);
        return c;
    }

    /** The child named {@code childName}, or null. */
    public FdtNode child(String childName) {
        for (FdtNode c : children) if (c.name.equals(childName)) return c;
        return null;
    }

    /** Adds a property with raw bytes (copied). */
    public FdtNode prop(String propName, byte[] value) {
        checkPropertyName(propName);
        if (properties.containsKey(propName)) throw new IllegalArgumentException("FDT: node " + displayName() + " already has a property " + propName);
        properties.put(propName, value.clone());
        return this;
    }

    /** An empty (boolean) property, e.g. interrupt-controller. */
    public FdtNode propEmpty(String propName) { return prop(propName, new byte[0]); }

    /** A &lt;u32&gt; property. */
    public FdtNode propU32(String propName, int value) { return propCells(propName, value); }

    /** A property of 32-bit cells, each big-endian. */
    public FdtNode propCells(String propName, int... cells) {
        byte[] b = new byte[cells.length * 4];
        for (int i = 0; i < cells.length; i++) putU32(b, i * 4, cells[i]);
        return prop(propName, b);
    }

    /** A &lt;u64&gt; property (two cells, high first). */
    public FdtNode propU64(String propName, long value) {
        return propCells(propName, (int) (value >>> 32), (int) value);
    }

    /** A string property (NUL-terminated). */
    public FdtNode propString(String propName, String value) { return propStrings(propName, value); }

    /** A &lt;stringlist&gt; property: each string NUL-terminated, concatenated. */
    public FdtNode propStrings(String propName, String... values) {
        int n = 0;
        List<byte[]> parts = new ArrayList<>();
        for (String v : values) {
            if (v.indexOf('\0') >= 0) throw new IllegalArgumentException("FDT: property " + propName + " string contains a NUL");
            byte[] p = v.getBytes(StandardCharsets.UTF_8);
            parts.add(p);
            n += p.length + 1;
        }
        byte[] b = new byte[n];
        int o = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, b, o, p.length); o += p.length + 1; }
        return prop(propName, b);
    }

    static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24); b[off + 1] = (byte) (v >>> 16); b[off + 2] = (byte) (v >>> 8); b[off + 3] = (byte) v;
    }

    private String displayName() { return name.isEmpty() ? "/" : name; }

    static void checkNodeName(String n) {
        if (n == null || n.isEmpty()) throw new IllegalArgumentException("FDT: empty node name (only the root has one)");
        int at = n.indexOf('@');
        String base = at < 0 ? n : n.substring(0, at);
        if (base.isEmpty() || base.length() > 31) throw new IllegalArgumentException("FDT: node name \"" + n + "\" must have 1 to 31 characters before '@'");
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && ",._+-".indexOf(c) < 0) {
                throw new IllegalArgumentException("FDT: node name \"" + n + "\" has the invalid character '" + c + "'");
            }
        }
        if (at >= 0) {
            String unit = n.substring(at + 1);
            if (unit.isEmpty()) throw new IllegalArgumentException("FDT: node name \"" + n + "\" has an empty unit address");
            for (int i = 0; i < unit.length(); i++) {
                char c = unit.charAt(i);
                if (!(Character.isLetterOrDigit(c) && c < 128) && ",._+-".indexOf(c) < 0) {
                    throw new IllegalArgumentException("FDT: unit address of \"" + n + "\" has the invalid character '" + c + "'");
                }
            }
        }
    }

    static void checkPropertyName(String n) {
        if (n == null || n.isEmpty() || n.length() > 31) throw new IllegalArgumentException("FDT: property name \"" + n + "\" must have 1 to 31 characters");
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && ",._+?#-".indexOf(c) < 0) {
                throw new IllegalArgumentException("FDT: property name \"" + n + "\" has the invalid character '" + c + "'");
            }
        }
    }
}
