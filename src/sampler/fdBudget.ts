// The /proc fds the sampler keeps open between samples (a re-read at offset 0 is one syscall),
// within a budget: beyond it a file is opened, read and closed each time.
import { closeFd } from '../proc/readfile';

export class FdBudget {
  /** How many more fds may be kept. */
  constructor(public left: number) {}

  /** Keeps `fd` if there is room (returns it), else closes it (returns -1). */
  keep(fd: number): number {
    if (this.left > 0) {
      this.left--;
      return fd;
    }
    closeFd(fd);
    return -1;
  }

  release(fd: number): void {
    if (fd < 0) return;
    closeFd(fd);
    this.left++;
  }

  /** Releases a process's kept fds. */
  closeFds(e: { statFd: number; rollupFd: number }): void {
    this.release(e.statFd);
    this.release(e.rollupFd);
    e.statFd = e.rollupFd = -1;
  }
}
