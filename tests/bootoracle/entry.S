/* Multiboot and Multiboot2 headers and the entry point of the stub. */
#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003          /* page-align modules, memory info */
#define MB2_MAGIC 0xe85250d6

    .section .multiboot, "a"
    .align 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)

    .align 8
mb2_header:
    .long MB2_MAGIC
    .long 0                           /* i386 */
    .long mb2_end - mb2_header
    .long -(MB2_MAGIC + 0 + (mb2_end - mb2_header))
    .align 8
    .short 0, 0                       /* end tag */
    .long 8
mb2_end:

    .text
    .globl _start
_start:
    cli
    mov $stack_top, %esp
    push %ebx
    push %eax
    call stub_main
1:  hlt
    jmp 1b

    .bss
    .align 16
    .space 16384
stack_top:

    .section .note.GNU-stack, "", @progbits
