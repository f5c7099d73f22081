// S6 two-vcpus: vCPU0 (caches on) touches a page first; vCPU1 (caches off) then reads data the VMM
// wrote there (the image's .data page, loaded through the VMM's cacheable mapping).
    .text
scenario_name: .asciz "S6"
    .balign 4
    .equ S6_CONTEXT_ID, 0x5606c0de
main:
    bl      caches_on
    adr     x0, lbl_cpu0                        // the first access to the data page: caches on
    ldr     x1, =s6_data
    mov     x2, #16
    ldr     x3, =0x5606000000000000
    ldr     x4, =0x10001
    bl      check_quads
    mov     w0, #1
    bl      checkpoint                          // vCPU0 has faulted the data page in
    ldr     x0, =PSCI_CPU_ON
    mov     x1, #1                              // target MPIDR: Aff0 = 1
    adr     x2, s6_secondary
    ldr     x3, =S6_CONTEXT_ID
    hvc     #0
    cbnz    x0, 1f
    // vCPU1 prints from here on and powers the system off; vCPU0 leaves (PSCI CPU_OFF).
    ldr     x0, =PSCI_CPU_OFF
    hvc     #0
    mov     x1, x0                              // CPU_OFF returned: it failed
    adr     x0, lbl_cpu_off
    mov     x2, #0
    bl      check
    b       done
1:  mov     x1, x0
    adr     x0, lbl_cpu_on
    mov     x2, #0
    bl      check
    b       done

// vCPU1 enters here (EL1, MMU and caches off, x0 = context id).
s6_secondary:
    mov     x19, x0
    adr     x9, vectors
    msr     vbar_el1, x9
    isb
    adr     x0, lbl_context
    mov     x1, x19
    ldr     x2, =S6_CONTEXT_ID
    bl      check
    adr     x0, lbl_cpu1
    ldr     x1, =s6_data
    mov     x2, #16
    ldr     x3, =0x5606000000000000
    ldr     x4, =0x10001
    bl      check_quads
    b       done

lbl_cpu0:       .asciz "data read by vCPU0 with caches on"
lbl_cpu1:       .asciz "data read by vCPU1 with caches off"
lbl_context:    .asciz "vCPU1 context id"
lbl_cpu_on:     .asciz "PSCI CPU_ON result"
lbl_cpu_off:    .asciz "PSCI CPU_OFF returned"
    .balign 4
    .ltorg

// Data the VMM loads with the image, in its own page.
    .data
    .balign 64
s6_data:
    .quad 0x5606000000000000
    .quad 0x5606000000010001
    .quad 0x5606000000020002
    .quad 0x5606000000030003
    .quad 0x5606000000040004
    .quad 0x5606000000050005
    .quad 0x5606000000060006
    .quad 0x5606000000070007
    .quad 0x5606000000080008
    .quad 0x5606000000090009
    .quad 0x56060000000a000a
    .quad 0x56060000000b000b
    .quad 0x56060000000c000c
    .quad 0x56060000000d000d
    .quad 0x56060000000e000e
    .quad 0x56060000000f000f
