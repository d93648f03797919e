/*
 * numa-lab guest agent: runs one scenario variant inside the QEMU guest and streams what the
 * kernel did, one JSON object per line, to the host.
 *
 *   agent PLAN OUT     (PLAN: the host's plan file; OUT: the channel, /dev/ttyS1)
 *
 * The plan (written by src/kernel/plan.ts) has one directive per line:
 *   run DURATION_NS SAMPLE_NS SEED
 *   knob NAME PATH VALUE                       write VALUE to PATH, report what reads back
 *   cgroup NAME MAX HIGH LOW                   bytes, -1 = unset
 *   workload NAME CGROUP|- CPUS POLICY NODES   CPUS/NODES "0,2" or "-"; POLICY a mempolicy mode
 *   alloc W AT REGION BYTES HUGE RATE          RATE bytes/s, -1 = as fast as possible
 *   file W AT read|write NAME BYTES RATE
 *   access W AT REGION PATTERN P1 P2 P3 RATE WRITE_PCT DURATION [CENTERED]
 *        PATTERN uniform|sequential|zipf (P1 exponent)|hotset (P1 bytes, P2 hot fraction, P3 move ns;
 *        CENTERED 1: the hot set starts in the middle of the region, else at its start)
 *   dontneed W AT REGION OFFSET BYTES PER      PER -1 = one range
 *   free W AT REGION
 *   drop_caches W AT MODE                      echo MODE > /proc/sys/vm/drop_caches
 *   exit W AT
 * Each workload is a child process: its cgroup, sched_setaffinity, set_mempolicy, then its phases
 * in one time-sliced loop (phases overlap as in the simulator). The parent samples every SAMPLE_NS:
 * per-node meminfo, /proc/vmstat, each cgroup's memory.current and, for every anonymous region,
 * its pages per node (pagemap PFN -> /sys memory block -> node) and its accesses per node.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXN 16          /* nodes */
#define MAXW 16          /* workloads */
#define MAXR 16          /* regions per workload (anonymous and file) */
#define MAXP 64          /* phases per workload */
#define MAXCG 16
#define MAXK 64
#define PG 4096UL
#define HPG (2UL << 20)
#define CHUNK HPG        /* access counters are kept per 2 MiB of a region */
#define FILE_DIR "/mnt"

/* ------------------------------------------------------------------ output */
static FILE *out;

static void emit(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* JSON string body: names come from the scenario (identifiers) but quote defensively */
static const char *js(const char *s)
{
	static char buf[4][256];
	static int k;
	char *b = buf[k++ & 3], *p = b;
	for (; *s && p < b + 250; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = (*s >= 32 && *s < 127) ? *s : '?';
	}
	*p = 0;
	return b;
}

/* ------------------------------------------------------------------ plan */
struct phase {
	char kind[12];
	double at;          /* seconds from start */
	char region[96];
	char op[8];         /* file: read|write */
	long long bytes, offset, per;
	int huge;
	double rate;        /* bytes/s or accesses/s; < 0 = unlimited */
	char pattern[16];
	double p1, p2, p3;
	double write_pct, duration, centered;
	/* progress */
	int started, finished;
	long long done;     /* bytes or accesses done */
	double t_start;
	long long hot_off;  /* hotset window offset (bytes) */
	double next_move;
};

struct region {          /* lives in shared memory: the sampler reads it */
	char name[96];
	int is_file;
	int alive;
	int huge;
	uintptr_t addr;
	long long len;       /* reserved */
	long long touched;   /* bytes faulted in so far (from the start) */
	long long dontneed_bytes;
	int fd;
	long long nchunks;
	long long *acc;      /* shared access counters per CHUNK */
};

struct workload {
	char name[96];
	char cgroup[96];
	int cpus[64], ncpus;
	char policy[24];
	int nodes[MAXN], nnodes;
	struct phase ph[MAXP];
	int nph;
	/* shared state */
	pid_t pid;
	int exited, status;
	long long accesses;
	struct region reg[MAXR];
	int nreg;
	char error[160];
};

struct cgroup { char name[96]; long long max, high, low; };
struct knob { char name[96], path[160], value[96]; };

static struct {
	double duration, sample;
	unsigned long long seed;
	struct workload *w;  /* shared array */
	int nw;
	struct cgroup cg[MAXCG];
	int ncg;
	struct knob k[MAXK];
	int nk;
	double t0;
} P;

static int parse_list(const char *s, int *a, int max)
{
	int n = 0;
	char buf[256], *t, *save;
	if (!strcmp(s, "-"))
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (t = strtok_r(buf, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
		a[n++] = atoi(t);
	return n;
}

static struct workload *find_w(const char *name)
{
	for (int i = 0; i < P.nw; i++)
		if (!strcmp(P.w[i].name, name))
			return &P.w[i];
	return NULL;
}

static int load_plan(const char *path)
{
	char line[512], a[8][96];
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int n = sscanf(line, "%95s %95s %95s %95s %95s %95s %95s %95s", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
		if (n <= 0 || a[0][0] == '#')
			continue;
		if (!strcmp(a[0], "run") && n >= 4) {
			P.duration = atof(a[1]) / 1e9;
			P.sample = atof(a[2]) / 1e9;
			P.seed = strtoull(a[3], NULL, 10);
		} else if (!strcmp(a[0], "knob") && n >= 4 && P.nk < MAXK) {
			struct knob *k = &P.k[P.nk++];
			snprintf(k->name, sizeof(k->name), "%s", a[1]);
			snprintf(k->path, sizeof(k->path), "%s", a[2]);
			snprintf(k->value, sizeof(k->value), "%s", a[3]);
		} else if (!strcmp(a[0], "cgroup") && n >= 5 && P.ncg < MAXCG) {
			struct cgroup *c = &P.cg[P.ncg++];
			snprintf(c->name, sizeof(c->name), "%s", a[1]);
			c->max = atoll(a[2]);
			c->high = atoll(a[3]);
			c->low = atoll(a[4]);
		} else if (!strcmp(a[0], "workload") && n >= 6 && P.nw < MAXW) {
			struct workload *w = &P.w[P.nw++];
			snprintf(w->name, sizeof(w->name), "%s", a[1]);
			snprintf(w->cgroup, sizeof(w->cgroup), "%s", a[2]);
			w->ncpus = parse_list(a[3], w->cpus, 64);
			snprintf(w->policy, sizeof(w->policy), "%.23s", a[4]);
			w->nnodes = parse_list(a[5], w->nodes, MAXN);
		} else {
			/* a phase: KIND W AT ... */
			struct workload *w = n >= 3 ? find_w(a[1]) : NULL;
			struct phase *p;
			if (!w || w->nph >= MAXP) {
				fprintf(stderr, "agent: bad plan line: %s", line);
				continue;
			}
			p = &w->ph[w->nph++];
			memset(p, 0, sizeof(*p));
			snprintf(p->kind, sizeof(p->kind), "%.11s", a[0]);
			p->at = atof(a[2]) / 1e9;
			p->rate = -1;
			p->per = -1;
			p->duration = -1;
			if (!strcmp(a[0], "alloc"))
				sscanf(line, "%*s %*s %*s %95s %lld %d %lf", p->region, &p->bytes, &p->huge, &p->rate);
			else if (!strcmp(a[0], "file"))
				sscanf(line, "%*s %*s %*s %7s %95s %lld %lf", p->op, p->region, &p->bytes, &p->rate);
			else if (!strcmp(a[0], "access")) {
				sscanf(line, "%*s %*s %*s %95s %15s %lf %lf %lf %lf %lf %lf %lf", p->region, p->pattern, &p->p1, &p->p2,
				       &p->p3, &p->rate, &p->write_pct, &p->duration, &p->centered);
				if (p->duration > 0)
					p->duration /= 1e9;
				if (p->p3 > 0)
					p->p3 /= 1e9;
			} else if (!strcmp(a[0], "dontneed"))
				sscanf(line, "%*s %*s %*s %95s %lld %lld %lld", p->region, &p->offset, &p->bytes, &p->per);
			else if (!strcmp(a[0], "free"))
				sscanf(line, "%*s %*s %*s %95s", p->region);
			else if (!strcmp(a[0], "drop_caches"))
				sscanf(line, "%*s %*s %*s %lld", &p->bytes); /* the mode */
		}
	}
	fclose(f);
	return 0;
}

/* ------------------------------------------------------------------ files in /proc and /sys */
static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), r = -1;
	if (fd >= 0) {
		r = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
		close(fd);
	}
	return r;
}

static void read_str(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r = fd >= 0 ? read(fd, buf, n - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[r > 0 ? r : 0] = 0;
	for (char *p = buf; *p; p++)
		if (*p == '\n') {
			*p = 0;
			break;
		}
}

static long long read_ll(const char *path)
{
	char b[64];
	read_str(path, b, sizeof(b));
	return b[0] ? atoll(b) : -1;
}

/* The value of the line "key N" of a flat-keyed file (memory.events), or -1. */
static long long read_key(const char *path, const char *key)
{
	char b[512];
	size_t kl = strlen(key);
	int fd = open(path, O_RDONLY);
	ssize_t r = fd >= 0 ? read(fd, b, sizeof(b) - 1) : -1;
	if (fd >= 0)
		close(fd);
	b[r > 0 ? r : 0] = 0;
	for (char *l = b; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == ' ')
			return atoll(l + kl + 1);
	return -1;
}

static int node_online(int n)
{
	char path[96];
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", n);
	return access(path, R_OK) == 0;
}

/* ------------------------------------------------------------------ memory block -> node */
#define MAXBLK 8192
static signed char blk_node[MAXBLK];
static uint64_t blk_pages;

static void blk_init(void)
{
	char path[128];
	unsigned long long bs = 0;
	FILE *f = fopen("/sys/devices/system/memory/block_size_bytes", "r");
	if (!f || fscanf(f, "%llx", &bs) != 1)
		bs = 128ULL << 20;
	if (f)
		fclose(f);
	blk_pages = bs / PG;
	memset(blk_node, -1, sizeof(blk_node));
	for (int n = 0; n < MAXN; n++)
		for (int b = 0; b < MAXBLK; b++) {
			snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/memory%d", n, b);
			if (access(path, F_OK) == 0)
				blk_node[b] = n;
		}
}

static int pfn_node(uint64_t pfn)
{
	uint64_t b = pfn / blk_pages;
	return b < MAXBLK ? blk_node[b] : -1;
}

/* ------------------------------------------------------------------ workload side */
static unsigned long long rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
static double rnd01(void) { return (rnd() >> 11) * (1.0 / 9007199254740992.0); }

static struct region *find_region(struct workload *w, const char *name, int create)
{
	for (int i = 0; i < w->nreg; i++)
		if (!strcmp(w->reg[i].name, name))
			return &w->reg[i];
	if (!create || w->nreg >= MAXR)
		return NULL;
	struct region *r = &w->reg[w->nreg];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->fd = -1;
	w->nreg++;
	return r;
}

static void werr(struct workload *w, struct phase *p, const char *what)
{
	snprintf(w->error, sizeof(w->error), "%s %s: %s", p->kind, p->region, what);
	emit("{\"t\":\"error\",\"ms\":%.0f,\"workload\":\"%s\",\"phase\":\"%s %s\",\"message\":\"%s: %s\"}",
	     (now_s() - P.t0) * 1e3, js(w->name), p->kind, js(p->region), js(what), strerror(errno));
}

/* Access counters live in a pool the parent mapped shared before forking, so the sampler sees
 * them at the same address; each workload takes its own slice of it. */
static long long *acc_pool;
static long long acc_pool_len, acc_pool_used, acc_pool_end;
static int did_work; /* the last step_phase() did some work (else it waits for its rate) */

static long long *acc_alloc(long long n)
{
	if (acc_pool_used + n > acc_pool_end)
		return NULL;
	long long *a = acc_pool + acc_pool_used;
	acc_pool_used += n;
	return a;
}

static int do_alloc_start(struct workload *w, struct phase *p)
{
	struct region *r = find_region(w, p->region, 1);
	size_t len = (size_t)p->bytes, align = p->huge ? HPG : 0;
	char *m;
	if (!r)
		return -1;
	m = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		werr(w, p, "mmap");
		return -1;
	}
	if (align) {
		char *a = (char *)(((uintptr_t)m + align - 1) & ~(align - 1));
		if (a > m)
			munmap(m, a - m);
		if ((size_t)(m + align - a) > 0)
			munmap(a + len, (m + len + align) - (a + len));
		m = a;
		if (madvise(m, len, MADV_HUGEPAGE))
			werr(w, p, "madvise(MADV_HUGEPAGE)");
	}
	r->is_file = 0;
	r->huge = p->huge;
	r->len = len;
	r->touched = 0;
	r->nchunks = (len + CHUNK - 1) / CHUNK;
	r->acc = acc_alloc(r->nchunks);
	r->addr = (uintptr_t)m;
	__sync_synchronize();
	r->alive = 1;
	return 0;
}

static int file_open(struct workload *w, struct phase *p, struct region *r)
{
	char path[160];
	struct stat st;
	snprintf(path, sizeof(path), FILE_DIR "/%s", p->region);
	r->fd = open(path, O_RDWR | O_CREAT, 0644);
	if (r->fd < 0) {
		werr(w, p, "open");
		return -1;
	}
	/* a read of a file nobody wrote: make it sparse at the size read (holes read as zero pages,
	 * which the page cache holds like any other clean file page) */
	if (!strcmp(p->op, "read") && fstat(r->fd, &st) == 0 && st.st_size < p->bytes && ftruncate(r->fd, p->bytes)) {
		werr(w, p, "ftruncate");
		return -1;
	}
	r->is_file = 1;
	r->len = p->bytes > r->len ? p->bytes : r->len;
	r->nchunks = (r->len + CHUNK - 1) / CHUNK;
	if (!r->acc)
		r->acc = acc_alloc(r->nchunks);
	r->alive = 1;
	return 0;
}

/* how much of a rate-limited phase is due by now (-1 rate: `cap` at once) */
static long long due(struct phase *p, double t, long long total, long long cap)
{
	long long want = p->rate < 0 ? total : (long long)((t - p->t_start) * p->rate);
	if (want > total)
		want = total;
	want -= p->done;
	return want > cap ? cap : want;
}

static char iobuf[1 << 20];

/* one slice of work of a phase; returns 1 while the phase still has work */
static int step_phase(struct workload *w, struct phase *p, double t)
{
	struct region *r;
	if (!p->started) {
		p->started = 1;
		p->t_start = t;
		p->done = 0;
		emit("{\"t\":\"phase\",\"ms\":%.0f,\"workload\":\"%s\",\"phase\":\"%s %s\"}", (t - P.t0) * 1e3, js(w->name), p->kind,
		     js(p->region));
		if (!strcmp(p->kind, "alloc") && do_alloc_start(w, p))
			return 0;
		if (!strcmp(p->kind, "file")) {
			r = find_region(w, p->region, 1);
			if (!r || (r->fd < 0 && file_open(w, p, r)))
				return 0;
			lseek(r->fd, 0, SEEK_SET);
		}
		if (!strcmp(p->kind, "access")) {
			r = find_region(w, p->region, 0);
			if (!r || !r->alive) {
				errno = ENOENT;
				werr(w, p, "no such region");
				return 0;
			}
		}
	}
	if (!strcmp(p->kind, "alloc")) {
		r = find_region(w, p->region, 0);
		long long n = due(p, t, p->bytes, 8 << 20);
		if (!r || !r->alive)
			return 0;
		for (long long i = 0; i < n; i += PG)
			((volatile char *)r->addr)[p->done + i] = 1;
		did_work = n > 0;
		p->done += n > 0 ? n : 0;
		if (p->done > r->touched)
			r->touched = p->done;
		return p->done < p->bytes;
	}
	if (!strcmp(p->kind, "file")) {
		r = find_region(w, p->region, 0);
		long long n = due(p, t, p->bytes, sizeof(iobuf));
		if (!r || r->fd < 0)
			return 0;
		if (n > 0) {
			ssize_t k = !strcmp(p->op, "write") ? write(r->fd, iobuf, n) : read(r->fd, iobuf, n);
			if (k <= 0) {
				werr(w, p, k == 0 ? "end of file" : p->op);
				return 0;
			}
			p->done += k;
			did_work = 1;
			if (p->done > r->touched)
				r->touched = p->done;
		}
		return p->done < p->bytes;
	}
	if (!strcmp(p->kind, "access")) {
		r = find_region(w, p->region, 0);
		double end = p->duration > 0 ? p->t_start + p->duration : 1e18;
		if (!r || !r->alive || t >= end)
			return 0;
		long long span = r->is_file ? r->len : r->touched; /* only what exists */
		long long pages = span / PG, n;
		if (pages <= 0)
			return 1;
		long long total = (long long)9e18;
		n = due(p, t, total, 200000);
		long long hot_pages = (long long)(p->p1 / PG);
		if (!strcmp(p->pattern, "hotset") && p->centered > 0 && p->next_move == 0 && pages > hot_pages) {
			p->hot_off = (pages - hot_pages) / 2 * PG; /* placed once: the first move draws anew */
			p->next_move = p->p3 > 0 ? t + p->p3 : -1;
		}
		if (!strcmp(p->pattern, "hotset") && p->p3 > 0 && t >= p->next_move) {
			if (p->next_move > 0 && pages > hot_pages)
				p->hot_off = (long long)(rnd() % (uint64_t)(pages - hot_pages)) * PG;
			p->next_move = t + p->p3;
		}
		for (long long i = 0; i < n; i++) {
			long long pg;
			if (!strcmp(p->pattern, "sequential"))
				pg = (p->done + i) % pages;
			else if (!strcmp(p->pattern, "hotset") && hot_pages > 0 && rnd01() < p->p2) {
				long long hp = hot_pages < pages ? hot_pages : pages;
				pg = p->hot_off / PG + (long long)(rnd() % (uint64_t)hp);
				if (pg >= pages)
					pg -= pages;
			} else if (!strcmp(p->pattern, "zipf") && p->p1 > 0) {
				double u = rnd01(), s = p->p1, x;
				x = fabs(s - 1) < 1e-9 ? pow((double)pages, u) : pow((pow((double)pages, 1 - s) - 1) * u + 1, 1 / (1 - s));
				pg = (long long)x - 1;
				if (pg < 0)
					pg = 0;
				if (pg >= pages)
					pg = pages - 1;
			} else
				pg = (long long)(rnd() % (uint64_t)pages);
			long long off = pg * PG + (long long)(rnd() & 63) * 64;
			int wr = rnd01() * 100 < p->write_pct;
			if (r->is_file) {
				char c = 0;
				if (wr ? pwrite(r->fd, &c, 1, off) : pread(r->fd, &c, 1, off)) {
				}
			} else if (wr)
				((volatile char *)r->addr)[off]++;
			else
				(void)((volatile char *)r->addr)[off];
			if (r->acc)
				r->acc[off / CHUNK]++;
		}
		p->done += n;
		w->accesses += n;
		did_work = n > 0;
		return 1;
	}
	if (!strcmp(p->kind, "dontneed")) {
		r = find_region(w, p->region, 0);
		if (!r || !r->alive || r->is_file)
			return 0;
		if (p->per > 0) {
			for (long long off = 0; off + p->bytes <= r->len; off += p->per)
				if (madvise((char *)r->addr + off, p->bytes, MADV_DONTNEED))
					werr(w, p, "madvise(MADV_DONTNEED)");
		} else if (madvise((char *)r->addr + p->offset, p->bytes, MADV_DONTNEED))
			werr(w, p, "madvise(MADV_DONTNEED)");
		return 0;
	}
	if (!strcmp(p->kind, "free")) {
		r = find_region(w, p->region, 0);
		if (!r || !r->alive)
			return 0;
		r->alive = 0;
		__sync_synchronize();
		if (r->is_file) {
			close(r->fd);
			r->fd = -1;
		} else
			munmap((void *)r->addr, r->len);
		return 0;
	}
	if (!strcmp(p->kind, "drop_caches")) {
		char mode[24];
		snprintf(mode, sizeof(mode), "%lld", p->bytes);
		if (write_str("/proc/sys/vm/drop_caches", mode))
			werr(w, p, "write /proc/sys/vm/drop_caches");
		return 0;
	}
	if (!strcmp(p->kind, "exit")) {
		emit("{\"t\":\"exit\",\"ms\":%.0f,\"workload\":\"%s\"}", (t - P.t0) * 1e3, js(w->name));
		_exit(0);
	}
	return 0;
}

static long sys_set_mempolicy(int mode, const unsigned long *mask, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}

static void run_workload(struct workload *w)
{
	char path[160], pid[24];
	cpu_set_t set;
	int mode = 0;
	unsigned long mask = 0;
	long idx = w - P.w;
	rng_state = P.seed * 0x9E3779B97F4A7C15ULL + idx + 1;
	acc_pool_used = idx * (acc_pool_len / MAXW);
	acc_pool_end = acc_pool_used + acc_pool_len / MAXW;
	if (w->cgroup[0] && strcmp(w->cgroup, "-")) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/cgroup.procs", w->cgroup);
		snprintf(pid, sizeof(pid), "%d", getpid());
		if (write_str(path, pid))
			emit("{\"t\":\"error\",\"workload\":\"%s\",\"message\":\"cannot join cgroup %s\"}", js(w->name), js(w->cgroup));
	}
	if (w->ncpus > 0) {
		CPU_ZERO(&set);
		for (int i = 0; i < w->ncpus; i++)
			CPU_SET(w->cpus[i], &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			emit("{\"t\":\"error\",\"workload\":\"%s\",\"message\":\"sched_setaffinity: %s\"}", js(w->name), strerror(errno));
	}
	for (int i = 0; i < w->nnodes; i++)
		mask |= 1UL << w->nodes[i];
	if (!strcmp(w->policy, "preferred"))
		mode = 1;
	else if (!strcmp(w->policy, "bind"))
		mode = 2;
	else if (!strcmp(w->policy, "interleave"))
		mode = 3;
	else if (!strcmp(w->policy, "preferred-many"))
		mode = 5;
	if (mode && sys_set_mempolicy(mode, &mask, sizeof(mask) * 8))
		emit("{\"t\":\"error\",\"workload\":\"%s\",\"message\":\"set_mempolicy(%s): %s\"}", js(w->name), w->policy, strerror(errno));
	for (size_t i = 0; i < sizeof(iobuf); i++)
		iobuf[i] = "numa-lab\n"[i % 9];
	for (;;) {
		double t = now_s(), next = 1e18;
		int busy = 0;
		for (int i = 0; i < w->nph; i++) {
			struct phase *p = &w->ph[i];
			if (p->finished)
				continue;
			if (t < P.t0 + p->at) {
				if (P.t0 + p->at < next)
					next = P.t0 + p->at;
				continue;
			}
			did_work = 0;
			if (step_phase(w, p, t)) {
				if (did_work)
					busy = 1;
				else
					next = t + 0.002 < next ? t + 0.002 : next;
			} else
				p->finished = 1;
		}
		if (busy)
			continue;
		if (next > 1e17) {
			/* every phase done: hold the memory until the run ends, as the simulator does */
			pause();
			continue;
		}
		double d = next - now_s();
		if (d > 0) {
			struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };
			nanosleep(&ts, NULL);
		}
	}
}

/* ------------------------------------------------------------------ sampler */
static const char *vm_keys[] = {
	"numa_hit", "numa_miss", "numa_foreign", "numa_local", "numa_other", "numa_pte_updates",
	"numa_hint_faults", "numa_hint_faults_local", "numa_pages_migrated", "pgpromote_success",
	"pgpromote_candidate", "pgdemote_kswapd", "pgdemote_direct", "pgmigrate_success", "pgmigrate_fail",
	"pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "allocstall_dma", "allocstall_dma32",
	"allocstall_normal", "allocstall_movable", "pswpin", "pswpout", "pgmajfault", "pgfault", "compact_stall",
	"compact_success", "compact_fail", "thp_fault_alloc", "thp_fault_fallback", "thp_split_page", "thp_split_pmd",
	"thp_deferred_split_page", "zone_reclaim_failed", "kswapd_low_wmark_hit_quickly",
	"kswapd_high_wmark_hit_quickly", "pageoutrun", "slabs_scanned", "oom_kill", "pgscan_anon", "pgscan_file",
	"pgsteal_anon", "pgsteal_file", "workingset_refault_file", "nr_free_pages", "nr_file_pages",
	"nr_anon_pages", NULL
};

static void emit_vmstat(char *buf, size_t n)
{
	char line[160], k[100];
	long long v;
	size_t len = 0;
	FILE *f = fopen("/proc/vmstat", "r");
	buf[0] = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%99s %lld", k, &v) == 2)
			for (int i = 0; vm_keys[i]; i++)
				if (!strcmp(k, vm_keys[i]) && len + 128 < n) {
					len += snprintf(buf + len, n - len, "%s\"%s\":%lld", len ? "," : "", k, v);
					break;
				}
	if (f)
		fclose(f);
}

static long long node_mem(const char *text, const char *key)
{
	char pat[64];
	const char *p;
	snprintf(pat, sizeof(pat), " %s:", key);
	p = strstr(text, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

static char sbuf[1 << 18];
static uint64_t pm[8192];

/* pages of [addr, addr+len) of process pid per node; acc: this region's access counters */
static void place(pid_t pid, struct region *r, long long *pages, long long *huge, double *accn, long long *acc_prev)
{
	char path[64];
	long long len = r->is_file ? 0 : r->touched, npg = len / PG;
	int fd;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	for (long long c = 0; c * (long long)(CHUNK / PG) < npg; c++) {
		long long first = c * (CHUNK / PG), cnt = npg - first < (long long)(CHUNK / PG) ? npg - first : (long long)(CHUNK / PG);
		long long per[MAXN] = { 0 }, present = 0;
		if (pread(fd, pm, cnt * 8, ((r->addr / PG) + first) * 8) != cnt * 8)
			break;
		for (long long j = 0; j < cnt; j++)
			if ((pm[j] >> 63) & 1) {
				int nd = pfn_node(pm[j] & ((1ULL << 55) - 1));
				if (nd >= 0 && nd < MAXN) {
					per[nd]++;
					present++;
				}
			}
		for (int n = 0; n < MAXN; n++)
			pages[n] += per[n];
		if (r->huge && cnt == (long long)(CHUNK / PG) && present == cnt) {
			/* a THP maps the whole chunk from one node: KPF_THP of the first page */
			static int kpf = -2;
			uint64_t fl = 0;
			if (kpf == -2)
				kpf = open("/proc/kpageflags", O_RDONLY);
			if (kpf >= 0 && pread(kpf, &fl, 8, (pm[0] & ((1ULL << 55) - 1)) * 8) == 8 && ((fl >> 22) & 1)) {
				int nd = pfn_node(pm[0] & ((1ULL << 55) - 1));
				if (nd >= 0 && nd < MAXN)
					huge[nd] += cnt;
			}
		}
		if (r->acc && c < r->nchunks && present) {
			long long a = r->acc[c], d = a - acc_prev[c];
			acc_prev[c] = a;
			for (int n = 0; n < MAXN; n++)
				accn[n] += (double)d * per[n] / present;
		}
	}
	close(fd);
}

static long long *acc_prev_pool;

static void sample(int final)
{
	double t = now_s();
	size_t len = 0;
	char mi[4096], vm[8192], path[128];
	len += snprintf(sbuf + len, sizeof(sbuf) - len, "{\"t\":\"%s\",\"ms\":%.0f,\"nodes\":[", final ? "final" : "sample", (t - P.t0) * 1e3);
	int first = 1;
	for (int n = 0; n < MAXN; n++) {
		if (!node_online(n))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", n);
		int fd = open(path, O_RDONLY);
		ssize_t k = fd >= 0 ? read(fd, mi, sizeof(mi) - 1) : 0;
		if (fd >= 0)
			close(fd);
		mi[k > 0 ? k : 0] = 0;
		len += snprintf(sbuf + len, sizeof(sbuf) - len,
				"%s{\"node\":%d,\"MemTotal\":%lld,\"MemFree\":%lld,\"FilePages\":%lld,\"AnonPages\":%lld,\"AnonHugePages\":%lld,\"Active\":%lld,\"Inactive\":%lld,\"Shmem\":%lld}",
				first ? "" : ",", n, node_mem(mi, "MemTotal"), node_mem(mi, "MemFree"), node_mem(mi, "FilePages"),
				node_mem(mi, "AnonPages"), node_mem(mi, "AnonHugePages"), node_mem(mi, "Active"), node_mem(mi, "Inactive"),
				node_mem(mi, "Shmem"));
		first = 0;
	}
	emit_vmstat(vm, sizeof(vm));
	len += snprintf(sbuf + len, sizeof(sbuf) - len, "],\"vmstat\":{%s},\"cgroups\":{", vm);
	for (int i = 0; i < P.ncg; i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/memory.current", P.cg[i].name);
		len += snprintf(sbuf + len, sizeof(sbuf) - len, "%s\"%s\":%lld", i ? "," : "", js(P.cg[i].name), read_ll(path));
	}
	len += snprintf(sbuf + len, sizeof(sbuf) - len, "},\"cgroup_low\":{");
	for (int i = 0; i < P.ncg; i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/memory.events", P.cg[i].name);
		len += snprintf(sbuf + len, sizeof(sbuf) - len, "%s\"%s\":%lld", i ? "," : "", js(P.cg[i].name), read_key(path, "low"));
	}
	len += snprintf(sbuf + len, sizeof(sbuf) - len, "},\"workloads\":{");
	long long *prev = acc_prev_pool;
	for (int i = 0; i < P.nw; i++) {
		struct workload *w = &P.w[i];
		long long pages[MAXN] = { 0 }, huge[MAXN] = { 0 };
		double accn[MAXN] = { 0 };
		for (int j = 0; j < w->nreg; j++) {
			struct region *r = &w->reg[j];
			if (r->alive && !w->exited && r->acc)
				place(w->pid, r, pages, huge, accn, prev + (r->acc - acc_pool));
		}
		len += snprintf(sbuf + len, sizeof(sbuf) - len, "%s\"%s\":{\"accesses\":%lld,\"exited\":%d,\"resident_kB\":[", i ? "," : "",
				js(w->name), w->accesses, w->exited);
		for (int n = 0; n < MAXN && node_online(n); n++)
			len += snprintf(sbuf + len, sizeof(sbuf) - len, "%s%lld", n ? "," : "", pages[n] * 4);
		len += snprintf(sbuf + len, sizeof(sbuf) - len, "],\"huge_kB\":[");
		for (int n = 0; n < MAXN && node_online(n); n++)
			len += snprintf(sbuf + len, sizeof(sbuf) - len, "%s%lld", n ? "," : "", huge[n] * 4);
		len += snprintf(sbuf + len, sizeof(sbuf) - len, "],\"accesses_by_node\":[");
		for (int n = 0; n < MAXN && node_online(n); n++)
			len += snprintf(sbuf + len, sizeof(sbuf) - len, "%s%.0f", n ? "," : "", accn[n]);
		len += snprintf(sbuf + len, sizeof(sbuf) - len, "]}");
	}
	snprintf(sbuf + len, sizeof(sbuf) - len, "}}");
	emit("%s", sbuf);
}

/* How far each phase got (the phase table is shared): a slow guest may not keep a phase's rate,
 * and the host says so instead of passing off a half-done workload as the scenario. */
static void report_progress(void)
{
	double end = now_s();
	for (int i = 0; i < P.nw; i++)
		for (int j = 0; j < P.w[i].nph; j++) {
			struct phase *p = &P.w[i].ph[j];
			double want = 0;
			if (!strcmp(p->kind, "alloc") || !strcmp(p->kind, "file"))
				want = p->bytes;
			else if (!strcmp(p->kind, "access") && p->rate > 0 && p->started) {
				double stop = p->duration > 0 && p->t_start + p->duration < end ? p->t_start + p->duration : end;
				want = p->rate * (stop - p->t_start);
			} else
				continue;
			emit("{\"t\":\"progress\",\"workload\":\"%s\",\"phase\":\"%s %s\",\"started\":%d,\"done\":%lld,\"want\":%.0f}",
			     js(P.w[i].name), p->kind, js(p->region), p->started, p->done, want);
		}
}

/* ------------------------------------------------------------------ main */
static void setup_cgroups(void)
{
	char path[160], v[32];
	if (!P.ncg)
		return;
	mkdir("/sys/fs/cgroup", 0755);
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) && mount("none", "/sys/fs/cgroup", "cgroup2", 0, NULL))
		emit("{\"t\":\"error\",\"message\":\"mount cgroup2: %s\"}", strerror(errno));
	write_str("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	for (int i = 0; i < P.ncg; i++) {
		struct cgroup *c = &P.cg[i];
		const char *files[3] = { "memory.max", "memory.high", "memory.low" };
		long long vals[3] = { c->max, c->high, c->low };
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", c->name);
		mkdir(path, 0755);
		for (int j = 0; j < 3; j++) {
			if (vals[j] < 0)
				continue;
			snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", c->name, files[j]);
			snprintf(v, sizeof(v), "%lld", vals[j]);
			int ok = write_str(path, v) == 0;
			emit("{\"t\":\"knob\",\"name\":\"cgroup %s %s\",\"path\":\"%s\",\"want\":\"%s\",\"got\":\"%lld\",\"ok\":%s}", js(c->name),
			     files[j], path, v, read_ll(path), ok ? "true" : "false");
		}
	}
}

int main(int argc, char **argv)
{
	struct utsname u;
	if (argc < 3) {
		fprintf(stderr, "usage: agent PLAN OUT\n");
		return 2;
	}
	out = fopen(argv[2], "w");
	if (!out)
		out = stdout;
	P.w = mmap(NULL, sizeof(struct workload) * MAXW, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	acc_pool_len = 1 << 21; /* counters for up to 4 TiB of regions in 2 MiB chunks */
	acc_pool = mmap(NULL, acc_pool_len * 8, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	acc_prev_pool = calloc(acc_pool_len, 8);
	if (P.w == MAP_FAILED || acc_pool == MAP_FAILED || !acc_prev_pool || load_plan(argv[1])) {
		emit("{\"t\":\"error\",\"message\":\"agent setup failed: %s\"}", strerror(errno));
		return 1;
	}
	write_str("/proc/self/oom_score_adj", "-1000");
	uname(&u);
	emit("{\"t\":\"hello\",\"release\":\"%s\",\"machine\":\"%s\",\"workloads\":%d,\"duration_s\":%.3f}", js(u.release), u.machine, P.nw,
	     P.duration);
	for (int i = 0; i < P.nk; i++) {
		char got[128];
		struct knob *k = &P.k[i];
		int ok = write_str(k->path, k->value) == 0;
		int e = errno;
		read_str(k->path, got, sizeof(got));
		emit("{\"t\":\"knob\",\"name\":\"%s\",\"path\":\"%s\",\"want\":\"%s\",\"got\":\"%s\",\"ok\":%s%s%s%s}", js(k->name), js(k->path),
		     js(k->value), js(got), ok ? "true" : "false", ok ? "" : ",\"error\":\"", ok ? "" : strerror(e), ok ? "" : "\"");
	}
	setup_cgroups();
	blk_init();
	P.t0 = now_s();
	sample(0); /* the baseline at 0 ms: counters are reported as deltas from here */
	for (int i = 0; i < P.nw; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			write_str("/proc/self/oom_score_adj", "0");
			run_workload(&P.w[i]);
			_exit(0);
		}
		P.w[i].pid = pid;
	}
	emit("{\"t\":\"start\",\"workloads\":%d}", P.nw);
	double next = P.t0 + P.sample, end = P.t0 + P.duration;
	for (;;) {
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			for (int i = 0; i < P.nw; i++)
				if (P.w[i].pid == pid && !P.w[i].exited) {
					P.w[i].exited = 1;
					P.w[i].status = st;
					if (WIFSIGNALED(st))
						emit("{\"t\":\"killed\",\"ms\":%.0f,\"workload\":\"%s\",\"signal\":%d}", (now_s() - P.t0) * 1e3,
						     js(P.w[i].name), WTERMSIG(st));
				}
		double t = now_s();
		if (t >= next - 1e-4) {
			sample(0);
			next += P.sample;
			if (next < now_s()) /* sampling fell behind (slow guest): skip, never queue */
				next = now_s() + P.sample;
			if (next > end + P.sample / 2)
				break;
			continue;
		}
		double d = next - t;
		if (d > 0.05)
			d = 0.05;
		struct timespec ts = { 0, (long)(d * 1e9) };
		nanosleep(&ts, NULL);
	}
	sample(1);
	report_progress();
	for (int i = 0; i < P.nw; i++)
		if (!P.w[i].exited)
			kill(P.w[i].pid, SIGKILL);
	while (wait(NULL) > 0)
		;
	emit("{\"t\":\"end\",\"ms\":%.0f}", (now_s() - P.t0) * 1e3);
	return 0;
}
