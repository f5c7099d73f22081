// common.s: shared code of the scenario guests (see README.md in this folder for the protocol).
// Concatenated BEFORE each scenario source (the assembler has no .include), so the image starts here:
// entry = first byte, at IPA 0x4008_0000, EL1, MMU and caches off.
//
// Register convention (no stack is used anywhere, so nothing lives in memory across the caches-on or
// caches-off switch): the routines here clobber x0-x17 and x30 and the flags; x18-x28 belong to the
// scenario. Level-2 routines (those that call leaves) keep their return address in x15, level-3
// routines (those that call level-2 routines) in x14. x16/x17 are also used by the exception vector.
// The scenario source must define `main` (vCPU0 enters it) and `scenario_name` (a NUL-terminated
// string, e.g. "S2", that prefixes every line printed).

    // ---- the platform (QEMU `virt` memory map)
    .equ UART_DR_IPA,        0x09000000        // PL011 data register: write one byte per 32-bit store
    .equ DMA_IPA,            0x0C000000        // test DMA engine (vmm DmaEngine), platform bus
    .equ MARKER_IPA,         0x0C001000        // scenario marker register: 32-bit write of checkpoint N
    .equ RAM_IPA,            0x40000000
    .equ IMAGE_IPA,          0x40080000        // where this image is loaded and entered
    // ---- memory the guests use outside the image (fixed IPAs, also in the symbol table)
    .equ PT_L1_IPA,          0x40100000        // identity map: level-1 table (4 KiB)
    .equ PT_L2_IPA,          0x40101000        // identity map: level-2 table for RAM's first GiB
    .equ SCRATCH_IPA,        0x40200000        // scenario buffers, one 4 KiB page each
    .equ NC_WINDOW_IPA,      0x40600000        // 2 MiB block mapped Normal Non-cacheable (S10)
    // ---- PSCI 0.2 function ids (SMCCC, HVC conduit)
    .equ PSCI_CPU_OFF,       0x84000002
    .equ PSCI_SYSTEM_OFF,    0x84000008
    .equ PSCI_SYSTEM_RESET,  0x84000009
    .equ PSCI_CPU_ON,        0xC4000003        // SMC64 CPU_ON: x1 target MPIDR, x2 entry, x3 context id
    // ---- system register values
    .equ SCTLR_M,            0x1               // SCTLR_EL1.M, bit 0: stage-1 MMU enable
    .equ SCTLR_C,            0x4               // SCTLR_EL1.C, bit 2: data cacheability
    .equ SCTLR_I,            0x1000            // SCTLR_EL1.I, bit 12: instruction cacheability
    // MAIR_EL1: Attr0 0x00 Device-nGnRnE, Attr1 0xFF Normal Inner/Outer Write-Back RW-allocate,
    // Attr2 0x44 Normal Inner/Outer Non-cacheable.
    .equ MAIR_VALUE,         0x44FF00
    // TCR_EL1: T0SZ 25 (39-bit VA, walks start at level 1), IRGN0 = ORGN0 = 01 (Write-Back RW-allocate),
    // SH0 = 11 (Inner Shareable), TG0 = 00 (4 KiB), EPD1 = 1 (no TTBR1 walks), TG1 = 10 (4 KiB),
    // IPS = 010 (40-bit PA).
    .equ TCR_VALUE,          0x280803519
    // Stage-1 block descriptors (VMSAv8-64, 4 KiB granule): bit 0 valid, bit 1 = 0 block,
    // AttrIndx [4:2], SH [9:8], AF bit 10, PXN bit 53, UXN bit 54.
    .equ DEVICE_BLOCK,       0x0060000000000401 // AttrIndx 0, AF, PXN, UXN
    .equ NORMAL_WB_BLOCK,    0x705              // AttrIndx 1, SH Inner, AF
    .equ NORMAL_NC_BLOCK,    0x709              // AttrIndx 2, SH Inner, AF
    .equ TABLE_DESC,         0x3                // valid table descriptor

    .text
    .global _start
// Linux arm64 Image header (Documentation/arch/arm64/booting.rst): the first word branches to the
// code, so a raw loader entering at the first byte works too; QEMU's -kernel and our LinuxImageLoader
// place the image at RAM + text_offset = 0x4008_0000.
_start:
    b       boot                    // code0
    .word   0                       // code1
    .quad   0x80000                 // text_offset
    .quad   0x80000                 // image_size (an upper bound; non-zero so text_offset is honoured)
    .quad   0                       // flags: little-endian, page size unspecified
    .quad   0, 0, 0                 // res2, res3, res4
    .word   0x644d5241              // magic "ARM\x64"
    .word   0                       // res5

boot:
    adr     x9, vectors
    msr     vbar_el1, x9
    isb
    b       main

// ------------------------------------------------------------------------------------- console
// putc: w0 = byte. Leaf; clobbers x9.
putc:
    movz    x9, #(UART_DR_IPA >> 16), lsl #16
    str     w0, [x9]
    ret

// puts: x0 = address of a NUL-terminated string. Leaf; clobbers x0, x9, x10.
puts:
    movz    x9, #(UART_DR_IPA >> 16), lsl #16
1:  ldrb    w10, [x0], #1
    cbz     w10, 2f
    str     w10, [x9]
    b       1b
2:  ret

// puthex: x0 = value, printed as 0x and 16 lower-case hex digits. Leaf; clobbers x9-x11.
puthex:
    movz    x9, #(UART_DR_IPA >> 16), lsl #16
    mov     w10, #'0'
    str     w10, [x9]
    mov     w10, #'x'
    str     w10, [x9]
    mov     x11, #60
1:  lsr     x10, x0, x11
    and     x10, x10, #0xf
    cmp     x10, #10
    b.lo    2f
    add     x10, x10, #('a' - '0' - 10)
2:  add     x10, x10, #'0'
    str     w10, [x9]
    subs    x11, x11, #4
    b.ge    1b
    ret

// say: x0 = message; prints "<scenario_name>: <message>\n". Level 2 (x15); clobbers x0-x15.
say:
    mov     x15, x30
    mov     x8, x0
    adr     x0, scenario_name
    bl      puts
    adr     x0, str_colon
    bl      puts
    mov     x0, x8
    bl      puts
    adr     x0, str_newline
    bl      puts
    mov     x30, x15
    ret

// check: x0 = label, x1 = value read, x2 = value expected. Prints
// "<scenario_name>: <label> read 0x... expected 0x... OK" (or MISMATCH). Returns x0 = 0 if equal,
// 1 otherwise. Level 2 (x15); clobbers x0-x15.
check:
    mov     x15, x30
    mov     x8, x0
    mov     x12, x1
    mov     x13, x2
    adr     x0, scenario_name
    bl      puts
    adr     x0, str_colon
    bl      puts
    mov     x0, x8
    bl      puts
    adr     x0, str_read
    bl      puts
    mov     x0, x12
    bl      puthex
    adr     x0, str_expected
    bl      puts
    mov     x0, x13
    bl      puthex
    adr     x0, str_ok
    adr     x1, str_mismatch
    cmp     x12, x13
    csel    x0, x0, x1, eq
    bl      puts
    cmp     x12, x13
    cset    x0, ne
    mov     x30, x15
    ret

// check_quads: x0 = label, x1 = address, x2 = number of 64-bit words (> 0), x3 = expected first
// word, x4 = increment (word i is expected to be x3 + i * x4). Reads every word once and reports,
// through `check`, the first word that differs, or word 0 if all match. Tail-calls check.
check_quads:
    mov     x5, #0                  // i
    mov     x6, x3                  // expected word i
1:  ldr     x7, [x1, x5, lsl #3]
    cbnz    x5, 2f
    mov     x12, x7                 // word 0 as read
2:  cmp     x7, x6
    b.ne    3f
    add     x5, x5, #1
    add     x6, x6, x4
    cmp     x5, x2
    b.lo    1b
    mov     x1, x12
    mov     x2, x3
    b       check
3:  mov     x1, x7
    mov     x2, x6
    b       check

// fill_quads: x0 = address, x1 = number of 64-bit words (> 0), x2 = first value, x3 = increment.
// Leaf; clobbers x0-x2.
fill_quads:
1:  str     x2, [x0], #8
    add     x2, x2, x3
    subs    x1, x1, #1
    b.ne    1b
    ret

// ------------------------------------------------------------------------ host checkpoints, PSCI
// checkpoint: w0 = N. DSB SY (every earlier access is complete), then a 32-bit store of N to the
// scenario marker register; the host script runs its checkpoint-N actions before the store
// completes. Where no marker device exists (QEMU) the store takes a synchronous external abort that
// the vector skips. Leaf; clobbers x16 (and x16/x17 in the vector).
checkpoint:
    dsb     sy
    movz    x16, #(MARKER_IPA >> 16), lsl #16
    movk    x16, #(MARKER_IPA & 0xffff)
    str     w0, [x16]
    dsb     sy
    ret

// done: prints "<scenario_name>: done" and powers off (PSCI SYSTEM_OFF). Does not return.
done:
    adr     x0, str_done
    bl      say
system_off:
    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
1:  wfi
    b       1b

// --------------------------------------------------------------------- caches and translation
// dcache_all: x0 = 0 invalidate (DC ISW), 1 clean (DC CSW), 2 clean and invalidate (DC CISW) every
// line of every data or unified cache level of this PE up to the Level of Coherence, as U-Boot's
// __asm_dcache_all and Linux's __flush_dcache_all do: CLIDR_EL1 gives LoC and Ctype<n>; for each
// level, CSSELR_EL1 selects it and CCSIDR_EL1 (without FEAT_CCIDX: LineSize [2:0], Associativity
// [12:3], NumSets [27:13]) gives the geometry; the set/way operand is Way << (32 - A) | Set << L |
// Level << 1 with A = log2(ways) and L = log2(line bytes) (ARM ARM, "DC ISW" / "Performing cache
// maintenance instructions by set/way"). Leaf; clobbers x0-x13.
dcache_all:
    dsb     sy
    mrs     x10, clidr_el1
    ubfx    x11, x10, #24, #3       // LoC
    cbz     x11, 9f
    mov     x12, #0                 // level - 1
1:  add     x2, x12, x12, lsl #1    // 3 * (level - 1)
    lsr     x1, x10, x2
    and     x1, x1, #7              // Ctype
    cmp     x1, #2
    b.lo    8f                      // no cache, or instruction cache only
    lsl     x13, x12, #1            // CSSELR_EL1 value (InD = 0) and the operand's Level field
    msr     csselr_el1, x13
    isb
    mrs     x1, ccsidr_el1
    and     x2, x1, #7
    add     x2, x2, #4              // L = log2(line bytes)
    ubfx    x3, x1, #3, #10         // ways - 1
    ubfx    x4, x1, #13, #15        // sets - 1
    clz     w5, w3                  // 32 - A
2:  mov     x6, x3                  // way
3:  lsl     x7, x6, x5
    orr     x7, x7, x13
    lsl     x8, x4, x2
    orr     x7, x7, x8
    cmp     x0, #1
    b.eq    4f
    b.hi    5f
    dc      isw, x7
    b       6f
4:  dc      csw, x7
    b       6f
5:  dc      cisw, x7
6:  subs    x6, x6, #1
    b.ge    3b
    subs    x4, x4, #1
    b.ge    2b
8:  add     x12, x12, #1
    cmp     x12, x11
    b.lo    1b
9:  mov     x1, #0
    msr     csselr_el1, x1
    dsb     sy
    isb
    ret

// build_identity_map: writes (with whatever cacheability is current; called with the MMU off, so
// the stores reach the PoC) a level-1 table at PT_L1_IPA: [0] 0-1 GiB Device-nGnRnE, execute-never
// (flash, GIC, UART, platform bus); [1] -> level-2 table at PT_L2_IPA: 512 blocks of 2 MiB from
// RAM_IPA, Normal Write-Back Inner Shareable, except the block at NC_WINDOW_IPA, Normal
// Non-cacheable. Other level-1 entries are invalid. Leaf; clobbers x0-x4.
build_identity_map:
    ldr     x0, =PT_L1_IPA
    mov     x1, x0
    mov     x2, #512
1:  str     xzr, [x1], #8
    subs    x2, x2, #1
    b.ne    1b
    ldr     x1, =DEVICE_BLOCK
    str     x1, [x0]
    ldr     x1, =(PT_L2_IPA | TABLE_DESC)
    str     x1, [x0, #8]
    ldr     x0, =PT_L2_IPA
    ldr     x1, =(RAM_IPA | NORMAL_WB_BLOCK)
    mov     x2, #512
    mov     x3, #0x200000
2:  str     x1, [x0], #8
    add     x1, x1, x3
    subs    x2, x2, #1
    b.ne    2b
    ldr     x0, =(PT_L2_IPA + 8 * ((NC_WINDOW_IPA - RAM_IPA) >> 21))
    ldr     x1, =(NC_WINDOW_IPA | NORMAL_NC_BLOCK)
    str     x1, [x0]
    dsb     sy
    ret

// caches_on: the bare-metal cache-enable sequence, run with the MMU and caches off: invalidate the
// D-cache by set/way (stale lines from before this program must not hit once C = 1), IC IALLU,
// TLBI VMALLE1, build the identity map, MAIR_EL1/TCR_EL1/TTBR0_EL1, DSB/ISB, then SCTLR_EL1 |= M, C, I.
// Level 3 (x14); clobbers x0-x15.
caches_on:
    mov     x14, x30
    mov     x0, #0
    bl      dcache_all
    ic      iallu
    tlbi    vmalle1
    dsb     sy
    isb
    bl      build_identity_map
    ldr     x0, =MAIR_VALUE
    msr     mair_el1, x0
    ldr     x0, =TCR_VALUE
    msr     tcr_el1, x0
    ldr     x0, =PT_L1_IPA
    msr     ttbr0_el1, x0
    dsb     sy
    isb
    mrs     x0, sctlr_el1
    ldr     x1, =(SCTLR_M | SCTLR_C | SCTLR_I)
    orr     x0, x0, x1
    msr     sctlr_el1, x0
    isb
    mov     x30, x14
    ret

// dcache_off: clean and invalidate the D-cache by set/way (DC CISW, every level to LoC), then clear
// SCTLR_EL1.C (the MMU stays on: Normal memory becomes Non-cacheable). The code in between stores
// nothing, so no line can become dirty after the clean. Level 3 (x14); clobbers x0-x15.
dcache_off:
    mov     x14, x30
    mov     x0, #2
    bl      dcache_all
    mrs     x0, sctlr_el1
    and     x0, x0, #~SCTLR_C
    msr     sctlr_el1, x0
    isb
    mov     x30, x14
    ret

// ---------------------------------------------------------------------------- exception vectors
// Every exception is unexpected except the synchronous external abort of a checkpoint store on a
// platform without a marker register (EC 0x25, FAR_EL1 = MARKER_IPA): that one is skipped
// (ELR_EL1 += 4; ERET restores the flags). Anything else prints ESR_EL1, ELR_EL1, FAR_EL1 and powers off.
    .balign 2048
vectors:
    mov     x16, #0x000
    b       unexpected_exception
    .balign 128
    mov     x16, #0x080
    b       unexpected_exception
    .balign 128
    mov     x16, #0x100
    b       unexpected_exception
    .balign 128
    mov     x16, #0x180
    b       unexpected_exception
    .balign 128
    b       sync_current_el_spx     // 0x200
    .balign 128
    mov     x16, #0x280
    b       unexpected_exception
    .balign 128
    mov     x16, #0x300
    b       unexpected_exception
    .balign 128
    mov     x16, #0x380
    b       unexpected_exception
    .balign 128
    mov     x16, #0x400
    b       unexpected_exception
    .balign 128
    mov     x16, #0x480
    b       unexpected_exception
    .balign 128
    mov     x16, #0x500
    b       unexpected_exception
    .balign 128
    mov     x16, #0x580
    b       unexpected_exception
    .balign 128
    mov     x16, #0x600
    b       unexpected_exception
    .balign 128
    mov     x16, #0x680
    b       unexpected_exception
    .balign 128
    mov     x16, #0x700
    b       unexpected_exception
    .balign 128
    mov     x16, #0x780
    b       unexpected_exception
    .balign 128

sync_current_el_spx:
    mrs     x16, esr_el1
    ubfx    x16, x16, #26, #6       // EC
    cmp     x16, #0x25              // data abort taken without a change in EL
    b.ne    1f
    mrs     x16, far_el1
    movz    x17, #(MARKER_IPA >> 16), lsl #16
    movk    x17, #(MARKER_IPA & 0xffff)
    cmp     x16, x17
    b.ne    1f
    mrs     x16, elr_el1
    add     x16, x16, #4
    msr     elr_el1, x16
    eret
1:  mov     x16, #0x200
unexpected_exception:
    mov     x18, x16
    adr     x0, scenario_name
    bl      puts
    adr     x0, str_exception
    bl      puts
    mov     x0, x18
    bl      puthex
    adr     x0, str_esr
    bl      puts
    mrs     x0, esr_el1
    bl      puthex
    adr     x0, str_elr
    bl      puts
    mrs     x0, elr_el1
    bl      puthex
    adr     x0, str_far
    bl      puts
    mrs     x0, far_el1
    bl      puthex
    adr     x0, str_newline
    bl      puts
    b       system_off

// ------------------------------------------------------------------------------------- strings
str_colon:      .asciz ": "
str_newline:    .asciz "\n"
str_read:       .asciz " read "
str_expected:   .asciz " expected "
str_ok:         .asciz " OK\n"
str_mismatch:   .asciz " MISMATCH\n"
str_done:       .asciz "done"
str_exception:  .asciz ": unexpected exception, vector offset "
str_esr:        .asciz " ESR_EL1 "
str_elr:        .asciz " ELR_EL1 "
str_far:        .asciz " FAR_EL1 "
    .balign 4
// No .ltorg here: the literals of common.s and of the scenario share the pool at the end of .text (or
// the scenario's own .ltorg). Workaround: our assembler keys pool entries by expression across pools,
// so an `ldr =X` before an .ltorg and another after it load from each other's pool slot (wrong
// offsets); GNU as keeps one entry per pool.

// ============================================================ end of common.s, scenario follows
