/*
 * dbload: a "database" load for the page-walk benchmark and tests. Maps MB megabytes
 * MAP_SHARED (anonymous, so shmem, like a buffer pool) without transparent huge pages
 * (MADV_NOHUGEPAGE: every 4 KB page has its own page-table entry to walk), forks K
 * backends that each touch every page of it, and idles. A backend sent SIGUSR1 touches
 * STEP_KB more private memory (it "changes"); SIGTERM, SIGINT or SIGHUP end it. The
 * parent prints "ready <pid> ..." for each backend, then "up", then idles; backends end
 * with their parent (PR_SET_PDEATHSIG).
 *
 * usage: dbload [-m MB] [-k BACKENDS] [-s STEP_KB]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t grow_requests, stop;

static void on_usr1(int sig) { (void)sig; grow_requests++; }
static void on_stop(int sig) { (void)sig; stop = 1; }

static void touch(volatile char *p, size_t len, long page)
{
    for (size_t i = 0; i < len; i += (size_t)page) p[i] = (char)(i / (size_t)page);
}

static void backend(char *shared, size_t len, size_t step, long page, int readyfd)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1) _exit(0);
    touch(shared, len, page);
    char msg[64];
    int n = snprintf(msg, sizeof msg, "ready %d\n", (int)getpid());
    if (write(readyfd, msg, (size_t)n) != n) _exit(1);
    close(readyfd);
    sigset_t none;
    sigemptyset(&none);
    while (!stop) {
        sigsuspend(&none);
        while (grow_requests > 0 && !stop) {
            grow_requests--;
            char *p = mmap(NULL, step, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) _exit(1);
            touch(p, step, page);
            printf("grew %d\n", (int)getpid());
            fflush(stdout);
        }
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    long mb = 64, k = 4, step_kb = 1024;
    int opt;
    while ((opt = getopt(argc, argv, "m:k:s:")) != -1) {
        switch (opt) {
        case 'm': mb = atol(optarg); break;
        case 'k': k = atol(optarg); break;
        case 's': step_kb = atol(optarg); break;
        default:
            fprintf(stderr, "usage: dbload [-m MB] [-k BACKENDS] [-s STEP_KB]\n");
            return 2;
        }
    }
    if (mb < 1 || k < 1 || k > 1024 || step_kb < 4) {
        fprintf(stderr, "dbload: bad sizes\n");
        return 2;
    }
    long page = sysconf(_SC_PAGESIZE);
    size_t len = (size_t)mb << 20, step = (size_t)step_kb << 10;
    char *shared = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) { perror("mmap"); return 1; }
    if (madvise(shared, len, MADV_NOHUGEPAGE) != 0) perror("madvise(MADV_NOHUGEPAGE)");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, NULL); /* delivered only inside sigsuspend */

    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); return 1; }
    pid_t *kids = calloc((size_t)k, sizeof *kids);
    for (long i = 0; i < k; i++) {
        kids[i] = fork();
        if (kids[i] < 0) { perror("fork"); stop = 1; break; }
        if (kids[i] == 0) { close(fds[0]); backend(shared, len, step, page, fds[1]); }
    }
    close(fds[1]);
    /* Relay the backends' "ready" lines (each one write, so whole lines). */
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
    printf("up %d\n", (int)getpid());
    fflush(stdout);
    sigset_t none;
    sigemptyset(&none);
    while (!stop) sigsuspend(&none);
    for (long i = 0; i < k; i++) if (kids[i] > 0) kill(kids[i], SIGTERM);
    while (wait(NULL) > 0 || errno == EINTR) {}
    return 0;
}
