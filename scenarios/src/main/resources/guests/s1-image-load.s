// S1 image-load: the VMM writes this image (code and data) through its cacheable mapping; the guest
// boots with the MMU and caches off, reads the data and executes code from it (two code pages).
    .text
scenario_name: .asciz "S1"
    .balign 4
main:
    adr     x0, lbl_pattern
    ldr     x1, =s1_pattern
    ldr     x1, [x1]
    ldr     x2, =0x1122334455667788
    bl      check
    adr     x0, lbl_table
    ldr     x1, =s1_table
    mov     x2, #16
    ldr     x3, =0x5101000000000000
    ldr     x4, =0x10001
    bl      check_quads
    bl      s1_far_routine
    mov     x1, x0
    adr     x0, lbl_far
    ldr     x2, =0x5100c0de00000001
    bl      check
    b       done

lbl_pattern:    .asciz "pattern"
lbl_table:      .asciz "table"
lbl_far:        .asciz "result of the routine in the second code page"
    .balign 4
    .ltorg

// A routine in the next code page: the image spans two pages of code.
    .balign 4096
s1_far_routine:
    movz    x0, #0x5100, lsl #48
    movk    x0, #0xc0de, lsl #32
    movk    x0, #0x0001
    ret

// Data the VMM loads with the image (its own page: the .data section starts on a 4 KiB boundary).
    .data
    .balign 64
s1_pattern:
    .quad 0x1122334455667788
    .balign 64
s1_table:
    .quad 0x5101000000000000
    .quad 0x5101000000010001
    .quad 0x5101000000020002
    .quad 0x5101000000030003
    .quad 0x5101000000040004
    .quad 0x5101000000050005
    .quad 0x5101000000060006
    .quad 0x5101000000070007
    .quad 0x5101000000080008
    .quad 0x5101000000090009
    .quad 0x51010000000a000a
    .quad 0x51010000000b000b
    .quad 0x51010000000c000c
    .quad 0x51010000000d000d
    .quad 0x51010000000e000e
    .quad 0x51010000000f000f
