// S9 page-recycle, VM B: caches off, reads the page at the IPA where VM A kept its secret. Memory a
// hypervisor gives a new VM reads as zero; anything else (A's secret) is a leak.
    .text
scenario_name: .asciz "S9B"
    .balign 4
    .equ S9_PAGE_IPA,  SCRATCH_IPA + 0x7000     // 64 words at the start of the page
main:
    adr     x0, lbl_page
    ldr     x1, =S9_PAGE_IPA
    mov     x2, #64
    mov     x3, #0
    mov     x4, #0
    bl      check_quads
    b       done

lbl_page:       .asciz "fresh page read by VM B"
