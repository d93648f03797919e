/*
 * numawl.c - NUMA workload + measurement helper for the numa-oracle guest.
 * Statically linked, runs as /bin/numawl inside the QEMU guest initramfs.
 *
 * All machine-readable output lines look like:
 *     @@ <prefix>.<key> <value>
 * The host side (run.sh) turns them into nested JSON.
 *
 * Subcommands (see usage()):
 *   snap                       dump counters (vmstat, per-node meminfo/numastat/vmstat) as "key value"
 *   diff A B                   print non-zero deltas of event counters between two snap files
 *   mem                        print selected per-node meminfo values (kB)
 *   cache  ...                 create page cache (read / write+read a file) pinned to a cpu
 *   anon   ...                 mmap+touch anon memory under a mempolicy, report node placement
 *   frag   ...                 fragment a node (free every odd-PFN page, optionally mlock the rest)
 *   thp    ...                 MADV_HUGEPAGE region fault-in, report THP local/remote
 *   tier   ...                 hot/cold tiering workload (demotion + NUMA-balancing promotion)
 *   dontneed ...               MADV_DONTNEED half of each THP, observe deferred split
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <sched.h>
#include <time.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>

#define MAXN 8
#define PG 4096UL
#define HPG (2UL << 20)
#define MB (1UL << 20)

#define XMPOL_DEFAULT 0
#define XMPOL_PREFERRED 1
#define XMPOL_BIND 2
#define XMPOL_INTERLEAVE 3
#define XMPOL_LOCAL 4
#define XMPOL_F_NUMA_BALANCING (1 << 13)
#define KPF_THP 22
#define KPF_COMPOUND_HEAD 15
#define KPF_UNEVICTABLE 18
#define KPF_MLOCKED 33
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif
#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE 15
#endif

static const char *g_prefix = "x";

static void out(const char *key, const char *fmt, ...)
{
	va_list ap;
	printf("@@ %s.%s ", g_prefix, key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void die(const char *what)
{
	fprintf(stderr, "numawl: %s: %s\n", what, strerror(errno));
	out("error", "\"%s: %s\"", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */
/* syscalls                                                            */

static long sys_set_mempolicy(int mode, const unsigned long *mask, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}

static long sys_move_pages(int pid, unsigned long count, void **pages, const int *nodes,
			   int *status, int flags)
{
	return syscall(SYS_move_pages, pid, count, pages, nodes, status, flags);
}

static void pin_cpu(int cpu)
{
	cpu_set_t s;
	if (cpu < 0)
		return;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (sched_setaffinity(0, sizeof(s), &s))
		die("sched_setaffinity");
}

/* policy string: default|local | bind:0,2 | preferred:1 | interleave:0,1  [+nb] */
static int apply_policy(const char *s)
{
	int mode, flags = 0;
	unsigned long mask = 0;
	char buf[128], *p, *colon;

	if (!s || !*s || !strcmp(s, "default") || !strcmp(s, "local"))
		return sys_set_mempolicy(XMPOL_DEFAULT, NULL, 0) ? (die("set_mempolicy"), -1) : 0;
	snprintf(buf, sizeof(buf), "%s", s);
	if ((p = strstr(buf, "+nb"))) {
		flags |= XMPOL_F_NUMA_BALANCING;
		*p = 0;
	}
	colon = strchr(buf, ':');
	if (!colon) {
		fprintf(stderr, "bad policy %s\n", s);
		exit(2);
	}
	*colon = 0;
	if (!strcmp(buf, "bind"))
		mode = XMPOL_BIND;
	else if (!strcmp(buf, "preferred"))
		mode = XMPOL_PREFERRED;
	else if (!strcmp(buf, "interleave"))
		mode = XMPOL_INTERLEAVE;
	else if (!strcmp(buf, "preferred_many"))
		mode = 5; /* MPOL_PREFERRED_MANY (5.15+) */
	else {
		fprintf(stderr, "bad policy mode %s\n", buf);
		exit(2);
	}
	for (p = strtok(colon + 1, ","); p; p = strtok(NULL, ","))
		mask |= 1UL << atoi(p);
	if (sys_set_mempolicy(mode | flags, &mask, sizeof(mask) * 8))
		die("set_mempolicy");
	return 0;
}

/* ------------------------------------------------------------------ */
/* /sys + /proc readers                                                */

static int node_exists(int n)
{
	char path[96];
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", n);
	return access(path, R_OK) == 0;
}

/* value of "Node N <key>:" in nodeN/meminfo, kB (or raw for counts) */
static long long node_meminfo(int n, const char *key)
{
	char path[96], line[256], k[96];
	long long v = -1;
	int nn;
	FILE *f;
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", n);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		long long val;
		if (sscanf(line, "Node %d %95[^:]: %lld", &nn, k, &val) == 3 && !strcmp(k, key)) {
			v = val;
			break;
		}
	}
	fclose(f);
	return v;
}

static long long kv_file_get(const char *path, const char *key)
{
	char line[256], k[128];
	long long v, r = -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lld", k, &v) == 2 && !strcmp(k, key)) {
			r = v;
			break;
		}
	fclose(f);
	return r;
}

static long long vmstat(const char *key) { return kv_file_get("/proc/vmstat", key); }

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		fprintf(stderr, "numawl: write %s=%s failed: %s\n", path, val, strerror(errno));
	if (fd >= 0)
		close(fd);
}


/* pages sitting on per-cpu free lists (not counted in MemFree), per node, from /proc/zoneinfo */
static void pcp_pages(long long *per_node)
{
	char line[256];
	int node = -1, in_pagesets = 0;
	FILE *f = fopen("/proc/zoneinfo", "r");
	for (int n = 0; n < MAXN; n++)
		per_node[n] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		int nn;
		long long c;
		char z[32];
		if (sscanf(line, "Node %d, zone %31s", &nn, z) == 2) {
			node = nn;
			in_pagesets = 0;
			continue;
		}
		if (strstr(line, "pagesets"))
			in_pagesets = 1;
		if (in_pagesets && sscanf(line, " count: %lld", &c) == 1 && node >= 0 && node < MAXN)
			per_node[node] += c;
	}
	if (f)
		fclose(f);
}

/* snapshot of many counters */
struct kv {
	char k[128];
	long long v;
};
struct snap {
	struct kv *a;
	int n, cap;
};

static void snap_add(struct snap *s, const char *k, long long v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->a = realloc(s->a, s->cap * sizeof(*s->a));
	}
	snprintf(s->a[s->n].k, sizeof(s->a[0].k), "%s", k);
	s->a[s->n].v = v;
	s->n++;
}

static void snap_kvfile(struct snap *s, const char *path, const char *pfx)
{
	char line[256], k[100], key[128];
	long long v;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%99s %lld", k, &v) == 2) {
			snprintf(key, sizeof(key), "%s%s", pfx, k);
			snap_add(s, key, v);
		}
	fclose(f);
}

static void snap_take(struct snap *s)
{
	char path[128], pfx[32], line[256], k[96], key[128];
	long long v;
	int n, nn;
	s->n = 0;
	snap_kvfile(s, "/proc/vmstat", "vm.");
	for (n = 0; n < MAXN; n++) {
		FILE *f;
		if (!node_exists(n))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", n);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "Node %d %95[^:]: %lld", &nn, k, &v) == 3) {
				snprintf(key, sizeof(key), "n%d.mem.%s", n, k);
				snap_add(s, key, v);
			}
		if (f)
			fclose(f);
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/numastat", n);
		snprintf(pfx, sizeof(pfx), "n%d.numa.", n);
		snap_kvfile(s, path, pfx);
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/vmstat", n);
		snprintf(pfx, sizeof(pfx), "n%d.vm.", n);
		snap_kvfile(s, path, pfx);
	}
}

static long long snap_get(struct snap *s, const char *k)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->a[i].k, k))
			return s->a[i].v;
	return 0;
}

static void snap_load(struct snap *s, const char *path)
{
	char k[128];
	long long v;
	FILE *f = fopen(path, "r");
	s->n = 0;
	if (!f)
		die(path);
	while (fscanf(f, "%127s %lld", k, &v) == 2)
		snap_add(s, k, v);
	fclose(f);
}

/* counters worth reporting as deltas (prefix match on the part after vm./nN.vm.) */
static const char *interesting[] = {
	"numa_", "pgscan", "pgsteal", "pgdemote", "pgpromote", "pgmigrate", "thp_", "compact_",
	"pgalloc_", "allocstall", "zone_reclaim", "pgrefill", "pgactivate", "pgdeactivate",
	"pgfree", "kswapd", "drop_", "slabs_scanned", "pgskip", "oom_kill", "nr_free_pages",
	"nr_file_pages", "nr_anon_pages", "nr_inactive", "nr_active", "nr_anon_transparent",
	"nr_mlock", "nr_unevictable", "nr_promoted", "nr_shmem", "pglazyfree", "workingset_",
	"nr_isolated", "nr_dirty", "nr_writeback", "pageoutrun", "pgmajfault", "nr_slab",
	"pgpgin", "pgpgout", "unevictable_", "nr_zone_", "pgsteal", "nr_page_table", NULL
};

static int is_interesting(const char *k)
{
	const char *p = k;
	if (!strncmp(k, "vm.", 3))
		p = k + 3;
	else if (k[0] == 'n' && strstr(k, ".vm."))
		p = strstr(k, ".vm.") + 4;
	else if (k[0] == 'n' && strstr(k, ".numa."))
		return 1;
	else
		return 0;
	for (int i = 0; interesting[i]; i++)
		if (!strncmp(p, interesting[i], strlen(interesting[i])))
			return 1;
	return 0;
}

static void print_delta(struct snap *a, struct snap *b, const char *sub)
{
	char key[160];
	for (int i = 0; i < b->n; i++) {
		long long av = 0, d;
		if (!is_interesting(b->a[i].k))
			continue;
		if (i < a->n && !strcmp(a->a[i].k, b->a[i].k))
			av = a->a[i].v;
		else
			av = snap_get(a, b->a[i].k);
		d = b->a[i].v - av;
		if (d) {
			snprintf(key, sizeof(key), "%s%s%s", sub ? sub : "", sub ? "." : "", b->a[i].k);
			out(key, "%lld", d);
		}
	}
}

static const char *memkeys[] = { "MemTotal", "MemFree", "FilePages", "AnonPages", "AnonHugePages",
				 "Active(file)", "Inactive(file)", "Active(anon)", "Inactive(anon)",
				 "Unevictable", "Mlocked", "Shmem", "Slab", "PageTables", "KernelStack",
				 NULL };

static void print_mem(const char *sub)
{
	char key[160];
	long long pcp[MAXN];
	pcp_pages(pcp);
	for (int n = 0; n < MAXN; n++) {
		if (!node_exists(n))
			continue;
		snprintf(key, sizeof(key), "%s%sn%d.pcp_free_kB", sub ? sub : "", sub ? "." : "", n);
		out(key, "%lld", pcp[n] * 4);
		for (int i = 0; memkeys[i]; i++) {
			snprintf(key, sizeof(key), "%s%sn%d.%s_kB", sub ? sub : "", sub ? "." : "", n,
				 memkeys[i]);
			out(key, "%lld", node_meminfo(n, memkeys[i]));
		}
	}
}

/* ------------------------------------------------------------------ */
/* placement                                                           */

struct place {
	long pages[MAXN]; /* 4K pages per node (from pagemap PFN -> memory block -> node) */
	long absent;      /* not present (never touched / freed) */
	long swapmig;     /* swap or migration entry (page being migrated) */
	long other;       /* present but PFN not in any known node block */
	long thp[MAXN];        /* 2MB chunks whose first page is part of a THP, per node */
	long chunks_small[MAXN]; /* present 2MB chunks that are not THP, per node of first page */
	long chunks;
	long mp_absent;   /* move_pages(2) said -ENOENT/-EFAULT (e.g. PROT_NONE NUMA-hinting PTEs on 6.1) */
};

static int pagemap_fd = -1, kpf_fd = -1;

static uint64_t pagemap_entry(void *addr)
{
	uint64_t e = 0;
	if (pagemap_fd < 0)
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pread(pagemap_fd, &e, 8, ((uintptr_t)addr / PG) * 8) != 8)
		return 0;
	return e;
}

static uint64_t kpageflags(uint64_t pfn)
{
	uint64_t f = 0;
	if (kpf_fd < 0)
		kpf_fd = open("/proc/kpageflags", O_RDONLY);
	if (pread(kpf_fd, &f, 8, pfn * 8) != 8)
		return 0;
	return f;
}

/* memory block -> node table from /sys/devices/system/node/nodeN/memoryM */
#define MAXBLK 4096
static signed char blk_node[MAXBLK];
static uint64_t blk_pages; /* pages per memory block */
static int blk_ready;

static void blk_init(void)
{
	char path[160];
	FILE *f = fopen("/sys/devices/system/memory/block_size_bytes", "r");
	unsigned long long bs = 128ULL << 20;
	if (f) {
		if (fscanf(f, "%llx", &bs) != 1)
			bs = 128ULL << 20;
		fclose(f);
	}
	blk_pages = bs / PG;
	memset(blk_node, -1, sizeof(blk_node));
	for (int n = 0; n < MAXN; n++)
		for (int b = 0; b < MAXBLK; b++) {
			snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/memory%d", n, b);
			if (access(path, F_OK) == 0)
				blk_node[b] = n;
		}
	blk_ready = 1;
}

static int pfn_node(uint64_t pfn)
{
	uint64_t b;
	if (!blk_ready)
		blk_init();
	b = pfn / blk_pages;
	return b < MAXBLK ? blk_node[b] : -1;
}

static void query_place_mp(char *addr, size_t len, struct place *p);

static void query_place(char *addr, size_t len, struct place *p, int do_thp)
{
	enum { B = 8192 };
	static uint64_t ent[B];
	size_t npg = len / PG;
	memset(p, 0, sizeof(*p));
	if (pagemap_fd < 0)
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	for (size_t i = 0; i < npg; i += B) {
		size_t c = npg - i < B ? npg - i : B;
		ssize_t r = pread(pagemap_fd, ent, c * 8, (((uintptr_t)addr / PG) + i) * 8);
		if (r != (ssize_t)(c * 8))
			die("pagemap read");
		for (size_t j = 0; j < c; j++) {
			uint64_t e = ent[j];
			int nd = -1;
			if ((e >> 63) & 1) {
				uint64_t pfn = e & ((1ULL << 55) - 1);
				nd = pfn_node(pfn);
				if (nd >= 0 && nd < MAXN)
					p->pages[nd]++;
				else
					p->other++;
				if (do_thp && ((i + j) % 512) == 0 && nd >= 0) {
					p->chunks++;
					if ((kpageflags(pfn) >> KPF_THP) & 1)
						p->thp[nd]++;
					else
						p->chunks_small[nd]++;
				}
			} else if ((e >> 62) & 1) {
				p->swapmig++;
			} else {
				p->absent++;
			}
		}
	}
}

/* cross-check with move_pages(2, nodes=NULL) */
static void query_place_mp(char *addr, size_t len, struct place *p)
{
	enum { B = 4096 };
	static void *pages[B];
	static int status[B];
	size_t npg = len / PG;
	p->mp_absent = 0;
	for (size_t i = 0; i < npg; i += B) {
		size_t c = npg - i < B ? npg - i : B;
		for (size_t j = 0; j < c; j++)
			pages[j] = addr + (i + j) * PG;
		if (sys_move_pages(0, c, pages, NULL, status, 0))
			die("move_pages");
		for (size_t j = 0; j < c; j++)
			if (status[j] < 0)
				p->mp_absent++;
	}
}

static void print_place(const char *name, char *addr, size_t len, int do_thp)
{
	struct place p;
	char key[160];
	double t0 = now();
	query_place(addr, len, &p, do_thp);
	for (int n = 0; n < MAXN; n++) {
		if (!node_exists(n) && !p.pages[n])
			continue;
		snprintf(key, sizeof(key), "%s.n%d_MB", name, n);
		out(key, "%.1f", p.pages[n] * PG / (double)MB);
		if (do_thp) {
			snprintf(key, sizeof(key), "%s.n%d_thp", name, n);
			out(key, "%ld", p.thp[n]);
			snprintf(key, sizeof(key), "%s.n%d_small_chunks", name, n);
			out(key, "%ld", p.chunks_small[n]);
		}
	}
	snprintf(key, sizeof(key), "%s.absent_MB", name);
	out(key, "%.1f", p.absent * PG / (double)MB);
	if (p.swapmig) {
		snprintf(key, sizeof(key), "%s.swap_or_migrating_MB", name);
		out(key, "%.1f", p.swapmig * PG / (double)MB);
	}
	query_place_mp(addr, len, &p);
	snprintf(key, sizeof(key), "%s.move_pages_unmapped_MB", name);
	out(key, "%.1f", p.mp_absent * PG / (double)MB);
	if (p.other) {
		snprintf(key, sizeof(key), "%s.other_pages", name);
		out(key, "%ld", p.other);
	}
	snprintf(key, sizeof(key), "%s.query_s", name);
	out(key, "%.3f", now() - t0);
}

/* Rss / AnonHugePages of the VMA containing addr, from /proc/self/smaps */
static void print_smaps(const char *name, void *addr)
{
	char line[512], key[160];
	unsigned long lo, hi;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (!in)
			continue;
		char k[64];
		long v;
		if (sscanf(line, "%63[^:]: %ld kB", k, &v) == 2 &&
		    (!strcmp(k, "Rss") || !strcmp(k, "AnonHugePages") || !strcmp(k, "Anonymous") ||
		     !strcmp(k, "Locked") || !strcmp(k, "Size"))) {
			snprintf(key, sizeof(key), "%s.smaps_%s_kB", name, k);
			out(key, "%ld", v);
		}
	}
	fclose(f);
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static volatile sig_atomic_t stop_flag;
static void on_sig(int s) { (void)s; stop_flag = 1; }

static void hold(const char *readyfile)
{
	if (!readyfile)
		return;
	signal(SIGTERM, on_sig);
	signal(SIGUSR1, on_sig);
	int fd = open(readyfile, O_CREAT | O_WRONLY, 0644);
	if (fd >= 0)
		close(fd);
	while (!stop_flag)
		pause();
}

static char *map_anon(size_t len, size_t align)
{
	char *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (align) {
		char *a = (char *)(((uintptr_t)p + align - 1) & ~(align - 1));
		if (a > p)
			munmap(p, a - p);
		munmap(a + len, (p + len + align) - (a + len));
		p = a;
	}
	return p;
}

static double touch(char *p, size_t len)
{
	double t0 = now();
	for (size_t i = 0; i < len; i += PG)
		p[i] = 1;
	return now() - t0;
}

/* argument parsing: --key value pairs */
struct opts {
	int cpu;
	long mb;
	long extra_mb;  /* mb = MemFree(ref node) + extra */
	long leave_mb;  /* mb = MemFree(ref node) - leave */
	int ref_node;
	const char *policy;
	const char *hold;
	const char *file;
	const char *mode;
	const char *thp;
	const char *prefix;
	int write;
	long hot_mb, cold_mb, cold_extra_mb;
	double secs, interval;
	long pressure_mb;
	const char *pressure;
	const char *cold_policy;
	const char *cold_ref;
};

static void parse_opts(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cpu = 0;
	o->mb = -1;
	o->extra_mb = -99999;
	o->leave_mb = -1;
	o->cold_extra_mb = -99999;
	o->cold_mb = -1;
	o->secs = 30;
	o->interval = 2;
	o->pressure_mb = -1;
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define S(name, field)                  \
	if (!strcmp(k, "--" name) && v) { \
		o->field = v;                \
		i++;                         \
		continue;                    \
	}
#define L(name, field)                  \
	if (!strcmp(k, "--" name) && v) { \
		o->field = atol(v);          \
		i++;                         \
		continue;                    \
	}
#define D(name, field)                  \
	if (!strcmp(k, "--" name) && v) { \
		o->field = atof(v);          \
		i++;                         \
		continue;                    \
	}
		L("cpu", cpu) L("mb", mb) L("extra", extra_mb) L("leave", leave_mb) L("ref-node", ref_node)
		S("policy", policy) S("hold", hold) S("file", file) S("mode", mode) S("thp", thp)
		S("prefix", prefix) L("hot-mb", hot_mb) L("cold-mb", cold_mb)
		L("cold-extra", cold_extra_mb) D("secs", secs) D("interval", interval)
		L("pressure-mb", pressure_mb) S("pressure", pressure) S("cold-policy", cold_policy) S("cold-ref", cold_ref)
		if (!strcmp(k, "--write")) {
			o->write = 1;
			continue;
		}
		fprintf(stderr, "numawl: unknown option %s\n", k);
		exit(2);
	}
	if (o->prefix)
		g_prefix = o->prefix;
}

static long resolve_mb(struct opts *o)
{
	long freemb = node_meminfo(o->ref_node, "MemFree") / 1024;
	long mb = o->mb;
	if (o->extra_mb != -99999)
		mb = freemb + o->extra_mb;
	else if (o->leave_mb >= 0)
		mb = freemb - o->leave_mb;
	if (mb <= 0)
		mb = 1;
	out("ref_node_free_MB_before", "%ld", freemb);
	out("size_MB", "%ld", mb);
	return mb;
}

/* ------------------------------------------------------------------ */
/* subcommands                                                         */

static int cmd_cache(struct opts *o)
{
	char *buf = malloc(MB);
	double t0;
	long n = 0;
	ssize_t r;
	int fd;
	pin_cpu(o->cpu);
	if (o->leave_mb >= 0 || o->extra_mb != -99999)
		o->mb = resolve_mb(o);
	apply_policy(o->policy);
	for (size_t i = 0; i < MB; i++)
		buf[i] = "numa-oracle\n"[i % 12];
	if (o->write) {
		t0 = now();
		fd = open(o->file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			die("open for write");
		for (long i = 0; i < o->mb; i++)
			if (write(fd, buf, MB) != (ssize_t)MB)
				die("write");
		fsync(fd);
		close(fd);
		out("write_s", "%.3f", now() - t0);
	}
	t0 = now();
	fd = open(o->file, O_RDONLY);
	if (fd < 0)
		die("open for read");
	while ((o->mb < 0 || n < o->mb * (long)MB) && (r = read(fd, buf, MB)) > 0)
		n += r;
	close(fd);
	out("read_s", "%.3f", now() - t0);
	out("read_MB", "%.1f", n / (double)MB);
	return 0;
}

static int cmd_anon(struct opts *o)
{
	long mb;
	char *p;
	pin_cpu(o->cpu);
	mb = resolve_mb(o);
	apply_policy(o->policy);
	p = map_anon(mb * MB, o->thp && !strcmp(o->thp, "huge") ? HPG : 0);
	if (o->thp && !strcmp(o->thp, "nohuge"))
		madvise(p, mb * MB, MADV_NOHUGEPAGE);
	if (o->thp && !strcmp(o->thp, "huge"))
		madvise(p, mb * MB, MADV_HUGEPAGE);
	out("touch_s", "%.3f", touch(p, mb * MB));
	print_place("anon", p, mb * MB, o->thp && strcmp(o->thp, "nohuge"));
	hold(o->hold);
	return 0;
}

static int cmd_frag(struct opts *o)
{
	long mb, freed = 0, kept = 0;
	char *p;
	size_t npg;
	double t0;
	pin_cpu(o->cpu);
	mb = resolve_mb(o);
	apply_policy(o->policy);
	p = map_anon(mb * MB, 0);
	madvise(p, mb * MB, MADV_NOHUGEPAGE);
	out("touch_s", "%.3f", touch(p, mb * MB));
	npg = mb * MB / PG;
	t0 = now();
	/* free every page whose PFN is odd: its buddy (even PFN) stays allocated, so
	 * the freed memory cannot merge above order 0. */
	size_t run_start = 0, run_len = 0;
	uint64_t *ents = malloc(npg * 8);
	if (pagemap_fd < 0)
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pread(pagemap_fd, ents, npg * 8, ((uintptr_t)p / PG) * 8) != (ssize_t)(npg * 8))
		die("pagemap read");
	for (size_t i = 0; i < npg; i++) {
		uint64_t e = ents[i];
		uint64_t pfn = e & ((1ULL << 55) - 1);
		int odd = ((e >> 63) & 1) && (pfn & 1);
		if (odd) {
			if (!run_len)
				run_start = i;
			run_len++;
			freed++;
		} else {
			kept++;
			if (run_len) {
				madvise(p + run_start * PG, run_len * PG, MADV_DONTNEED);
				run_len = 0;
			}
		}
	}
	if (run_len)
		madvise(p + run_start * PG, run_len * PG, MADV_DONTNEED);
	free(ents);
	out("freed_odd_pfn_MB", "%.1f", freed * PG / (double)MB);
	out("kept_MB", "%.1f", kept * PG / (double)MB);
	out("free_odd_s", "%.3f", now() - t0);
	if (o->mode && !strcmp(o->mode, "mlock")) {
		t0 = now();
		if (syscall(SYS_mlock2, p, mb * MB, MLOCK_ONFAULT))
			die("mlock2(MLOCK_ONFAULT)");
		out("mlock_s", "%.3f", now() - t0);
	}
	print_place("frag", p, mb * MB, 0);
	hold(o->hold);
	return 0;
}


/* read the bracketed value of a sysfs "a [b] c" selector */
static void sysfs_selected(const char *path, char *buf, size_t n)
{
	char line[256] = "", *a, *b;
	FILE *f = fopen(path, "r");
	buf[0] = 0;
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (a = strchr(line, '[')) && (b = strchr(a, ']'))) {
		*b = 0;
		snprintf(buf, n, "%s", a + 1);
	}
	fclose(f);
}

/* "plug": consume every free order>=9 block of the policy node(s) by faulting THPs with
 * defrag=never (no reclaim/compaction) until the first THP fault falls back to 4K. */
static int cmd_plug(struct opts *o)
{
	const char *dpath = "/sys/kernel/mm/transparent_hugepage/defrag";
	char saved[64];
	long mb, thps = 0, fallbacks = 0;
	char *p;
	pin_cpu(o->cpu);
	mb = resolve_mb(o);
	mb &= ~1L;
	apply_policy(o->policy);
	sysfs_selected(dpath, saved, sizeof(saved));
	write_file(dpath, "never");
	p = map_anon(mb * MB, HPG);
	madvise(p, mb * MB, MADV_HUGEPAGE);
	for (size_t off = 0; off < mb * MB; off += HPG) {
		p[off] = 1;
		uint64_t e = pagemap_entry(p + off);
		uint64_t fl = ((e >> 63) & 1) ? kpageflags(e & ((1ULL << 55) - 1)) : 0;
		if ((fl >> KPF_THP) & 1) {
			thps++;
		} else {
			fallbacks++;
			break;
		}
	}
	if (saved[0])
		write_file(dpath, saved);
	out("plug_thps", "%ld", thps);
	out("plug_MB", "%ld", thps * 2);
	out("plug_stopped_on_fallback", "%ld", fallbacks);
	out("defrag_restored", "\"%s\"", saved);
	hold(o->hold);
	return 0;
}

static int cmd_thp(struct opts *o)
{
	long mb;
	char *p;
	pin_cpu(o->cpu);
	mb = resolve_mb(o);
	apply_policy(o->policy);
	p = map_anon(mb * MB, HPG);
	if (madvise(p, mb * MB, (o->thp && !strcmp(o->thp, "nohuge")) ? MADV_NOHUGEPAGE : MADV_HUGEPAGE))
		die("madvise");
	out("touch_s", "%.3f", touch(p, mb * MB));
	print_place("thp", p, mb * MB, 1);
	print_smaps("thp", p);
	hold(o->hold);
	return 0;
}

static const char *tier_keys[] = { "pgpromote_success", "pgpromote_candidate", "pgdemote_kswapd",
				   "pgdemote_direct", "pgdemote_khugepaged", "numa_hint_faults",
				   "numa_hint_faults_local", "numa_pages_migrated", "numa_pte_updates",
				   "pgmigrate_success", "pgmigrate_fail", "pgsteal_kswapd",
				   "pgsteal_direct", "pgscan_kswapd", "pgscan_direct", "allocstall_normal",
				   "allocstall_dma32", "allocstall_movable", NULL };

static int cmd_tier(struct opts *o)
{
	long hot = o->hot_mb, cold;
	char *h, *c, key[128];
	long long base[32];
	double t0, tend, tnext;
	long sweeps = 0;
	pin_cpu(o->cpu);
	apply_policy(o->policy);
	for (int i = 0; tier_keys[i]; i++)
		base[i] = vmstat(tier_keys[i]);
	h = map_anon(hot * MB, 0);
	madvise(h, hot * MB, MADV_NOHUGEPAGE);
	out("hot_MB", "%ld", hot);
	out("hot_touch_s", "%.3f", touch(h, hot * MB));
	print_place("after_hot_alloc.hot", h, hot * MB, 0);
	if (o->cold_policy)
		apply_policy(o->cold_policy);
	{
		/* cold size = sum of MemFree over --cold-ref nodes (default: ref node) + --cold-extra */
		long freemb = 0;
		char refs[64], *t;
		snprintf(refs, sizeof(refs), "%s", o->cold_ref ? o->cold_ref : "0");
		for (t = strtok(refs, ","); t; t = strtok(NULL, ","))
			freemb += node_meminfo(atoi(t), "MemFree") / 1024;
		cold = o->cold_mb >= 0 ? o->cold_mb : freemb + (o->cold_extra_mb != -99999 ? o->cold_extra_mb : 256);
		out("cold_ref_nodes_free_MB_before_cold", "%ld", freemb);
	}
	out("cold_MB", "%ld", cold);
	c = map_anon(cold * MB, 0);
	madvise(c, cold * MB, MADV_NOHUGEPAGE);
	out("cold_touch_s", "%.3f", touch(c, cold * MB));
	if (o->cold_policy)
		apply_policy(o->policy);
	print_place("after_cold_alloc.hot", h, hot * MB, 0);
	print_place("after_cold_alloc.cold", c, cold * MB, 0);
	for (int i = 0; tier_keys[i]; i++) {
		snprintf(key, sizeof(key), "after_cold_alloc.vm.%s", tier_keys[i]);
		out(key, "%lld", vmstat(tier_keys[i]) - base[i]);
	}
	/* hot loop */
	t0 = now();
	tend = t0 + o->secs;
	tnext = t0 + o->interval;
	int tick = 0;
	while (now() < tend) {
		for (size_t i = 0; i < hot * MB; i += PG)
			h[i]++;
		sweeps++;
		if (now() >= tnext) {
			struct place pl;
			tick++;
			query_place(h, hot * MB, &pl, 0);
			snprintf(key, sizeof(key), "loop.t%03d.t_s", tick);
			out(key, "%.2f", now() - t0);
			snprintf(key, sizeof(key), "loop.t%03d.sweeps", tick);
			out(key, "%ld", sweeps);
			for (int n = 0; n < MAXN; n++) {
				if (!node_exists(n))
					continue;
				snprintf(key, sizeof(key), "loop.t%03d.hot_n%d_MB", tick, n);
				out(key, "%.1f", pl.pages[n] * PG / (double)MB);
			}
			for (int i = 0; tier_keys[i]; i++) {
				long long v = vmstat(tier_keys[i]);
				if (v < 0)
					continue;
				snprintf(key, sizeof(key), "loop.t%03d.%s", tick, tier_keys[i]);
				out(key, "%lld", v - base[i]);
			}
			tnext += o->interval;
		}
	}
	out("hot_sweeps", "%ld", sweeps);
	out("hot_sweep_MBps", "%.1f", sweeps * hot / (now() - t0));
	print_place("end.hot", h, hot * MB, 0);
	print_place("end.cold", c, cold * MB, 0);
	for (int i = 0; tier_keys[i]; i++) {
		snprintf(key, sizeof(key), "end.vm.%s", tier_keys[i]);
		out(key, "%lld", vmstat(tier_keys[i]) - base[i]);
	}
	hold(o->hold);
	return 0;
}

static const char *dn_keys[] = { "thp_fault_alloc", "thp_fault_fallback", "thp_split_pmd",
				 "thp_split_page", "thp_split_page_failed", "thp_deferred_split_page",
				 "nr_anon_transparent_hugepages", "nr_free_pages", "pgsteal_kswapd",
				 "pgsteal_direct", "pgscan_kswapd", "pgscan_direct", "slabs_scanned",
				 "drop_slab", "drop_pagecache", NULL };

static long long meminfo_total(const char *key)
{
	char line[256], k[64];
	long long v;
	FILE *f = fopen("/proc/meminfo", "r");
	long long r = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", k, &v) == 2 && !strcmp(k, key)) {
			r = v;
			break;
		}
	if (f)
		fclose(f);
	return r;
}

static void dn_report(const char *phase, char *p, size_t len, long long *base)
{
	char key[160];
	out("phase", "\"%s\"", phase);
	snprintf(key, sizeof(key), "%s.MemFree_kB", phase);
	out(key, "%lld", meminfo_total("MemFree"));
	snprintf(key, sizeof(key), "%s.AnonHugePages_kB", phase);
	out(key, "%lld", meminfo_total("AnonHugePages"));
	snprintf(key, sizeof(key), "%s.AnonPages_kB", phase);
	out(key, "%lld", meminfo_total("AnonPages"));
	long long pcp[MAXN], pcpt = 0;
	pcp_pages(pcp);
	for (int n = 0; n < MAXN; n++)
		pcpt += pcp[n];
	snprintf(key, sizeof(key), "%s.pcp_free_kB", phase);
	out(key, "%lld", pcpt * 4);
	snprintf(key, sizeof(key), "%s.MemFree_plus_pcp_kB", phase);
	out(key, "%lld", meminfo_total("MemFree") + pcpt * 4);
	for (int n = 0; n < MAXN; n++) {
		if (!node_exists(n))
			continue;
		snprintf(key, sizeof(key), "%s.n%d_pcp_free_kB", phase, n);
		out(key, "%lld", pcp[n] * 4);
		snprintf(key, sizeof(key), "%s.n%d_MemFree_kB", phase, n);
		out(key, "%lld", node_meminfo(n, "MemFree"));
		snprintf(key, sizeof(key), "%s.n%d_AnonHugePages_kB", phase, n);
		out(key, "%lld", node_meminfo(n, "AnonHugePages"));
	}
	for (int i = 0; dn_keys[i]; i++) {
		long long v = vmstat(dn_keys[i]);
		if (v < 0)
			continue;
		snprintf(key, sizeof(key), "%s.vm.%s", phase, dn_keys[i]);
		out(key, "%lld", v - base[i]);
	}
	snprintf(key, sizeof(key), "%s.region", phase);
	print_place(key, p, len, 1);
	print_smaps(key, p);
}

static void pressure_alloc(int cpu, long mb, const char *policy)
{
	pid_t pid = fork();
	if (pid == 0) {
		pin_cpu(cpu);
		apply_policy(policy);
		char *q = map_anon(mb * MB, 0);
		madvise(q, mb * MB, MADV_NOHUGEPAGE);
		touch(q, mb * MB);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	out("pressure_child_status", "%d", st);
}

static int cmd_dontneed(struct opts *o)
{
	long mb;
	char *p;
	long long base[32];
	pin_cpu(o->cpu);
	mb = resolve_mb(o);
	mb &= ~1L;
	apply_policy(o->policy);
	for (int i = 0; dn_keys[i]; i++)
		base[i] = vmstat(dn_keys[i]);
	dn_report("p0_before", NULL, 0, base);
	p = map_anon(mb * MB, HPG);
	if (madvise(p, mb * MB, MADV_HUGEPAGE))
		die("madvise");
	out("touch_s", "%.3f", touch(p, mb * MB));
	dn_report("p1_faulted", p, mb * MB, base);
	for (size_t off = 0; off < mb * MB; off += HPG)
		if (madvise(p + off + HPG / 2, HPG / 2, MADV_DONTNEED))
			die("madvise(DONTNEED)");
	dn_report("p2_after_dontneed", p, mb * MB, base);
	sleep(5);
	dn_report("p3_after_5s", p, mb * MB, base);
	const char *pr = o->pressure ? o->pressure : "alloc";
	if (!strcmp(pr, "alloc") || !strcmp(pr, "both")) {
		long pm = o->pressure_mb;
		if (pm < 0)
			pm = node_meminfo(o->ref_node, "MemFree") / 1024 + 64;
		out("pressure_alloc_MB", "%ld", pm);
		out("pressure_policy", "\"%s\"", o->cold_policy ? o->cold_policy : "default");
		pressure_alloc(o->cpu, pm, o->cold_policy);
		dn_report("p4_after_alloc_pressure", p, mb * MB, base);
	}
	if (!strcmp(pr, "drop") || !strcmp(pr, "both")) {
		write_file("/proc/sys/vm/drop_caches", "3");
		dn_report("p5_after_drop_caches", p, mb * MB, base);
	}
	hold(o->hold);
	return 0;
}

/* "costs": the guest's own cost per page of a base-page fault, a THP fault, a second touch of a
 * faulted page (the loop's own cost) and a migration between nodes (move_pages). */
static int cmd_costs(struct opts *o)
{
	long mb = o->mb > 0 ? o->mb : 256, npg = mb * MB / PG, moved = 0;
	double t0;
	char *p, *h;
	pin_cpu(o->cpu);
	p = map_anon(mb * MB, 0);
	madvise(p, mb * MB, MADV_NOHUGEPAGE);
	out("pages", "%ld", npg);
	out("fault_s", "%.4f", touch(p, mb * MB));
	out("retouch_s", "%.4f", touch(p, mb * MB));
	{
		enum { B = 1024 };
		void *pg[B];
		int nd[B], st[B];
		t0 = now();
		for (long i = 0; i < npg; i += B) {
			long k = npg - i < B ? npg - i : B;
			for (long j = 0; j < k; j++) {
				pg[j] = p + (i + j) * PG;
				nd[j] = 1;
			}
			if (sys_move_pages(0, k, pg, nd, st, 0) < 0)
				die("move_pages");
			for (long j = 0; j < k; j++)
				moved += st[j] == 1;
		}
		out("migrate_s", "%.4f", now() - t0);
		out("migrated_pages", "%ld", moved);
	}
	munmap(p, mb * MB);
	h = map_anon(mb * MB, HPG);
	madvise(h, mb * MB, MADV_HUGEPAGE);
	out("thp_fault_s", "%.4f", touch(h, mb * MB));
	{
		struct place pl;
		query_place(h, mb * MB, &pl, 1);
		long thps = 0;
		for (int n = 0; n < MAXN; n++)
			thps += pl.thp[n];
		out("thps", "%ld", thps);
	}
	return 0;
}

static int cmd_snap(void)
{
	struct snap s = { 0 };
	snap_take(&s);
	for (int i = 0; i < s.n; i++)
		printf("%s %lld\n", s.a[i].k, s.a[i].v);
	return 0;
}

static int cmd_diff(const char *a, const char *b, const char *sub)
{
	struct snap sa = { 0 }, sb = { 0 };
	snap_load(&sa, a);
	snap_load(&sb, b);
	print_delta(&sa, &sb, sub);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: numawl snap | diff A B [sub] [--prefix P] | mem [sub] [--prefix P]\n"
		"       numawl cache --file F --mb N [--write] [--cpu C]\n"
		"       numawl anon  (--mb N | --extra E | --leave L) [--ref-node R] [--policy P] [--thp nohuge|huge] [--hold F]\n"
		"       numawl frag  (--mb N | --leave L) --mode anon|mlock [--policy P] --hold F\n"
		"       numawl thp   --mb N [--policy P] [--hold F]\n"
		"       numawl plug  (--mb N | --extra E) --policy bind:0 --hold F   (eat free order-9 blocks)\n"
		"       numawl tier  --hot-mb H (--cold-mb C | --cold-extra E) [--policy P] [--cold-policy P] --secs S --interval I\n"
		"       numawl dontneed --mb N [--pressure alloc|drop|both] [--pressure-mb M]\n"
		"policy: default | bind:0[,1..][+nb] | preferred:N | interleave:0,1\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	if (!strcmp(cmd, "snap"))
		return cmd_snap();
	if (!strcmp(cmd, "diff") && argc >= 4) {
		parse_opts(argc - 4 - (argc > 4 && argv[4][0] != '-'), argv + 4 + (argc > 4 && argv[4][0] != '-'), &o);
		return cmd_diff(argv[2], argv[3], argc > 4 && argv[4][0] != '-' ? argv[4] : NULL);
	}
	if (!strcmp(cmd, "mem")) {
		int has_sub = argc > 2 && argv[2][0] != '-';
		parse_opts(argc - 2 - has_sub, argv + 2 + has_sub, &o);
		print_mem(has_sub ? argv[2] : NULL);
		return 0;
	}
	parse_opts(argc - 2, argv + 2, &o);
	if (!strcmp(cmd, "cache"))
		return cmd_cache(&o);
	if (!strcmp(cmd, "anon"))
		return cmd_anon(&o);
	if (!strcmp(cmd, "frag"))
		return cmd_frag(&o);
	if (!strcmp(cmd, "thp"))
		return cmd_thp(&o);
	if (!strcmp(cmd, "plug"))
		return cmd_plug(&o);
	if (!strcmp(cmd, "tier"))
		return cmd_tier(&o);
	if (!strcmp(cmd, "costs"))
		return cmd_costs(&o);
	if (!strcmp(cmd, "dontneed"))
		return cmd_dontneed(&o);
	usage();
	return 2;
}
