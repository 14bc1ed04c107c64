/*
 * memtest.c - test load for pmemstat (see DESIGN.md, section "memtest").
 *
 * Build:  cc -O2 -Wall -Wextra memtest.c -o memtest
 *
 * At every step it grows memory of every kind, so that each pmemstat
 * category moves:
 *
 *   heap       256 KB malloc'd and touched              -> data
 *   stack       16 KB local array, one recursion level  -> stack
 *              deeper per step (the steps run inside the
 *              recursion, so every frame stays alive)
 *   sysv        64 KB SysV segment, key = BASE + step    -> shSYSV
 *              (BASE defaults to 0x504d0000, so concurrent
 *              copies attach the SAME segments)
 *   mapped      64 KB slice N of one MAP_SHARED file      -> shOth
 *              $TMPDIR/pmemstat-memtest.shared (default
 *              TMPDIR=/tmp), shared by concurrent copies
 *   untouched 1024 KB malloc'd and never touched          -> nothing
 *
 * It prints one line per step (flushed), then keeps holding everything
 * and sleeps until SIGTERM, SIGINT or SIGHUP.  Lines starting with '#'
 * are comments (start-up and "holding" notices).
 *
 * Clean-up when the LAST copy exits:
 *
 *   SysV segments: after shmdt() each copy reads shm_nattch (IPC_STAT);
 *     when it is 0 no copy is attached any more and the segment is
 *     removed (IPC_RMID).  Two copies exiting at once may both see 0:
 *     the second IPC_RMID fails with EINVAL/EIDRM, which is ignored.  A
 *     copy that starts while the last one exits may see its freshly
 *     obtained id vanish before shmat(): it then simply calls shmget()
 *     again (which creates a new segment).  Segments left by a copy that
 *     was SIGKILLed are reused by the next run and removed at its end.
 *
 *   Shared file: the first page of the file is a registry of the pids of
 *     the live copies.  Every update of that page is done while holding
 *     flock(LOCK_EX) on the file: on start a copy drops entries of dead
 *     pids (kill(pid, 0) == ESRCH) and adds its own pid; on exit it
 *     removes its pid and, if no live pid is left, unlinks the file.  A
 *     starting copy that locked a file which was meanwhile unlinked (or
 *     replaced) reopens it.  Because dead pids are pruned, a copy killed
 *     with SIGKILL does not keep the file alive for ever.
 *
 * Signals only set a flag; the clean-up runs in the main flow.  The stop
 * signals are blocked except while sleeping in pselect(), so a signal can
 * neither be lost nor interrupt an update of the pid registry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define KB 1024L
#define HEAP_STEP (256 * KB)
#define STACK_STEP (16 * KB)
#define SYSV_STEP (64 * KB)
#define MAP_STEP (64 * KB)
#define UNTOUCHED_STEP (1024 * KB)
#define MAX_STEPS 4096
#define DEFAULT_KEY_BASE 0x504d0000L
#define FILE_NAME "pmemstat-memtest.shared"
#define HDR_SIZE 4096L
#define HDR_MAGIC 0x504d454d54455354ULL /* "PMEMTEST" */
#define HDR_SLOTS ((HDR_SIZE - 16) / (long)sizeof(int32_t))

struct hdr {
    uint64_t magic;
    int32_t nslots;
    int32_t pad;
    int32_t pids[HDR_SLOTS];
};

static volatile sig_atomic_t stop_flag;
static int steps = 128;
static long interval_ms = 10000;
static long key_base = DEFAULT_KEY_BASE;

static int shm_ids[MAX_STEPS + 1];
static void *shm_addrs[MAX_STEPS + 1];
static int nshm;

static char file_path[PATH_MAX];
static int file_fd = -1;
static unsigned char *file_map;
static size_t file_len;

static char *volatile stack_sink; /* keeps the stack arrays observable */

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void shm_release_all(void);
static void file_close(void);
static sigset_t run_mask; /* mask while waiting: stop signals unblocked */

static void die(const char *what)
{
    fprintf(stderr, "memtest: %s: %s\n", what, strerror(errno));
    shm_release_all();
    file_close();
    exit(1);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: memtest [-q] [-s] [-i MS] [-n STEPS] [-k KEYBASE] [-h]\n"
            "  grows heap, stack, SysV shm, shared file map and untouched\n"
            "  memory at every step, then holds it until SIGTERM/SIGINT.\n"
            "  -q        quick: 1 s steps (default 10 s)\n"
            "  -s        short: 16 steps (default 128)\n"
            "  -i MS     step interval in milliseconds\n"
            "  -n STEPS  number of steps (1..%d)\n"
            "  -k BASE   SysV key base (default 0x%lx; key = BASE + step)\n"
            "  -h        this help\n"
            "  The shared file is $TMPDIR/" FILE_NAME " (TMPDIR default /tmp).\n",
            MAX_STEPS, DEFAULT_KEY_BASE);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Sleep ms milliseconds (ms < 0: for ever); returns early when a stop
 * signal arrived.  The stop signals stay blocked except inside pselect(),
 * which unblocks them atomically, so none can slip in unnoticed.
 */
static void nap(long ms)
{
    long long end = now_ms() + ms;
    while (!stop_flag) {
        struct timespec ts, *tp = NULL;
        if (ms >= 0) {
            long long left = end - now_ms();
            if (left <= 0)
                break;
            ts.tv_sec = (time_t)(left / 1000);
            ts.tv_nsec = (long)(left % 1000) * 1000000L;
            tp = &ts;
        }
        pselect(0, NULL, NULL, NULL, tp, &run_mask);
    }
}

/* ---- shared file with a registry of live pids in its first page ---- */

static int pid_alive(int32_t pid)
{
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void file_open(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(file_path, sizeof file_path, "%s/%s", dir, FILE_NAME);
    file_len = (size_t)(HDR_SIZE + (long)steps * MAP_STEP);

    for (;;) {
        struct stat fst, pst;
        int fd = open(file_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            die(file_path);
        if (flock(fd, LOCK_EX) < 0)
            die("flock");
        /* The last copy may have unlinked it between our open and flock. */
        if (fstat(fd, &fst) < 0)
            die("fstat");
        if (fst.st_nlink == 0 || stat(file_path, &pst) < 0 ||
            pst.st_ino != fst.st_ino || pst.st_dev != fst.st_dev) {
            close(fd);
            continue;
        }
        if ((size_t)fst.st_size < file_len && ftruncate(fd, (off_t)file_len) < 0)
            die("ftruncate");
        file_map = mmap(NULL, file_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (file_map == MAP_FAILED)
            die("mmap");
        file_fd = fd;
        break;
    }

    struct hdr *h = (struct hdr *)file_map;
    if (h->magic != HDR_MAGIC) {
        memset(h, 0, sizeof *h);
        h->magic = HDR_MAGIC;
        h->nslots = (int32_t)HDR_SLOTS;
    }
    int32_t me = (int32_t)getpid(), free_slot = -1;
    for (long i = 0; i < HDR_SLOTS; i++) {
        int32_t p = __atomic_load_n(&h->pids[i], __ATOMIC_SEQ_CST);
        if (p && !pid_alive(p)) {
            __atomic_store_n(&h->pids[i], 0, __ATOMIC_SEQ_CST);
            p = 0;
        }
        if (!p && free_slot < 0)
            free_slot = (int32_t)i;
    }
    if (free_slot >= 0)
        __atomic_store_n(&h->pids[free_slot], me, __ATOMIC_SEQ_CST);
    else
        fprintf(stderr, "memtest: too many copies, not registered\n");
    flock(file_fd, LOCK_UN);
}

static void file_close(void)
{
    if (file_fd < 0)
        return;
    flock(file_fd, LOCK_EX);
    struct hdr *h = (struct hdr *)file_map;
    int32_t me = (int32_t)getpid();
    int live = 0;
    for (long i = 0; i < HDR_SLOTS; i++) {
        int32_t p = __atomic_load_n(&h->pids[i], __ATOMIC_SEQ_CST);
        if (p == me || (p && !pid_alive(p)))
            __atomic_store_n(&h->pids[i], 0, __ATOMIC_SEQ_CST);
        else if (p)
            live++;
    }
    if (live == 0)
        unlink(file_path);
    munmap(file_map, file_len);
    flock(file_fd, LOCK_UN);
    close(file_fd);
    file_fd = -1;
}

/* ---- SysV segments ---- */

static void *shm_attach(int step, int *id_out)
{
    key_t key = (key_t)(key_base + step);
    for (int tries = 0; tries < 100; tries++) {
        int id = shmget(key, (size_t)SYSV_STEP, IPC_CREAT | 0600);
        if (id < 0)
            die("shmget");
        void *p = shmat(id, NULL, 0);
        if (p != (void *)-1) {
            *id_out = id;
            return p;
        }
        if (errno != EINVAL && errno != EIDRM)
            die("shmat");
        /* removed by an exiting copy between shmget and shmat: retry */
    }
    die("shmat (retries)");
    return NULL;
}

static void shm_release_all(void)
{
    for (int i = 0; i < nshm; i++) {
        struct shmid_ds ds;
        shmdt(shm_addrs[i]);
        if (shmctl(shm_ids[i], IPC_STAT, &ds) == 0 && ds.shm_nattch == 0)
            shmctl(shm_ids[i], IPC_RMID, NULL); /* may race: errors ignored */
    }
    nshm = 0;
}

static void cleanup_and_exit(void)
{
    shm_release_all();
    file_close();
    printf("# memtest %d: released, exiting\n", (int)getpid());
    fflush(stdout);
    exit(0);
}

/* ---- the steps, one recursion level each ---- */

/*
 * Step n, then (after the interval) step n+1 one frame deeper, so every
 * step's stack array stays alive.  After the last step it holds until a
 * stop signal; then the recursion unwinds and main() cleans up.
 */
static int step(int n)
{
    char frame[STACK_STEP];
    memset(frame, n & 0xff, sizeof frame);
    stack_sink = frame; /* escapes: the memset above must really happen */

    char *heap = malloc((size_t)HEAP_STEP);
    if (!heap)
        die("malloc");
    memset(heap, n & 0xff, (size_t)HEAP_STEP);

    int id;
    void *seg = shm_attach(n, &id);
    shm_ids[nshm] = id;
    shm_addrs[nshm] = seg;
    nshm++;
    memset(seg, n & 0xff, (size_t)SYSV_STEP);

    memset(file_map + HDR_SIZE + (long)(n - 1) * MAP_STEP, n & 0xff, (size_t)MAP_STEP);

    char *untouched = malloc((size_t)UNTOUCHED_STEP);
    if (!untouched)
        die("malloc");
    (void)untouched; /* never touched, never freed */

    printf("step %d/%d: heap %ld KB, stack %ld KB, sysv %ld KB, mapped %ld KB, untouched %ld KB\n",
           n, steps, n * HEAP_STEP / KB, n * STACK_STEP / KB, n * SYSV_STEP / KB,
           n * MAP_STEP / KB, n * UNTOUCHED_STEP / KB);
    fflush(stdout);

    int r = 0;
    if (n < steps) {
        nap(interval_ms);
        if (!stop_flag)
            r = step(n + 1);
    } else {
        printf("# memtest %d: holding; sleeping until signalled\n", (int)getpid());
        fflush(stdout);
        nap(-1);
    }
    /* Read the frame after the call, so the recursion is no tail call. */
    return r + frame[(n * 7) % STACK_STEP];
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "qsi:n:k:h")) != -1) {
        char *end;
        switch (opt) {
        case 'q':
            interval_ms = 1000;
            break;
        case 's':
            steps = 16;
            break;
        case 'i':
            interval_ms = strtol(optarg, &end, 10);
            if (*end || interval_ms < 0) {
                fprintf(stderr, "memtest: bad -i %s\n", optarg);
                return 2;
            }
            break;
        case 'n':
            steps = (int)strtol(optarg, &end, 10);
            if (*end || steps < 1 || steps > MAX_STEPS) {
                fprintf(stderr, "memtest: bad -n %s\n", optarg);
                return 2;
            }
            break;
        case 'k':
            key_base = strtol(optarg, &end, 0);
            if (*end || key_base <= 0 || key_base > 0x7fffffffL - MAX_STEPS) {
                fprintf(stderr, "memtest: bad -k %s\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }

    struct sigaction sa;
    sigset_t stop_set;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: interrupt the sleep */
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGTERM);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop_set, &run_mask);
    sigdelset(&run_mask, SIGTERM);
    sigdelset(&run_mask, SIGINT);
    sigdelset(&run_mask, SIGHUP);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    file_open();
    printf("# memtest %d: %d steps of %ld ms, sysv keys 0x%lx+step, file %s\n",
           (int)getpid(), steps, interval_ms, key_base, file_path);
    fflush(stdout);
    if (!stop_flag)
        (void)step(1);
    cleanup_and_exit();
    return 0;
}
