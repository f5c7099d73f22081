// S9 page-recycle, VM A: caches off, writes a secret to a page, checks it and powers off. The host
// then destroys VM A and gives the page to VM B (s9-page-recycle-b.s).
    .text
scenario_name: .asciz "S9A"
    .balign 4
    .equ S9_PAGE_IPA,  SCRATCH_IPA + 0x7000     // 64 words at the start of the page
main:
    ldr     x0, =S9_PAGE_IPA
    mov     x1, #64
    ldr     x2, =0x5ec2e7a000000000
    ldr     x3, =0x10001
    bl      fill_quads
    dsb     sy
    adr     x0, lbl_secret
    ldr     x1, =S9_PAGE_IPA
    mov     x2, #64
    ldr     x3, =0x5ec2e7a000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_secret:     .asciz "secret written by VM A"
