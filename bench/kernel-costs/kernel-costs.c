// Our own real-kernel measurements of per-page memory-management costs (docs/model.md, cost
// table): times kernel paths that user space can start on its own, with no sysctl, cgroup or
// mount, in one pinned thread, and checks that each did what it is meant to do.
//
//   fault       write one byte to each 4 KiB page of a fresh anonymous mapping (do_anonymous_page:
//               allocate, clear, map), then munmap it: will-it-scale page_fault1's op.
//   reclaim     MADV_PAGEOUT of clean, order-0 page-cache pages mapped only by us:
//               reclaim_pages() -> shrink_folio_list(ignore_references): isolate, try_to_unmap
//               (rmap walk, TLB flush), __remove_mapping (shadow entry), free.
//   reclaim-large  the same on the large folios ext4's readahead makes: time per folio.
//   invalidate  POSIX_FADV_DONTNEED of clean, unmapped order-0 page cache: invalidation
//               (mapping_evict_folio, no LRU isolation or reference check), not reclaim.
//   rmap-walk   fsync of page cache written through a shared mapping, less fsync of the same pages
//               written by pwrite(): folio_clear_dirty_for_io() -> folio_mkclean() walks the rmap to
//               the one PTE of each folio and write-protects and cleans it (with a flush); an
//               unmapped folio has no walk. The walk folio_referenced() makes at an LRU look.
//   split       MADV_COLD on the first 4 KiB of each PMD-mapped THP: madvise_cold_or_pageout_pte_range()
//               splits a partly covered THP with split_folio(); minus the same madvise on 4 KiB pages.
//
// Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID: the kernel work runs in our context;
// time other tasks take on a shared machine is excluded); wall time is printed beside it.
//
//   kernel-costs [--runs N] [--mib M] [--dir DIR]
// Prints `result NAME median=X min=Y max=Z runs=N unit=us` lines and a check line per test.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define HPAGE (2UL << 20)
#define TMPFS_MAGIC_ 0x01021994
#define MAX_RUNS 64

static int runs = 9;
static size_t mib = 256;
static const char *dir_arg;

static void die(const char *what) {
  fprintf(stderr, "kernel-costs: %s: %s\n", what, strerror(errno));
  exit(1);
}

static double ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

struct timer { double cpu, wall; };
static struct timer start(void) { return (struct timer){ ns(CLOCK_THREAD_CPUTIME_ID), ns(CLOCK_MONOTONIC) }; }
static struct timer stop(struct timer t0) {
  return (struct timer){ ns(CLOCK_THREAD_CPUTIME_ID) - t0.cpu, ns(CLOCK_MONOTONIC) - t0.wall };
}

static long vmstat(const char *name) {
  FILE *f = fopen("/proc/vmstat", "r");
  char key[128];
  long v, found = -1;
  if (!f) return -1;
  while (fscanf(f, "%127s %ld", key, &v) == 2)
    if (!strcmp(key, name)) { found = v; break; }
  fclose(f);
  return found;
}

static size_t resident(void *p, size_t len) {
  size_t n = len / PAGE, r = 0;
  unsigned char *v = malloc(n);
  if (!v || mincore(p, len, v)) die("mincore");
  for (size_t i = 0; i < n; i++) r += v[i] & 1;
  free(v);
  return r;
}

// Folio shapes of a mapped range from /proc/self/pagemap and /proc/kpageflags (root only):
// pages that belong to a large folio, and folios in all. Returns 0 when the files are unreadable.
static int folio_shape(void *p, size_t len, size_t *in_large, size_t *folios) {
  int pm = open("/proc/self/pagemap", O_RDONLY), kf = open("/proc/kpageflags", O_RDONLY);
  int ok = pm >= 0 && kf >= 0;
  *in_large = *folios = 0;
  for (size_t i = 0; ok && i < len / PAGE; i++) {
    uint64_t e, fl;
    if (pread(pm, &e, 8, ((uintptr_t)p / PAGE + i) * 8) != 8) { ok = 0; break; }
    uint64_t pfn = e & ((1ULL << 55) - 1);
    if (!(e >> 63) || !pfn) { ok = 0; break; } // not present, or PFNs hidden from us
    if (pread(kf, &fl, 8, pfn * 8) != 8) { ok = 0; break; }
    int head = fl >> 15 & 1, tail = fl >> 16 & 1;
    if (head || tail) (*in_large)++;
    if (!tail) (*folios)++;
  }
  if (pm >= 0) close(pm);
  if (kf >= 0) close(kf);
  return ok;
}

// AnonHugePages and Rss (kB) of the mapping that starts at p, from /proc/self/smaps.
static void smaps(void *p, long *anon_huge_kb, long *rss_kb) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0;
  *anon_huge_kb = *rss_kb = -1;
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' ')) {
      if (in) break;
      in = a == (uintptr_t)p;
      continue;
    }
    if (!in) continue;
    sscanf(line, "AnonHugePages: %ld kB", anon_huge_kb);
    sscanf(line, "Rss: %ld kB", rss_kb);
  }
  fclose(f);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n, const char *what) {
  double s[MAX_RUNS];
  memcpy(s, v, n * sizeof *v);
  qsort(s, n, sizeof *s, cmp);
  double med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  printf("result %-22s median=%.3f min=%.3f max=%.3f runs=%d unit=us  # %s\n", name, med, s[0], s[n - 1], n, what);
}

static char *map_aligned(size_t len, size_t align) {
  char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) die("mmap");
  char *p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
  if (p > raw) munmap(raw, p - raw);
  munmap(p + len, raw + len + align - (p + len));
  return p;
}

// --- fault ----------------------------------------------------------------------------------
static void bench_fault(void) {
  size_t len = mib << 20, pages = len / PAGE;
  double touch[MAX_RUNS], whole[MAX_RUNS], wall[MAX_RUNS];
  for (int r = -1; r < runs; r++) { // run -1 warms the free lists and the host's backing
    char *p = map_aligned(len, HPAGE);
    if (madvise(p, len, MADV_NOHUGEPAGE)) die("madvise(MADV_NOHUGEPAGE)");
    struct timer t0 = start();
    for (size_t i = 0; i < pages; i++) p[i * PAGE] = 1;
    struct timer t1 = stop(t0);
    size_t res = resident(p, len);
    struct timer m0 = start();
    if (munmap(p, len)) die("munmap");
    struct timer m1 = stop(m0);
    if (res != pages) { fprintf(stderr, "fault: %zu of %zu pages resident\n", res, pages); exit(1); }
    if (r < 0) continue;
    touch[r] = t1.cpu / pages / 1e3;
    whole[r] = (t1.cpu + m1.cpu) / pages / 1e3;
    wall[r] = t1.wall / pages / 1e3;
  }
  printf("check fault: %zu pages a run, all resident after the touch\n", pages);
  report("fault_touch", touch, runs, "4 KiB anonymous write fault: allocate, clear, map (CPU time)");
  report("fault_touch_wall", wall, runs, "the same, wall time");
  report("fault_with_munmap", whole, runs, "fault plus its share of the munmap that frees it: page_fault1's op");
}

// --- page cache -----------------------------------------------------------------------------
static int file_fd = -1;
static char dir_path[4096];

static void make_file(size_t len) {
  const char *base = dir_arg ? dir_arg : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  struct statfs fs;
  if (statfs(base, &fs)) die(base);
  if (fs.f_type == TMPFS_MAGIC_) {
    fprintf(stderr, "kernel-costs: %s is tmpfs; its pages are not reclaimed clean. Give --dir on a disk file system\n", base);
    exit(2);
  }
  snprintf(dir_path, sizeof dir_path, "%s/kernel-costs.XXXXXX", base);
  if (!mkdtemp(dir_path)) die("mkdtemp");
  char file[4200];
  snprintf(file, sizeof file, "%s/data", dir_path);
  file_fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (file_fd < 0) die(file);
  unlink(file); // gone from the folder; the data lives as long as the descriptor
  char buf[PAGE];
  memset(buf, 0x5a, sizeof buf);
  for (size_t off = 0; off < len; off += PAGE)
    if (pwrite(file_fd, buf, PAGE, off) != (ssize_t)PAGE) die("pwrite");
  if (fsync(file_fd)) die("fsync"); // on disk: its page cache is clean, reclaim frees it without writeback
}

// Drop the file from the page cache, then read it back: with POSIX_FADV_RANDOM readahead makes
// order-0 folios (page_cache_ra_unbounded at the mapping's minimum order); without it, ext4's
// readahead makes large folios.
static void load_file(size_t len, int order0) {
  posix_fadvise(file_fd, 0, 0, POSIX_FADV_DONTNEED);
  posix_fadvise(file_fd, 0, 0, order0 ? POSIX_FADV_RANDOM : POSIX_FADV_SEQUENTIAL);
  static char buf[1 << 20];
  for (size_t off = 0; off < len; off += sizeof buf)
    if (pread(file_fd, buf, sizeof buf, off) <= 0) die("pread");
  posix_fadvise(file_fd, 0, 0, POSIX_FADV_NORMAL);
}

static void bench_reclaim(int order0) {
  size_t len = mib << 20, pages = len / PAGE;
  double per[MAX_RUNS], wall[MAX_RUNS], per_folio[MAX_RUNS];
  size_t large = 0, folios = 0;
  int shape = 0;
  for (int r = 0; r < runs; r++) {
    load_file(len, order0);
    char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, file_fd, 0);
    if (p == MAP_FAILED) die("mmap file");
    volatile char sink = 0;
    for (size_t i = 0; i < pages; i++) sink += p[i * PAGE]; // map every page (fault-around maps neighbours)
    (void)sink;
    size_t before = resident(p, len);
    shape = folio_shape(p, len, &large, &folios);
    struct timer t0 = start();
    if (madvise(p, len, MADV_PAGEOUT)) die("madvise(MADV_PAGEOUT)");
    struct timer t1 = stop(t0);
    size_t after = resident(p, len);
    munmap(p, len);
    size_t freed = before - after;
    if (before != pages || freed < pages * 9 / 10) {
      fprintf(stderr, "reclaim: %zu of %zu pages resident before, %zu freed\n", before, pages, freed);
      exit(1);
    }
    if (order0 && shape && large) { fprintf(stderr, "reclaim: %zu pages in large folios; want order 0\n", large); exit(1); }
    per[r] = t1.cpu / freed / 1e3;
    wall[r] = t1.wall / freed / 1e3;
    per_folio[r] = shape && folios ? t1.cpu / folios / 1e3 * ((double)freed / pages) : 0;
  }
  if (order0) {
    printf("check reclaim: %zu pages a run, all resident before, >= 90%% gone after (mincore); folios: %s\n", pages,
           shape ? (large ? "LARGE" : "all order 0 (kpageflags)") : "unchecked (no /proc/kpageflags access)");
    report("reclaim_mapped_page", per, runs, "MADV_PAGEOUT of a clean order-0 page-cache page mapped once (CPU time per page freed)");
    report("reclaim_mapped_page_wall", wall, runs, "the same, wall time");
  } else {
    printf("check reclaim-large: %zu pages a run in %zu folios (%zu pages in large folios)%s\n", pages, folios, large,
           shape ? "" : ", folio shape unchecked");
    report("reclaim_large_per_page", per, runs, "MADV_PAGEOUT of clean page cache in readahead's large folios, per 4 KiB page");
    if (shape) report("reclaim_large_per_folio", per_folio, runs, "the same, per folio");
  }
}

static void bench_invalidate(void) {
  size_t len = mib << 20, pages = len / PAGE;
  double per[MAX_RUNS];
  for (int r = 0; r < runs; r++) {
    load_file(len, 1);
    char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, file_fd, 0); // for mincore only: never touched
    if (p == MAP_FAILED) die("mmap file");
    size_t before = resident(p, len);
    struct timer t0 = start();
    posix_fadvise(file_fd, 0, 0, POSIX_FADV_DONTNEED);
    struct timer t1 = stop(t0);
    size_t after = resident(p, len);
    munmap(p, len);
    // A few pages may be gone already on a busy machine (seen: 65,527 of 65,536); the time is per page dropped.
    if (before < pages * 99 / 100 || before - after < pages * 9 / 10) {
      fprintf(stderr, "invalidate: %zu resident before, %zu after\n", before, after);
      exit(1);
    }
    per[r] = t1.cpu / (before - after) / 1e3;
  }
  printf("check invalidate: %zu unmapped order-0 pages a run, >= 90%% gone after (mincore)\n", pages);
  report("invalidate_page", per, runs, "POSIX_FADV_DONTNEED of a clean unmapped page-cache page (invalidation, not reclaim)");
}

// One fsync of the whole file after dirtying every page, through a shared mapping (mapped) or
// by pwrite() (unmapped). Returns the fsync's time and the pages written (nr_written).
static struct timer dirty_fsync(size_t len, int mapped, long *written, size_t *resident_pages) {
  size_t pages = len / PAGE;
  load_file(len, 1);
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, file_fd, 0);
  if (p == MAP_FAILED) die("mmap file");
  if (mapped) {
    for (size_t i = 0; i < pages; i++) p[i * PAGE] = 0x3c; // write fault: page_mkwrite, PTE writable and dirty
  } else {
    char c = 0x3c;
    for (size_t i = 0; i < pages; i++)
      if (pwrite(file_fd, &c, 1, i * PAGE) != 1) die("pwrite");
  }
  *resident_pages = resident(p, len);
  long w0 = vmstat("nr_written");
  struct timer t0 = start();
  if (fsync(file_fd)) die("fsync");
  struct timer t = stop(t0);
  *written = vmstat("nr_written") - w0;
  munmap(p, len);
  return t;
}

static void bench_rmap_walk(void) {
  size_t len = mib << 20, pages = len / PAGE;
  double per[MAX_RUNS], map_us[MAX_RUNS], unmap_us[MAX_RUNS];
  long wm = 0, wu = 0;
  size_t rm = 0, ru = 0;
  for (int r = -1; r < runs; r++) { // run -1 warms the file's blocks and the journal
    struct timer u = dirty_fsync(len, 0, &wu, &ru);
    struct timer m = dirty_fsync(len, 1, &wm, &rm);
    // nr_written is read from the folded per-CPU counters: a few pages may not show yet.
    if (rm != pages || ru != pages || wm < (long)pages * 9 / 10 || wu < (long)pages * 9 / 10) {
      fprintf(stderr, "rmap-walk: resident %zu/%zu of %zu, nr_written +%ld/+%ld\n", rm, ru, pages, wm, wu);
      exit(1);
    }
    if (r < 0) continue;
    per[r] = (m.cpu - u.cpu) / pages / 1e3;
    map_us[r] = m.cpu / pages / 1e3;
    unmap_us[r] = u.cpu / pages / 1e3;
  }
  printf("check rmap-walk: %zu order-0 pages a run, all resident, nr_written +%ld (mapped) and +%ld (unmapped)\n",
         pages, wm, wu);
  report("rmap_walk", per, runs, "fsync of a page written through its one mapping less one written by pwrite: folio_mkclean()'s rmap walk");
  report("fsync_mapped_page", map_us, runs, "fsync per page dirtied through a shared mapping (CPU time)");
  report("fsync_unmapped_page", unmap_us, runs, "fsync per page dirtied by pwrite (CPU time)");
}

// --- THP split ------------------------------------------------------------------------------
// One pass: map len bytes 2 MiB aligned, as THPs or 4 KiB pages, write `fill` to the first byte
// of every 4 KiB page, then MADV_COLD the first 4 KiB of every 2 MiB. Returns the madvise time.
static struct timer cold_pass(size_t len, int huge, char fill, long *huge_before, long *huge_after, long *rss_before,
                              long *rss_after, long *splits) {
  char *p = map_aligned(len, HPAGE);
  if (madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) die("madvise(MADV_HUGEPAGE)");
  for (size_t i = 0; i < len / PAGE; i++) p[i * PAGE] = fill; // a write faults even when fill is 0
  smaps(p, huge_before, rss_before);
  long s0 = vmstat("thp_split_page");
  struct timer t0 = start();
  for (size_t off = 0; off < len; off += HPAGE)
    if (madvise(p + off, PAGE, MADV_COLD)) die("madvise(MADV_COLD)");
  struct timer t = stop(t0);
  *splits = vmstat("thp_split_page") - s0;
  smaps(p, huge_after, rss_after);
  munmap(p, len);
  return t;
}

static void bench_split(char fill, const char *name, const char *what) {
  size_t len = mib << 20, thps = len / HPAGE;
  double per[MAX_RUNS], wall[MAX_RUNS], base_us[MAX_RUNS];
  long hb, ha, rb, ra, splits, hb4, ha4, rb4, ra4, splits4;
  for (int r = -1; r < runs; r++) {
    struct timer base = cold_pass(len, 0, fill, &hb4, &ha4, &rb4, &ra4, &splits4);
    struct timer thp = cold_pass(len, 1, fill, &hb, &ha, &rb, &ra, &splits);
    if (hb < (long)(len >> 10) * 9 / 10) {
      printf("check %s: skipped: %ld of %zu kB were THPs (transparent_hugepage off or no free 2 MiB blocks)\n", name, hb,
             len >> 10);
      return;
    }
    if (ha != 0 || splits < (long)thps || hb4 != 0) {
      fprintf(stderr, "%s: AnonHugePages %ld -> %ld kB, thp_split_page +%ld for %zu THPs\n", name, hb, ha, splits, thps);
      exit(1);
    }
    if (r < 0) continue;
    per[r] = (thp.cpu - base.cpu) / thps / 1e3;
    wall[r] = (thp.wall - base.wall) / thps / 1e3;
    base_us[r] = base.cpu / thps / 1e3;
  }
  printf("check %s: %zu THPs a run, AnonHugePages %ld -> 0 kB, thp_split_page +%ld (system-wide), Rss %ld -> %ld kB\n",
         name, thps, hb, splits, rb, ra);
  report(name, per, runs, what);
  if (fill) {
    char wname[64];
    snprintf(wname, sizeof wname, "%s_wall", name);
    report(wname, wall, runs, "the same, wall time");
    report("cold_4k_baseline", base_us, runs, "the same madvise(MADV_COLD) on 4 KiB of 4 KiB-page memory");
  }
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--mib") && i + 1 < argc) mib = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--dir") && i + 1 < argc) dir_arg = argv[++i];
    else {
      fprintf(stderr, "usage: kernel-costs [--runs N (1-%d)] [--mib M (>= 4, even)] [--dir DIR]\n", MAX_RUNS);
      return 2;
    }
  }
  if (runs < 1 || runs > MAX_RUNS || mib < 4 || mib % 2) {
    fprintf(stderr, "kernel-costs: --runs 1-%d, --mib an even number >= 4\n", MAX_RUNS);
    return 2;
  }
  // One CPU: the per-CPU LRU batches that MADV_PAGEOUT drains are this CPU's.
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(sched_getcpu(), &set);
  sched_setaffinity(0, sizeof set, &set);

  struct utsname u;
  uname(&u);
  printf("kernel %s %s, %d runs of %zu MiB each, pinned to cpu %d\n", u.release, u.machine, runs, mib, sched_getcpu());
  bench_fault();
  make_file(mib << 20);
  bench_reclaim(1);
  bench_reclaim(0);
  bench_invalidate();
  bench_rmap_walk();
  close(file_fd);
  rmdir(dir_path);
  bench_split(0x5a, "split_thp", "split_folio() of a PMD-mapped anonymous THP of data, per THP, less the 4 KiB baseline");
  bench_split(0, "split_thp_zero", "the same on zero-filled THPs (subpages remapped to the shared zero page and freed)");
  return 0;
}
