// S10 nc-shared-buffer: the guest, MMU and caches on, maps a shared buffer Normal Non-cacheable (the
// NC_WINDOW_IPA block of the identity map); it posts a request word; the VMM writes the response into
// the buffer through its cacheable mapping; the guest reads it.
    .text
scenario_name: .asciz "S10"
    .balign 4
    .equ S10_REQUEST_IPA,  NC_WINDOW_IPA         // one word, its own line
    .equ S10_RESPONSE_IPA, NC_WINDOW_IPA + 0x40  // 16 words (2 lines) written by the VMM
main:
    bl      caches_on
    ldr     x19, =S10_RESPONSE_IPA              // the stage-1 attributes of the shared buffer:
    at      s1e1r, x19                          // PAR_EL1.ATTR [63:56] is the MAIR_EL1 byte used
    isb
    mrs     x1, par_el1
    lsr     x1, x1, #56
    adr     x0, lbl_attr
    mov     x2, #0x44                           // Normal Inner/Outer Non-cacheable
    bl      check
    ldr     x0, =S10_REQUEST_IPA                // the first access: the page faults in now
    ldr     x1, =0x5a10000000000001
    str     x1, [x0]
    dsb     sy
    mov     w0, #1
    bl      checkpoint                          // the VMM writes the response
    adr     x0, lbl_response
    ldr     x1, =S10_RESPONSE_IPA
    mov     x2, #16
    ldr     x3, =0x5a1a000000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_attr:       .asciz "PAR_EL1.ATTR of the shared buffer after AT S1E1R"
lbl_response:   .asciz "response read through the Non-cacheable mapping"
