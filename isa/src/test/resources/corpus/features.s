/* Assembler features: sections, labels, expressions, literal pools, relocation operators.
   Assembled by GNU as + ld and by our Assembler; the bytes of every section must be equal. */
        .equ    UART_BASE, 0x09000000
        .set    COUNT, 4 * 3 + 1
SHIFTED = (1 << 12) | 0x34

        .text
        .global _start
        .type   _start, %function
_start:
        adrp    x0, message                 // page of a label in another section
        add     x0, x0, :lo12:message
        adrp    x1, table
        ldr     x2, [x1, :lo12:table]
        ldr     w3, [x1, #:lo12:table + 8]
        ldr     x4, =UART_BASE
        ldr     w5, =0x12345678
        ldr     x6, =message
        ldr     x7, =0x123456789abcdef0
        ldr     x8, =0x123456789abcdef0     // deduplicated in the pool
        mov     x9, #COUNT
        mov     x10, #SHIFTED
        movz    x11, #(UART_BASE >> 16), lsl #16
        mov     x12, #~0 ; mov x13, #-(8 / 2)   // two statements on one line
        add     x14, x14, #(COUNT - 1) * 2
1:      subs    x9, x9, #1
        b.ne    1b
        cbz     x9, 2f
        nop
2:      tbnz    w9, #0, 1b
        bl      helper
        b       .Lend
        .ltorg
helper: ldr     x0, [sp, #16]
        stp     x29, x30, [sp, #-16]!
        ldp     x29, x30, [sp], #16
        ret
        .p2align 4
aligned:
        ldr     x1, =aligned
        adr     x2, aligned + 4
        .balign 8
        .inst   0xd503201f
.Lend:  b       .
        .size   _start, . - _start

        .data
        .p2align 3
table:  .quad   0x1122334455667788, _start, table + 8
        .word   0xdeadbeef, COUNT, -1
        .hword  0x1234, 0xffff
        .byte   1, 2, 0xff, 'A', -2
message:
        .ascii  "Hi\t\"there\"\n"
        .asciz  "zero"
        .string "str\x41\101"
        .align  2
        .space  5
        .skip   3, 0xaa
        .balign 16, 0x55
        .byte   (message - table) & 0xff, (. - table) >> 1
        .org    . + 4
        .word   ~0x0f & 0xff, 7 % 3, 6 ^ 3, (2 + 3) * 4 - 1

        // macros and repetition (expanded before the passes)
        .macro  push2 a, b
        stp     \a, \b, [sp, #-16]!
        .endm
        .macro  addk reg, k=1
        add     \reg, \reg, #\k
        .endm
        .text
macros:
        push2   x0, x1
        push2   x29, x30
        addk    x3
        addk    x4, 12
        .rept   COUNT - 10
        nop
        .endr
        .irp    r, x5, x6, x7
        mov     \r, #0
        .endr
        .rept   2
        .irp    n, 1, 2
        add     x8, x8, #\n
        .endr
        .endr
        ret

        // section stack
        .pushsection .rodata, "a"
ro_value:
        .quad   0xfeedface
        .popsection
        ldr     x9, ro_value_ptr
        .section .data
        .balign 8
ro_value_ptr:
        .quad   ro_value
        .previous
        b       macros
