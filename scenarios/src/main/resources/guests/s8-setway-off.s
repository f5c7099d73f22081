// S8 setway-off: the guest, caches on, writes data; its vCPU migrates to another physical CPU; it
// cleans by set/way, turns the D-cache off and reads the data.
    .text
scenario_name: .asciz "S8"
    .balign 4
    .equ S8_BUF_IPA,   SCRATCH_IPA + 0x6000     // 64 words
main:
    bl      caches_on
    ldr     x0, =S8_BUF_IPA
    mov     x1, #64
    ldr     x2, =0x5808000000000000
    ldr     x3, =0x10001
    bl      fill_quads
    dsb     sy
    mov     w0, #1
    bl      checkpoint                          // the host migrates this vCPU to another PE
    bl      dcache_off
    adr     x0, lbl_sctlr
    mrs     x1, sctlr_el1
    ldr     x2, =(SCTLR_M | SCTLR_C | SCTLR_I)
    and     x1, x1, x2
    ldr     x2, =(SCTLR_M | SCTLR_I)
    bl      check
    adr     x0, lbl_buffer
    ldr     x1, =S8_BUF_IPA
    mov     x2, #64
    ldr     x3, =0x5808000000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_sctlr:      .asciz "SCTLR_EL1 M, C, I bits after the D-cache is off"
lbl_buffer:     .asciz "buffer with the D-cache off"
