// S11 unmap-swap: the guest, caches off, writes a page; a host CPU holds a speculatively filled clean
// stale line of it; the host swaps the page out (reading it through its mapping) and back in; the
// guest reads its data.
    .text
scenario_name: .asciz "S11"
    .balign 4
    .equ S11_BUF_IPA,   SCRATCH_IPA + 0x8000    // 64 words (8 lines of 64 bytes)
    .equ S11_TOUCH_IPA, SCRATCH_IPA + 0x8ff8    // same page, another line
main:
    ldr     x0, =S11_TOUCH_IPA                  // the page faults in here
    str     xzr, [x0]
    mov     w0, #1
    bl      checkpoint                          // host PE1 fills the buffer's lines (old data)
    ldr     x0, =S11_BUF_IPA
    mov     x1, #64
    ldr     x2, =0x5b11000000000000
    ldr     x3, =0x10001
    bl      fill_quads
    dsb     sy
    mov     w0, #2
    bl      checkpoint                          // the host swaps the page out and back in
    adr     x0, lbl_buffer
    ldr     x1, =S11_BUF_IPA
    mov     x2, #64
    ldr     x3, =0x5b11000000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_buffer:     .asciz "buffer after swap-out and swap-in, caches off"
