package org.cachevisor.machine.linux;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.cachevisor.isa.elf.ElfReader;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.mmu.TableBuilder;
import org.cachevisor.machine.RunStatus;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.machine.Syndrome;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;

/**
 * A static AArch64 Linux user program run at EL0 on PE 0, with the kernel replaced by Java: the ELF's
 * PT_LOAD segments are loaded at their addresses, a Linux start-up stack (argc, argv, envp, auxv) is
 * built, and system calls (SVC #0 from EL0, number in X8, arguments in X0..X5, result in X0) are
 * handled by {@link #syscall}. Output of write/writev to fd 1 and 2 goes to the given streams.
 *
 * <p>Like a kernel, the loader builds stage-1 tables for the process in simulated RAM
 * ({@link #PAGE_TABLES_PA}; {@link TableBuilder}, 4 KiB pages, ASID 1): user pages are identity-mapped
 * (VA = PA, so the system-call layer reads and writes user memory at the VA), Normal Write-Back Inner
 * Shareable, non-global, with the segment's permissions (text read-only and EL0-executable, data
 * read/write and execute-never), the heap and stack read/write; anonymous mmap regions are mapped when
 * they are handed out. The PE runs with SCTLR_EL1.M = C = I = 1 through the real MMU.
 *
 * <p>Memory layout: one RAM region from the lowest segment page to the highest segment end plus the
 * brk heap ({@link #HEAP_BYTES}); the stack ({@link #STACK_BYTES} below {@link #STACK_TOP}); an
 * anonymous-mmap area at {@link #MMAP_BASE}. RAM is sparse: untouched pages cost nothing.
 */
public final class LinuxProcess {
    public static final long STACK_TOP = 0x40_0000_0000L;
    public static final long STACK_BYTES = 8L << 20;
    public static final long HEAP_BYTES = 256L << 20;
    public static final long MMAP_BASE = 0x20_0000_0000L;
    public static final long MMAP_BYTES = 1L << 30;
    private static final long PAGE = 4096;
    /** Where the exec "kernel" keeps the process's stage-1 tables: RAM below the stack, mapped to no VA. */
    public static final long PAGE_TABLES_BYTES = 8L << 20;
    public static final long PAGE_TABLES_PA = STACK_TOP - STACK_BYTES - PAGE_TABLES_BYTES - (1L << 20);

    /** Linux errno values returned (negated) by system calls. */
    private static final long ENOENT = 2, EBADF = 9, ENOMEM = 12, EFAULT = 14, EINVAL = 22, ENOTTY = 25, ENOSYS = 38;

    /** Exit status when the instruction budget runs out (like timeout(1)). */
    public static final int EXIT_BUDGET = 124;

    private final MemorySystem mem;
    private final Pe pe;
    private final int kernelAgent;
    private final OutputStream stdout, stderr;
    private final SplittableRandom random = new SplittableRandom(0x5EED_CAC4E_15L);
    private long brkStart, brk, brkLimit;
    private long mmapNext = MMAP_BASE;
    private TableBuilder tables;
    private boolean exited;
    private int exitStatus;
    private String fault;

    /**
     * Loads {@code elf} into a fresh one-PE machine ({@code config} with one PE, or the default) and
     * prepares PE 0 to start at the entry point at EL0. Bad input (not ET_EXEC, segments that overlap the
     * stack or do not fit the physical address space) is an IllegalArgumentException.
     */
    public LinuxProcess(ElfReader.ElfFile elf, List<String> argv, List<String> envp, OutputStream stdout,
            OutputStream stderr, MemConfig config) {
        if (elf.type() != ElfReader.ET_EXEC) {
            throw new IllegalArgumentException("exec: only static executables (ET_EXEC) are supported, this ELF has type " + elf.type());
        }
        if (argv.isEmpty()) throw new IllegalArgumentException("exec: argv must hold at least the program name");
        List<ElfReader.Segment> loads = elf.loadSegments();
        if (loads.isEmpty()) throw new IllegalArgumentException("exec: the ELF has no PT_LOAD segment");
        long low = Long.MAX_VALUE, high = 0;
        for (ElfReader.Segment s : loads) {
            low = Math.min(low, s.va() & -PAGE);
            high = Math.max(high, s.va() + s.memSize());
        }
        long paLimit = 1L << (config == null ? 40 : config.paBits());
        if (high + HEAP_BYTES > MMAP_BASE || high > paLimit) {
            throw new IllegalArgumentException(String.format("exec: segments end at va 0x%x, above the supported user range (0x%x)", high, MMAP_BASE - HEAP_BYTES));
        }
        this.stdout = stdout;
        this.stderr = stderr;
        this.mem = new MemorySystem((config == null ? MemConfig.defaults() : config).withPeCount(1));
        this.pe = new Pe(0, mem);
        this.kernelAgent = mem.agents().register(Agents.Kind.HOST_KERNEL, "exec-kernel", Agents.HOST_DOMAIN);
        brkStart = brk = (high + PAGE - 1) & -PAGE;
        brkLimit = brkStart + HEAP_BYTES;
        mem.map().addRam("image+heap", low, brkLimit - low);
        mem.map().addRam("stack", STACK_TOP - STACK_BYTES, STACK_BYTES);
        mem.map().addRam("mmap", MMAP_BASE, MMAP_BYTES);
        // The loader writes at the PoC (no cache holds anything yet), as a kernel's page-cache copy
        // followed by the clean to PoU it does before mapping executable pages.
        for (ElfReader.Segment s : loads) {
            byte[] bytes = elf.contents(s);
            if (bytes.length > 0) mem.writeBytes(-1, kernelAgent, s.va(), bytes, 0, bytes.length, Attrs.NC);
        }
        long sp = buildStack(elf, argv, envp, loads);
        buildTables(loads);
        pe.reset(elf.entry());
        // TCR_EL1 as Linux sets it for 48-bit VAs with the 4 KiB granule (walks Normal WB Inner
        // Shareable, IPS 40 bits, TBI0 for user space), MAIR_EL1 with Normal WB at index 3.
        pe.writeSysReg(SysRegs.TCR_EL1, TableBuilder.TCR_EL1_48BIT | 1L << 37);
        pe.writeSysReg(SysRegs.MAIR_EL1, TableBuilder.MAIR_EL1);
        pe.writeSysReg(SysRegs.TTBR0_EL1, tables.root() | 1L << 48);
        // SCTLR_EL1 as Linux sets it for user space: MMU and caches on, EL0 may use CTR_EL0 (UCT),
        // DC ZVA (DZE), DC CVAU/CIVAC and IC IVAU (UCI); WFI/WFE not trapped; SP alignment checks.
        pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_M | Pe.SCTLR_C | Pe.SCTLR_I | Pe.SCTLR_SA
                | Pe.SCTLR_SA0 | Pe.SCTLR_UCT | Pe.SCTLR_DZE | Pe.SCTLR_UCI);
        pe.writeSysReg(SysRegs.CNTKCTL_EL1, 0b11); // EL0 may read CNTVCT_EL0 and CNTPCT_EL0
        pe.setPstate(0); // EL0t, DAIF clear
        pe.setSp(sp);
        pe.setSyncToHost(true);
    }

    /**
     * Builds the process's stage-1 tables: each page of a PT_LOAD segment with the union of the
     * permissions of the segments touching it, then the brk heap and the stack read/write. Written at
     * the PoC (Non-cacheable, no PE), as the segments are: no cache holds anything yet.
     */
    private void buildTables(List<ElfReader.Segment> loads) {
        mem.map().addRam("page-tables", PAGE_TABLES_PA, PAGE_TABLES_BYTES);
        tables = new TableBuilder(mem, -1, kernelAgent, Attrs.NC, PAGE_TABLES_PA, PAGE_TABLES_BYTES);
        java.util.TreeMap<Long, Integer> pageFlags = new java.util.TreeMap<>();
        for (ElfReader.Segment s : loads) {
            for (long va = s.va() & -PAGE; va < s.va() + s.memSize(); va += PAGE) pageFlags.merge(va, s.flags(), (a, b) -> a | b);
        }
        for (java.util.Map.Entry<Long, Integer> e : pageFlags.entrySet()) {
            int f = e.getValue();
            long attrs = (long) TableBuilder.ATTR_WB << 2 | TableBuilder.SH_ISH | TableBuilder.AF | TableBuilder.NG
                    | ((f & ElfReader.PF_W) != 0 ? TableBuilder.AP_RW : TableBuilder.AP_RO)
                    | TableBuilder.PXN | ((f & ElfReader.PF_X) != 0 ? 0 : TableBuilder.UXN);
            tables.mapPages(e.getKey(), e.getKey(), PAGE, attrs);
        }
        tables.mapPages(brkStart, brkStart, brkLimit - brkStart, TableBuilder.USER_DATA);
        tables.mapPages(STACK_TOP - STACK_BYTES, STACK_TOP - STACK_BYTES, STACK_BYTES, TableBuilder.USER_DATA);
    }

    public Pe pe() { return pe; }

    public MemorySystem memory() { return mem; }

    /** The exit status once the program exited (exit/exit_group or a fatal fault). */
    public int exitStatus() { return exitStatus; }

    public boolean exited() { return exited; }

    /** A description of the fatal fault that ended the program, or null. */
    public String fault() { return fault; }

    /**
     * Runs until the program exits or {@code maxInstructions} have executed; returns the exit status
     * ({@link #EXIT_BUDGET} if the budget ran out).
     */
    public int run(long maxInstructions) {
        long chunk = 1 << 20;
        while (!exited) {
            long left = maxInstructions - pe.instructionCount();
            if (left <= 0) {
                fault = "instruction limit of " + maxInstructions + " reached at pc 0x" + Long.toHexString(pe.pc());
                return EXIT_BUDGET;
            }
            RunStatus s = pe.run(Math.min(chunk, left));
            switch (s) {
                case BUDGET_EXHAUSTED:
                    break;
                case EXCEPTION_TO_HOST:
                    hostException();
                    break;
                case WFI:
                    // A user program waiting for an interrupt that never comes: Linux would reschedule;
                    // with one task and no timer we just continue (WFI is a hint).
                    break;
                case HALTED:
                    exited = true;
                    break;
                default:
                    fatal(128 + 4, "unexpected stop " + s + " at pc 0x" + Long.toHexString(pe.pc()));
                    break;
            }
        }
        flush();
        return exitStatus;
    }

    private void flush() {
        try {
            stdout.flush();
            stderr.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void fatal(int status, String why) {
        fault = why;
        exitStatus = status;
        exited = true;
        pe.halt();
    }

    private void hostException() {
        long esr = pe.hostEsr();
        int ec = Syndrome.ec(esr);
        long pc = pe.pc();
        switch (ec) {
            case Syndrome.EC_SVC:
                pe.setX(0, syscall((int) pe.x(8), pe.x(0), pe.x(1), pe.x(2), pe.x(3), pe.x(4), pe.x(5)));
                break;
            case Syndrome.EC_UNKNOWN:
                fatal(128 + 4, String.format("SIGILL: undefined instruction at pc 0x%x", pc));
                break;
            case Syndrome.EC_BRK:
                fatal(128 + 5, String.format("SIGTRAP: BRK #0x%x at pc 0x%x", Syndrome.iss(esr) & 0xFFFF, pc));
                break;
            case Syndrome.EC_DABT_LOWER:
            case Syndrome.EC_IABT_LOWER: {
                boolean alignment = (esr & 0x3F) == Syndrome.FSC_ALIGNMENT;
                fatal(128 + (alignment ? 7 : 11), String.format("%s: %s abort at pc 0x%x, address 0x%x (ESR 0x%x)",
                        alignment ? "SIGBUS" : "SIGSEGV", ec == Syndrome.EC_DABT_LOWER ? "data" : "instruction", pc,
                        pe.hostFar(), esr));
                break;
            }
            case Syndrome.EC_PC_ALIGN:
            case Syndrome.EC_SP_ALIGN:
                fatal(128 + 7, String.format("SIGBUS: %s alignment fault at pc 0x%x (ESR 0x%x)",
                        ec == Syndrome.EC_PC_ALIGN ? "PC" : "SP", pc, esr));
                break;
            default:
                fatal(128 + 4, String.format("SIGILL: exception EC 0x%x at pc 0x%x (ESR 0x%x)", ec, pc, esr));
                break;
        }
    }

    // ---------------------------------------------------------------------------------- memory

    private byte[] readGuest(long va, int len) {
        byte[] b = new byte[len];
        mem.readBytes(0, kernelAgent, va, b, 0, len, Attrs.HOST_WB);
        return b;
    }

    private void writeGuest(long va, byte[] b) {
        mem.writeBytes(0, kernelAgent, va, b, 0, b.length, Attrs.HOST_WB);
    }

    private void writeGuestLong(long va, long v) {
        mem.write(0, kernelAgent, org.cachevisor.memsys.AccessKind.STORE, va, 8, Attrs.HOST_WB, v);
    }

    private long readGuestLong(long va) {
        return mem.read(0, kernelAgent, org.cachevisor.memsys.AccessKind.LOAD, va, 8, Attrs.HOST_WB);
    }

    private boolean mapped(long va, long len) {
        if (len < 0) return false;
        return within(va, len, brkStartOfImage(), brkLimit) || within(va, len, STACK_TOP - STACK_BYTES, STACK_TOP)
                || within(va, len, MMAP_BASE, MMAP_BASE + MMAP_BYTES);
    }

    private long imageLow = -1;

    private long brkStartOfImage() { return imageLow; }

    private static boolean within(long va, long len, long lo, long hi) {
        return va >= lo && va <= hi && len <= hi - va;
    }

    // ---------------------------------------------------------------------------------- stack

    /** The Linux/AArch64 process start-up stack (ELF ABI: sp -> argc, argv[], 0, envp[], 0, auxv pairs, AT_NULL). */
    private long buildStack(ElfReader.ElfFile elf, List<String> argv, List<String> envp, List<ElfReader.Segment> loads) {
        imageLow = Long.MAX_VALUE;
        for (ElfReader.Segment s : loads) imageLow = Math.min(imageLow, s.va() & -PAGE);
        long cursorVa = STACK_TOP;
        // AT_RANDOM: 16 deterministic bytes
        cursorVa -= 16;
        long randomVa = cursorVa;
        byte[] rnd = new byte[16];
        random.nextBytes(rnd);
        writeGuest(randomVa, rnd);
        // strings
        long[] argvVa = new long[argv.size()];
        long[] envpVa = new long[envp.size()];
        for (int i = 0; i < argv.size(); i++) {
            byte[] s = (argv.get(i) + "\0").getBytes(StandardCharsets.UTF_8);
            cursorVa -= s.length;
            writeGuest(cursorVa, s);
            argvVa[i] = cursorVa;
        }
        for (int i = 0; i < envp.size(); i++) {
            byte[] s = (envp.get(i) + "\0").getBytes(StandardCharsets.UTF_8);
            cursorVa -= s.length;
            writeGuest(cursorVa, s);
            envpVa[i] = cursorVa;
        }
        byte[] platform = "aarch64\0".getBytes(StandardCharsets.US_ASCII);
        cursorVa -= platform.length;
        writeGuest(cursorVa, platform);
        long platformVa = cursorVa;
        long phdrVa = 0;
        for (ElfReader.Segment s : loads) {
            long off = elf.programHeaderOffset();
            if (off >= s.fileOffset() && off < s.fileOffset() + s.fileSize()) phdrVa = s.va() + (off - s.fileOffset());
        }
        long[] auxv = {
            3, phdrVa,                          // AT_PHDR
            4, 56,                              // AT_PHENT
            5, elf.segments().size(),           // AT_PHNUM
            6, PAGE,                            // AT_PAGESZ
            7, 0,                               // AT_BASE (no interpreter)
            8, 0,                               // AT_FLAGS
            9, elf.entry(),                     // AT_ENTRY
            11, 0, 12, 0, 13, 0, 14, 0,         // AT_UID, AT_EUID, AT_GID, AT_EGID
            15, platformVa,                     // AT_PLATFORM
            16, 1L << 7,                        // AT_HWCAP: CRC32 only (no FP, no ASIMD)
            17, 100,                            // AT_CLKTCK
            23, 0,                              // AT_SECURE
            25, randomVa,                       // AT_RANDOM
            26, 0,                              // AT_HWCAP2
            31, argvVa[0],                      // AT_EXECFN
            0, 0,                               // AT_NULL
        };
        int words = 1 + argv.size() + 1 + envp.size() + 1 + auxv.length;
        cursorVa = (cursorVa - 8L * words) & -16L;
        long spVa = cursorVa;
        long slotVa = spVa;
        writeGuestLong(slotVa, argv.size());
        slotVa += 8;
        for (long a : argvVa) { writeGuestLong(slotVa, a); slotVa += 8; }
        writeGuestLong(slotVa, 0);
        slotVa += 8;
        for (long e : envpVa) { writeGuestLong(slotVa, e); slotVa += 8; }
        writeGuestLong(slotVa, 0);
        slotVa += 8;
        for (long v : auxv) { writeGuestLong(slotVa, v); slotVa += 8; }
        return spVa;
    }

    // ---------------------------------------------------------------------------------- system calls

    /** AArch64 Linux system call numbers (include/uapi/asm-generic/unistd.h). */
    static final int SYS_IOCTL = 29, SYS_OPENAT = 56, SYS_CLOSE = 57, SYS_READ = 63, SYS_WRITE = 64,
            SYS_WRITEV = 66, SYS_READLINKAT = 78, SYS_FSTAT = 80, SYS_EXIT = 93, SYS_EXIT_GROUP = 94,
            SYS_SET_TID_ADDRESS = 96, SYS_FUTEX = 98, SYS_SET_ROBUST_LIST = 99, SYS_CLOCK_GETTIME = 113,
            SYS_SCHED_YIELD = 124, SYS_KILL = 129, SYS_TGKILL = 131, SYS_RT_SIGACTION = 134,
            SYS_RT_SIGPROCMASK = 135, SYS_UNAME = 160, SYS_GETPID = 172, SYS_GETPPID = 173, SYS_GETUID = 174,
            SYS_GETEUID = 175, SYS_GETGID = 176, SYS_GETEGID = 177, SYS_GETTID = 178, SYS_BRK = 214,
            SYS_MUNMAP = 215, SYS_MMAP = 222, SYS_MPROTECT = 226, SYS_MADVISE = 233, SYS_PRLIMIT64 = 261,
            SYS_GETRANDOM = 278, SYS_RSEQ = 293;

    /** Handles one system call; returns X0 (a negative errno on failure). */
    long syscall(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        switch (nr) {
            case SYS_WRITE:
                return write((int) a0, a1, a2);
            case SYS_WRITEV: {
                if (a2 < 0 || a2 > 1024 || !mapped(a1, a2 * 16)) return -EINVAL;
                long total = 0;
                for (int i = 0; i < a2; i++) {
                    long baseVa = readGuestLong(a1 + 16L * i), len = readGuestLong(a1 + 16L * i + 8);
                    long r = write((int) a0, baseVa, len);
                    if (r < 0) return total > 0 ? total : r;
                    total += r;
                }
                return total;
            }
            case SYS_READ:
                return a0 == 0 ? 0 : -EBADF; // stdin is empty
            case SYS_EXIT:
            case SYS_EXIT_GROUP:
                exitStatus = (int) a0 & 0xFF;
                exited = true;
                pe.halt();
                return 0;
            case SYS_BRK:
                if (a0 >= brkStart && a0 <= brkLimit) brk = a0;
                return brk;
            case SYS_MMAP: {
                int flags = (int) a3;
                boolean anonymous = (flags & 0x20) != 0;
                if (!anonymous) return -ENOSYS;
                long len = (a1 + PAGE - 1) & -PAGE;
                if (len <= 0 || mmapNext + len > MMAP_BASE + MMAP_BYTES) return -ENOMEM;
                long va = mmapNext;
                mmapNext += len;
                // PROT_EXEC (4) makes the region executable at EL0.
                tables.mapPages(va, va, len, (a2 & 4) != 0 ? TableBuilder.USER_RWX : TableBuilder.USER_DATA);
                return va;
            }
            case SYS_MUNMAP:
            case SYS_MPROTECT:
            case SYS_MADVISE:
            case SYS_SET_ROBUST_LIST:
            case SYS_RT_SIGACTION:
            case SYS_RT_SIGPROCMASK:
            case SYS_SCHED_YIELD:
            case SYS_CLOSE:
                return 0;
            case SYS_SET_TID_ADDRESS:
            case SYS_GETPID:
            case SYS_GETTID:
                return 1;
            case SYS_GETPPID:
            case SYS_GETUID:
            case SYS_GETEUID:
            case SYS_GETGID:
            case SYS_GETEGID:
                return 0;
            case SYS_IOCTL:
                return -ENOTTY;
            case SYS_OPENAT:
                return -ENOENT;
            case SYS_UNAME: {
                if (!mapped(a0, 6 * 65)) return -EFAULT;
                byte[] u = new byte[6 * 65];
                String[] fields = {"Linux", "cachevisor", "6.1.0-cachevisor", "#1", "aarch64", "(none)"};
                for (int i = 0; i < fields.length; i++) {
                    byte[] f = fields[i].getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(f, 0, u, 65 * i, f.length);
                }
                writeGuest(a0, u);
                return 0;
            }
            case SYS_CLOCK_GETTIME: {
                if (!mapped(a1, 16)) return -EFAULT;
                long ns = pe.virtualNanos();
                writeGuestLong(a1, ns / 1_000_000_000L);
                writeGuestLong(a1 + 8, ns % 1_000_000_000L);
                return 0;
            }
            case SYS_GETRANDOM: {
                if (a1 < 0 || a1 > (1 << 20) || !mapped(a0, a1)) return -EFAULT;
                byte[] b = new byte[(int) a1];
                random.nextBytes(b);
                writeGuest(a0, b);
                return a1;
            }
            default:
                return -ENOSYS;
        }
    }

    private long write(int fd, long bufVa, long count) {
        if (fd != 1 && fd != 2) return -EBADF;
        if (count < 0 || count > (64 << 20)) return -EINVAL;
        if (count == 0) return 0;
        if (!mapped(bufVa, count)) return -EFAULT;
        byte[] b = readGuest(bufVa, (int) count);
        try {
            (fd == 1 ? stdout : stderr).write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }
}
