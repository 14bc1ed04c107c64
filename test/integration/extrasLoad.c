/*
 * The load of extras.live.test.ts: anonymous memory in transparent huge pages, or pages KSM
 * can merge. Usage: extrasLoad thp MB | extrasLoad ksm PAGES. Prints "up" once the memory is
 * touched, then holds it until its stdin closes (the test's end, however it ends).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE (2UL << 20)

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  long n = atol(argv[2]);
  if (n <= 0) return 2;
  long page = sysconf(_SC_PAGESIZE);
  if (strcmp(argv[1], "thp") == 0) {
    size_t len = (size_t)n << 20;
    /* One huge page more than asked, so that an aligned region of len fits. */
    char *raw = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return 3;
    char *p = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
    if (madvise(p, len, MADV_HUGEPAGE) != 0) return 4;
    memset(p, 0x5a, len);
  } else if (strcmp(argv[1], "ksm") == 0) {
    size_t len = (size_t)n * (size_t)page;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 3;
    memset(p, 0x5a, len); /* every page alike (and not zero: zero pages merge apart) */
    if (madvise(p, len, MADV_MERGEABLE) != 0) return 4;
  } else {
    return 2;
  }
  puts("up");
  fflush(stdout);
  char buf[64];
  while (read(0, buf, sizeof buf) > 0) {
  }
  return 0;
}
