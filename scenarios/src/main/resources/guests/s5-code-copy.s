// S5 code-copy: the guest, MMU and caches off (SCTLR_EL1.I = 0 as well), copies a routine with
// stores, runs IC IALLU; ISB and branches to it; then copies a second routine over the first and
// does it again (a stale instruction would return the first routine's value).
    .text
scenario_name: .asciz "S5"
    .balign 4
    .equ S5_CODE_IPA,  SCRATCH_IPA + 0x4000
main:
    adr     x0, s5_routine_a
    adr     x1, s5_routine_a_end
    bl      s5_copy_and_call
    mov     x1, x0
    adr     x0, lbl_a
    ldr     x2, =0x550500000000aaaa
    bl      check
    adr     x0, s5_routine_b
    adr     x1, s5_routine_b_end
    bl      s5_copy_and_call
    mov     x1, x0
    adr     x0, lbl_b
    ldr     x2, =0x550500000000bbbb
    bl      check
    b       done

// s5_copy_and_call: copies the words [x0, x1) to S5_CODE_IPA with stores, makes them visible to
// instruction fetch (DSB SY; IC IALLU; DSB SY; ISB) and calls the copy; returns its x0.
s5_copy_and_call:
    mov     x19, x30
    ldr     x2, =S5_CODE_IPA
1:  ldr     w3, [x0], #4
    str     w3, [x2], #4
    cmp     x0, x1
    b.lo    1b
    dsb     sy
    ic      iallu
    dsb     sy
    isb
    ldr     x2, =S5_CODE_IPA
    blr     x2
    mov     x30, x19
    ret

// The routines copied (position-independent, same length).
s5_routine_a:
    movz    x0, #0x5505, lsl #48
    movk    x0, #0xaaaa
    ret
s5_routine_a_end:
s5_routine_b:
    movz    x0, #0x5505, lsl #48
    movk    x0, #0xbbbb
    ret
s5_routine_b_end:

lbl_a:          .asciz "result of copied routine A"
lbl_b:          .asciz "result of copied routine B (over A)"
