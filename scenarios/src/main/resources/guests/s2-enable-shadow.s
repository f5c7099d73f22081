// S2 enable-shadow: the guest, caches off, writes a buffer; a host CPU has speculatively filled a
// clean line of that buffer (old data) into its own L1; the guest runs the bare-metal cache-enable
// sequence (set/way invalidate, SCTLR_EL1.M = C = 1) and reads the buffer.
    .text
scenario_name: .asciz "S2"
    .balign 4
    .equ S2_BUF_IPA,   SCRATCH_IPA              // 64 words (8 lines of 64 bytes)
    .equ S2_TOUCH_IPA, SCRATCH_IPA + 0xff8      // same page, another line
main:
    // Touch the page (its stage-2 fault happens here, before the host's speculative fill).
    ldr     x0, =S2_TOUCH_IPA
    str     xzr, [x0]
    mov     w0, #1
    bl      checkpoint                          // host PE1 fills the buffer's lines (old data)
    ldr     x0, =S2_BUF_IPA
    mov     x1, #64
    ldr     x2, =0x5202000000000000
    ldr     x3, =0x10001
    bl      fill_quads
    dsb     sy
    bl      caches_on
    adr     x0, lbl_sctlr
    mrs     x1, sctlr_el1
    ldr     x2, =(SCTLR_M | SCTLR_C | SCTLR_I)
    and     x1, x1, x2
    bl      check
    ldr     x1, =S2_BUF_IPA                     // the buffer's stage-1 attributes: PAR_EL1.ATTR
    at      s1e1r, x1                           // [63:56] is the MAIR_EL1 byte used
    isb
    mrs     x1, par_el1
    lsr     x1, x1, #56
    adr     x0, lbl_attr
    mov     x2, #0xff                           // Normal Inner/Outer Write-Back RW-allocate
    bl      check
    adr     x0, lbl_buffer
    ldr     x1, =S2_BUF_IPA
    mov     x2, #64
    ldr     x3, =0x5202000000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_sctlr:      .asciz "SCTLR_EL1 M, C, I bits after the enable sequence"
lbl_attr:       .asciz "PAR_EL1.ATTR of the buffer after AT S1E1R"
lbl_buffer:     .asciz "buffer with caches on"
