// S7 reboot: the guest enables caches and runs; it resets via PSCI SYSTEM_RESET; the VMM reloads the
// image (same code, a different data word: the boot counter) and re-initialises the vCPU; the guest
// boots again with caches off and reads the new data.
//
// Which boot is this? A marker the guest writes (caches off) to RAM outside the image, which a warm
// reset keeps and the reload does not overwrite: magic + the boot counter that boot saw. The VMM's
// first load has s7_boot_counter = 1; each reload must make it the previous value + 1.
    .text
scenario_name: .asciz "S7"
    .balign 4
    .equ S7_MARKER_IPA, SCRATCH_IPA + 0x5000
    .equ S7_MAGIC,      0x5337b007b007b007
main:
    ldr     x19, =S7_MARKER_IPA
    ldr     x20, =s7_boot_counter
    ldr     x0, [x19]
    ldr     x1, =S7_MAGIC
    cmp     x0, x1
    b.eq    s7_boot_again
    // First boot: caches off, the counter is the first load's.
    ldr     x21, [x20]
    adr     x0, lbl_boot1_off
    mov     x1, x21
    mov     x2, #1
    bl      check
    str     x21, [x19, #8]
    ldr     x0, =S7_MAGIC
    str     x0, [x19]
    dsb     sy
    bl      caches_on
    adr     x0, lbl_boot1_on
    ldr     x1, [x20]
    mov     x2, #1
    bl      check
    adr     x0, lbl_pattern_on
    ldr     x1, =s7_pattern
    mov     x2, #8
    ldr     x3, =0x5707000000000000
    ldr     x4, =0x10001
    bl      check_quads
    mov     w0, #1
    bl      checkpoint                          // about to reset
    adr     x0, lbl_reset
    bl      say
    ldr     x0, =PSCI_SYSTEM_RESET
    hvc     #0
    mov     x1, x0                              // SYSTEM_RESET returned: it failed
    adr     x0, lbl_reset_failed
    mov     x2, #0
    bl      check
    b       done

s7_boot_again:
    // Second boot (caches off again): the counter must be the one the reload wrote.
    ldr     x22, [x19, #8]
    str     xzr, [x19]                          // a later cold start is a first boot again
    dsb     sy
    adr     x0, lbl_boot2_off
    ldr     x1, [x20]
    add     x2, x22, #1
    bl      check
    adr     x0, lbl_pattern_off
    ldr     x1, =s7_pattern
    mov     x2, #8
    ldr     x3, =0x5707000000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_boot1_off:    .asciz "boot counter, first boot, caches off"
lbl_boot1_on:     .asciz "boot counter, first boot, caches on"
lbl_pattern_on:   .asciz "pattern, first boot, caches on"
lbl_reset:        .asciz "PSCI SYSTEM_RESET"
lbl_reset_failed: .asciz "PSCI SYSTEM_RESET returned"
lbl_boot2_off:    .asciz "boot counter, second boot, caches off"
lbl_pattern_off:  .asciz "pattern, second boot, caches off"
    .balign 4
    .ltorg

// Data the VMM loads with the image, in its own page.
    .data
    .balign 64
s7_boot_counter:
    .quad 1
    .balign 64
s7_pattern:
    .quad 0x5707000000000000, 0x5707000000010001, 0x5707000000020002, 0x5707000000030003
    .quad 0x5707000000040004, 0x5707000000050005, 0x5707000000060006, 0x5707000000070007
