/**
 * The AArch64 vocabulary: ONE encoding table and everything derived from it.
 *
 * <ul>
 *   <li>{@link org.cachevisor.isa.Table} — the rows (Arm encoding id, heading, pattern with the
 *       manual's field names, template, guard, feature, {@link org.cachevisor.isa.ExecClass}),
 *       plus alias rows with Arm's preferred-disassembly conditions;</li>
 *   <li>{@link org.cachevisor.isa.A64} — the decoder (refuses undeclared overlaps when built) and
 *       the public lists of rows; {@link org.cachevisor.isa.Encoder} — fields to word;</li>
 *   <li>{@link org.cachevisor.isa.text.Disassembler} / {@link org.cachevisor.isa.text.Assembler}
 *       — objdump-identical text and a GNU-syntax assembler, both driven by the templates'
 *       operand kinds ({@link org.cachevisor.isa.text.Operands});
 *       {@link org.cachevisor.isa.elf.ElfWriter} — flat image to ELF;</li>
 *   <li>{@link org.cachevisor.isa.RandomEncodings} — random valid words per row (the jqwik
 *       arbitraries and the objdump fuzzer use it); {@link org.cachevisor.isa.Coverage} — which
 *       rows a set of words exercised;</li>
 *   <li>{@link org.cachevisor.isa.SysRegs}, {@link org.cachevisor.isa.SysOps},
 *       {@link org.cachevisor.isa.Esr}, {@link org.cachevisor.isa.Bits} — system-register and
 *       SYS-operation catalogues, ESR syndromes, ASL helpers for the executor.</li>
 * </ul>
 *
 * <p>Adding an instruction = adding a row (and, if its text is new, an operand kind); the
 * differential test against objdump, the GNU as corpus and the coverage test then check it.
 */
package org.cachevisor.isa;
