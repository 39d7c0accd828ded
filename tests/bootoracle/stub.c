/* A stub hypervisor: reports over COM1 what its boot loader handed it.
 *
 * Loaded by syslinux's mboot.c32 (Multiboot) or GRUB's multiboot2, it
 * prints its own command line, then each module's command line, length
 * and first bytes (hex), and exits qemu through isa-debug-exit.  Built
 * freestanding, 32-bit, no libc.
 */
#define COM1 0x3f8
#define DEBUG_EXIT 0xf4
#define HEAD_BYTES 256

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

/* Patched per copy by the image builder: which file of /boot this is. */
volatile const char stub_tag[80] =
    "OVSRESCUE-STUB-TAG:                                                          ";

static inline void outb(u16 port, u8 value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline u8 inb(u16 port)
{
    u8 value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static void serial_init(void)
{
    outb(COM1 + 1, 0x00);           /* no interrupts */
    outb(COM1 + 3, 0x80);           /* DLAB */
    outb(COM1 + 0, 0x01);           /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);           /* 8n1 */
    outb(COM1 + 2, 0xc7);
}

static void putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (u8)c);
}

static void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

static void put_hex_byte(u8 b)
{
    static const char digits[] = "0123456789abcdef";
    putc(digits[b >> 4]);
    putc(digits[b & 15]);
}

static void put_u32(u32 v)
{
    char buf[11];
    int i = 10;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v && i);
    puts(buf + i);
}

/* Printable ASCII as is; backslash, space and the rest as \xNN. */
static void put_escaped(const char *s)
{
    for (; *s; s++) {
        u8 c = (u8)*s;
        if (c > 0x20 && c < 0x7f && c != '\\')
            putc((char)c);
        else {
            puts("\\x");
            put_hex_byte(c);
        }
    }
}

static void report_module(u32 index, u32 start, u32 end, const char *cmdline)
{
    const u8 *data = (const u8 *)start;
    u32 len = end > start ? end - start : 0;
    u32 i;
    puts("MODULE ");
    put_u32(index);
    puts(" LEN ");
    put_u32(len);
    puts(" HEAD ");
    for (i = 0; i < len && i < HEAD_BYTES; i++)
        put_hex_byte(data[i]);
    puts(" CMDLINE ");
    put_escaped(cmdline ? cmdline : "");
    puts("\n");
}

static void report_tag(void)
{
    int i;
    char tag[sizeof stub_tag];
    for (i = 0; i < (int)sizeof stub_tag; i++)
        tag[i] = stub_tag[i];
    tag[sizeof stub_tag - 1] = 0;
    puts("TAG ");
    put_escaped(tag + 19);
    puts("\n");
}

struct mb1_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count,
        mods_addr;
};
struct mb1_module { u32 start, end, cmdline, pad; };

static void report_mb1(const struct mb1_info *info)
{
    u32 i;
    puts("LOADER multiboot1\n");
    report_tag();
    puts("CMDLINE ");
    put_escaped(info->flags & 4 ? (const char *)info->cmdline : "");
    puts("\n");
    if (info->flags & 8) {
        const struct mb1_module *mods = (const struct mb1_module *)info->mods_addr;
        for (i = 0; i < info->mods_count; i++)
            report_module(i, mods[i].start, mods[i].end,
                          (const char *)mods[i].cmdline);
    }
}

struct mb2_tag { u32 type, size; };

static void report_mb2(const u8 *info)
{
    u32 total = *(const u32 *)info;
    u32 at = 8, index = 0;
    const char *cmdline = "";
    puts("LOADER multiboot2\n");
    report_tag();
    while (at + 8 <= total) {
        const struct mb2_tag *tag = (const struct mb2_tag *)(info + at);
        if (tag->type == 0)
            break;
        if (tag->type == 1)
            cmdline = (const char *)(info + at + 8);
        at += (tag->size + 7) & ~7u;
    }
    puts("CMDLINE ");
    put_escaped(cmdline);
    puts("\n");
    at = 8;
    while (at + 8 <= total) {
        const struct mb2_tag *tag = (const struct mb2_tag *)(info + at);
        if (tag->type == 0)
            break;
        if (tag->type == 3) {
            const u32 *mod = (const u32 *)(info + at + 8);
            report_module(index++, mod[0], mod[1], (const char *)(mod + 2));
        }
        at += (tag->size + 7) & ~7u;
    }
}

void stub_main(u32 magic, u32 info)
{
    serial_init();
    puts("\nORACLE BEGIN\n");
    if (magic == 0x2BADB002)
        report_mb1((const struct mb1_info *)info);
    else if (magic == 0x36d76289)
        report_mb2((const u8 *)info);
    else
        puts("LOADER unknown\n");
    puts("ORACLE END\n");
    outb(DEBUG_EXIT, 0x10);
    for (;;)
        __asm__ volatile("cli; hlt");
}
