/*
 * idle: the smallest process there is, for the one-shot benchmark's "minimal static" case.
 * No libc (x86-64 system calls by hand, built -static -nostdlib): it maps only its text,
 * stack, vdso and vvar (about 5 mappings), so what a reader pays per process, not per
 * mapping, is what is measured. Forks N-1 children; all pause until killed (SIGKILL to the
 * process group); the first writes "ready" when they are forked.
 *
 * usage: idle N   (N in 1..99999)
 */
static long sys(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}
enum { SYS_write = 1, SYS_pause = 34, SYS_fork = 57, SYS_exit = 60 };

static __attribute__((noreturn)) void idle(void) { for (;;) sys(SYS_pause, 0, 0, 0); }

__attribute__((used)) void start(long argc, char **argv);
void start(long argc, char **argv)
{
    long n = 0;
    for (const char *p = argc > 1 ? argv[1] : "1"; *p >= '0' && *p <= '9'; p++) n = n * 10 + (*p - '0');
    for (long i = 1; i < n; i++) {
        long p = sys(SYS_fork, 0, 0, 0);
        if (p == 0) idle();
        if (p < 0) sys(SYS_exit, 1, 0, 0);
    }
    sys(SYS_write, 1, (long)"ready\n", 6);
    idle();
}

__asm__(".globl _start\n_start:\n  mov (%rsp), %rdi\n  lea 8(%rsp), %rsi\n  and $-16, %rsp\n  call start\n");
