# int8 matrix multiply on one PE: C[N][N] (int32) = A[N][N] (int8) x B[N][N] (int8).
# A and B are filled by a linear congruential generator, C is computed with the inner loop
# over k, then the program checks itself two ways: every C[i][j] is recomputed with the loops
# in i-k-j order (accumulating rows of C in a second buffer), and the sum of all C elements
# must equal the value a host-side reference computed (EXPECTED_SUM).
# Ends with the riscv-tests tohost convention: 1 = pass, (n << 1) | 1 = failed check n.
#
#   tsrtl run examples/matmul-int8.s --vcd out/matmul.vcd
        .equ N, 16
        .equ EXPECTED_SUM, 0xfffeca53

        .text
        .globl _start
_start:
        # ---- fill A and B (2 * N * N bytes) from the LCG ----
        la s0, mat_a
        li s1, 2 * N * N
        li s2, 12345                    # seed
        li s3, 1103515245
1:      mul s2, s2, s3
        addi s2, s2, 1234
        srli t0, s2, 16
        sb t0, 0(s0)
        addi s0, s0, 1
        addi s1, s1, -1
        bnez s1, 1b

        # ---- C = A x B, i-j-k order ----
        la a0, mat_a
        la a1, mat_b
        la a2, mat_c
        li s0, 0                        # i
row:    li s1, 0                        # j
col:    li t2, 0                        # acc
        li t3, N                        # k count
        slli t0, s0, 4                  # &A[i][0]   (N = 16)
        add t0, t0, a0
        add t1, a1, s1                  # &B[0][j]
dot:    lb t4, 0(t0)
        lb t5, 0(t1)
        mul t4, t4, t5
        add t2, t2, t4
        addi t0, t0, 1
        addi t1, t1, N
        addi t3, t3, -1
        bnez t3, dot
        sw t2, 0(a2)
        addi a2, a2, 4
        addi s1, s1, 1
        li t6, N
        blt s1, t6, col
        addi s0, s0, 1
        blt s0, t6, row

        # ---- check 1: recompute in i-k-j order into mat_d, compare ----
        la a2, mat_d
        li s0, 0                        # i
row2:   li s1, 0                        # k
        slli t0, s0, 4
        add t0, t0, a0                  # &A[i][0]
kk:     add t1, t0, s1
        lb t4, 0(t1)                    # A[i][k]
        slli t1, s1, 4
        add t1, t1, a1                  # &B[k][0]
        slli t2, s0, 6
        add t2, t2, a2                  # &D[i][0]
        li t3, N
jj:     lb t5, 0(t1)
        mul t5, t5, t4
        lw t6, 0(t2)
        add t6, t6, t5
        sw t6, 0(t2)
        addi t1, t1, 1
        addi t2, t2, 4
        addi t3, t3, -1
        bnez t3, jj
        addi s1, s1, 1
        li t6, N
        blt s1, t6, kk
        addi s0, s0, 1
        blt s0, t6, row2

        li gp, 1                        # check number
        la t0, mat_c
        la t1, mat_d
        li t2, N * N
        li s4, 0                        # sum of C
cmp:    lw t3, 0(t0)
        lw t4, 0(t1)
        bne t3, t4, fail
        add s4, s4, t3
        addi t0, t0, 4
        addi t1, t1, 4
        addi t2, t2, -1
        bnez t2, cmp

        # ---- check 2: the checksum ----
        li gp, 2
        li t0, EXPECTED_SUM
        bne s4, t0, fail

pass:   li t0, 1
        la t1, tohost
        sw t0, 0(t1)
1:      j 1b
fail:   slli gp, gp, 1
        ori gp, gp, 1
        la t1, tohost
        sw gp, 0(t1)
2:      j 2b

        .bss
        .align 6
mat_a:  .space N * N
mat_b:  .space N * N
mat_c:  .space 4 * N * N
mat_d:  .space 4 * N * N

        .section .tohost, "aw", @progbits
        .align 6
        .globl tohost
tohost: .word 0, 0
