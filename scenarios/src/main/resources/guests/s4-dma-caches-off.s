// S4 dma-caches-off: the guest, caches off, fills a buffer and has the non-coherent test DMA engine
// (vmm DmaEngine at DMA_IPA) copy it; it reads the copy.
    .text
scenario_name: .asciz "S4"
    .balign 4
    .equ S4_SRC_IPA,   SCRATCH_IPA + 0x2000     // 64 words
    .equ S4_DST_IPA,   SCRATCH_IPA + 0x3000     // 64 words
    .equ S4_LEN,       512
    .equ DMA_SRC,      0x00                     // DmaEngine registers
    .equ DMA_DST,      0x08
    .equ DMA_LEN,      0x10
    .equ DMA_GO,       0x18
    .equ DMA_STATUS,   0x20
    .equ DMA_ID,       0x30
    .equ DMA_STATUS_DONE_OR_ERROR, 0x6
main:
    // Poison the destination (a copy that does not happen must not pass), then fill the source.
    ldr     x0, =S4_DST_IPA
    mov     x1, #64
    ldr     x2, =0xdeaddeaddeaddead
    mov     x3, #0
    bl      fill_quads
    ldr     x0, =S4_SRC_IPA
    mov     x1, #64
    ldr     x2, =0x5404000000000000
    ldr     x3, =0x10001
    bl      fill_quads
    dsb     sy
    ldr     x19, =DMA_IPA
    adr     x0, lbl_id
    ldr     w1, [x19, #DMA_ID]
    ldr     x2, =0x4d445643                     // "CVDM"
    bl      check
    ldr     x0, =S4_SRC_IPA
    str     x0, [x19, #DMA_SRC]
    ldr     x0, =S4_DST_IPA
    str     x0, [x19, #DMA_DST]
    mov     x0, #S4_LEN
    str     x0, [x19, #DMA_LEN]
    mov     w0, #1
    str     w0, [x19, #DMA_GO]
    ldr     x20, =1000000                       // poll STATUS for DONE or ERROR, bounded
1:  ldr     w21, [x19, #DMA_STATUS]
    tst     w21, #DMA_STATUS_DONE_OR_ERROR
    b.ne    2f
    subs    x20, x20, #1
    b.ne    1b
2:  adr     x0, lbl_status
    mov     x1, x21
    mov     x2, #2                              // DONE, not BUSY, not ERROR
    bl      check
    mov     w0, #2
    str     w0, [x19, #DMA_STATUS]              // write 1 to clear DONE
    dsb     sy
    adr     x0, lbl_copy
    ldr     x1, =S4_DST_IPA
    mov     x2, #64
    ldr     x3, =0x5404000000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_id:         .asciz "DMA engine ID"
lbl_status:     .asciz "DMA STATUS after the copy"
lbl_copy:       .asciz "copy with caches off"
