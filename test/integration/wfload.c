/* The waterfall live test's load (test/integration/waterfall.live.test.ts).
 *   wfload hold ANON_MB [FILE [SHM]]  touch ANON_MB of anonymous memory, read every page of FILE
 *                                     and write every page of SHM through shared mappings, print
 *                                     "up", wait
 *   wfload grow                       print "up", then touch 1 MB more every millisecond until
 *                                     the OOM killer stops it */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile unsigned long sink;

static void map_file(const char *path, int writable) {
  int fd = open(path, writable ? O_RDWR : O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) { perror(path); exit(2); }
  unsigned char *p = mmap(NULL, st.st_size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); exit(2); }
  for (off_t i = 0; i < st.st_size; i += 4096) {
    if (writable) p[i] = 1;
    else sink += p[i];
  }
  close(fd);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "hold") == 0) {
    size_t n = (size_t)atoi(argv[2]) << 20;
    unsigned char *a = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a == MAP_FAILED) { perror("mmap"); return 2; }
    for (size_t i = 0; i < n; i += 4096) a[i] = 1;
    if (argc >= 4) map_file(argv[3], 0);
    if (argc >= 5) map_file(argv[4], 1);
    puts("up");
    fflush(stdout);
    for (;;) pause();
  }
  if (argc == 2 && strcmp(argv[1], "grow") == 0) {
    puts("up");
    fflush(stdout);
    for (;;) {
      unsigned char *a = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (a == MAP_FAILED) { usleep(1000); continue; }
      for (size_t i = 0; i < (1 << 20); i += 4096) a[i] = 1;
      usleep(1000);
    }
  }
  fprintf(stderr, "usage: wfload hold ANON_MB [FILE [SHM]] | wfload grow\n");
  return 2;
}
