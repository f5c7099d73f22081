// S3 dirty-eviction: the host zeroed the page through its cacheable mapping (dirty lines); the guest,
// caches off, writes data; the host's dirty lines are evicted; the guest reads its data.
    .text
scenario_name: .asciz "S3"
    .balign 4
    .equ S3_BUF_IPA,   SCRATCH_IPA + 0x1000     // 64 words (8 lines of 64 bytes)
main:
    ldr     x0, =S3_BUF_IPA                     // the first store faults the page in (host zeroes it)
    mov     x1, #64
    ldr     x2, =0x5303000000000000
    ldr     x3, =0x10001
    bl      fill_quads
    dsb     sy
    mov     w0, #1
    bl      checkpoint                          // the host evicts its dirty lines of the page
    adr     x0, lbl_buffer
    ldr     x1, =S3_BUF_IPA
    mov     x2, #64
    ldr     x3, =0x5303000000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_buffer:     .asciz "buffer with caches off"
