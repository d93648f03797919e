// runOnKernel(): boots a real Linux kernel under QEMU once per variant (and per repeat), runs the
// variant's workloads in it with the guest agent, and returns the same RunResult a simulated run
// gives, with `source.kind = "kernel"`. Used by `numa-lab kernel` and by the extension.
//
// Every boot has a timeout and can be cancelled (QEMU is SIGKILLed at once). A boot that panics,
// hangs or loses its agent still gives a variant result, with the status, a message, and the
// console log kept in its log folder.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Scenario, ScenarioSet } from '../language/model';
import { CancelledError, CORE_VERSION, evaluateExpectations, resultSweeps } from '../core';
import type { KernelVariantInfo, RunResult, VariantResult } from '../core/result';
import { bzImageRelease, cpioNewc, extractVmlinux, moduleBytes, moduleLoadOrder, readModulesDep, type CpioEntry } from './image';
import { blockingSettings, planScenario, type KernelPlan, type NotApplied } from './plan';
import { qemuCommand, type Accel } from './qemu';
import { diagnoseConsole, feedLine, newStreamState, shortfalls, toVariantResult, type StreamState } from './stream';

export interface KernelRunOptions {
  /** A bzImage; default: the newest /boot/vmlinuz-* (Debian's linux-image-amd64). */
  kernel?: string;
  /** Modules of that kernel; default /lib/modules/RELEASE. A kernel without them still boots,
   *  but slow tiers (dax/kmem), files (virtio-blk, ext4) and swap need them or built-ins. */
  modulesDir?: string;
  /** auto (default): KVM when a probe boot works, else TCG. */
  accel?: 'auto' | Accel;
  /** Run even when a setting the scenario depends on has no counterpart in the kernel. */
  allowApproximate?: boolean;
  /** Boots per variant (default 1); repeats are reported as variants NAME#2, NAME#3, ... */
  repeat?: number;
  /** Run only these variants. */
  variants?: string[];
  /** Per boot; default: the run's duration + 180 s. */
  timeoutMs?: number;
  /** Where each boot's log folder goes; default $TMPDIR/numa-lab-kernel. */
  logDir?: string;
  /** The static guest agent; default: built by scripts/setup-kernel.sh (cached). */
  agent?: string;
  /** Boot the ELF vmlinux through PVH (default true; false boots the bzImage). */
  pvh?: boolean;
  /** Cache for the extracted vmlinux, initramfs and disk images; default ~/.cache/numa-lab/kernel. */
  cacheDir?: string;
}

export interface KernelProgress {
  variant: string;
  variantIndex: number;
  variantCount: number;
  repeat: number;
  stage: 'setup' | 'boot' | 'running' | 'done';
  /** Guest time into the run, ms (stage running). */
  guest_ms: number;
  duration_ms: number;
  message: string;
}

export interface KernelRunHooks {
  onProgress?: (p: KernelProgress) => void;
  signal?: AbortSignal;
}

/** The scenario depends on settings the kernel cannot honour (and allowApproximate is off). */
export class KernelRefusedError extends Error {
  constructor(readonly settings: { variant: string; setting: NotApplied }[]) {
    super(`the kernel cannot run this scenario as written:\n${settings.map((s) => `  ${s.variant}: ${s.setting.setting}: ${s.setting.reason}`).join('\n')}\n(--allow-approximate runs it anyway)`);
    this.name = 'KernelRefusedError';
  }
}

export class KernelSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelSetupError';
  }
}

/** The folder holding scripts/ and src/kernel/guest/ (the clone), from this file or its bundle. */
function repoRoot(): string {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'scripts', 'setup-kernel.sh'))) return d;
    if (path.dirname(d) === d) throw new KernelSetupError('cannot find scripts/setup-kernel.sh above ' + __dirname);
  }
}

export function defaultCacheDir(): string {
  return path.join(process.env.NUMA_LAB_CACHE ?? path.join(os.homedir(), '.cache', 'numa-lab'), 'kernel');
}

/** Runs scripts/setup-kernel.sh (installs what is missing, builds the agent) and returns the agent. */
export function setupKernel(): string {
  if (process.env.NUMA_LAB_KERNEL_AGENT) return process.env.NUMA_LAB_KERNEL_AGENT;
  const r = spawnSync('bash', [path.join(repoRoot(), 'scripts', 'setup-kernel.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const agent = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !fs.existsSync(agent)) throw new KernelSetupError(`scripts/setup-kernel.sh failed (exit ${r.status}):\n${(r.stderr ?? '').split('\n').slice(-15).join('\n')}`);
  return agent;
}

export function defaultKernel(): string {
  const imgs = fs.existsSync('/boot') ? fs.readdirSync('/boot').filter((f) => /^vmlinuz-\d/.test(f)) : [];
  imgs.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  if (imgs.length === 0) throw new KernelSetupError('no kernel in /boot: run `npm run setup:kernel` (installs Debian\'s linux-image-amd64) or give --kernel BZIMAGE');
  return path.join('/boot', imgs[imgs.length - 1]);
}

const sha = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
};

/** Writes a file of our cache atomically (concurrent runs may build the same one). */
function cacheWrite(file: string, data: Buffer | (() => Buffer)): string {
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, typeof data === 'function' ? data() : data);
  fs.renameSync(tmp, file);
  return file;
}

interface KernelFiles {
  bzImage: string;
  release: string;
  bootImage: string;
  modDir: string | null;
}

function kernelFiles(opts: KernelRunOptions, cache: string): KernelFiles {
  const bzImage = path.resolve(opts.kernel ?? defaultKernel());
  let image: Buffer;
  try {
    image = fs.readFileSync(bzImage);
  } catch (e) {
    throw new KernelSetupError(`${bzImage}: cannot read the kernel image (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const release = bzImageRelease(image);
  if (!release) throw new KernelSetupError(`${bzImage}: not a bzImage (no "HdrS" setup header)`);
  const modDir = opts.modulesDir ?? path.join('/lib/modules', release);
  let bootImage = bzImage;
  if (opts.pvh !== false) {
    const file = path.join(cache, `vmlinux-${release}-${sha(image)}`);
    if (!fs.existsSync(file)) {
      const elf = extractVmlinux(image);
      if (elf) cacheWrite(file, elf);
    }
    if (fs.existsSync(file)) bootImage = file;
  }
  return { bzImage, release, bootImage, modDir: fs.existsSync(path.join(modDir, 'modules.dep')) ? modDir : null };
}

const DISK_MODULES = ['virtio_pci', 'virtio_blk', 'ext4', 'crc32c_generic'];
const KMEM_MODULES = ['device_dax', 'kmem', 'dax_hmem'];

function baseInitramfs(k: KernelFiles, agent: string, cache: string): { file: string; modules: string[] } {
  const init = fs.readFileSync(path.join(repoRoot(), 'src', 'kernel', 'guest', 'init.sh'));
  const busybox = '/bin/busybox';
  if (!fs.existsSync(busybox)) throw new KernelSetupError('no /bin/busybox: run `npm run setup:kernel` (installs busybox-static)');
  const order = k.modDir ? moduleLoadOrder(readModulesDep(k.modDir), [...DISK_MODULES, ...KMEM_MODULES]) : [];
  const agentBytes = fs.readFileSync(agent);
  const file = path.join(cache, `initramfs-${k.release}-${sha(init, agentBytes, order.map((m) => m.file).join(','), fs.readFileSync(busybox))}.cpio`);
  cacheWrite(file, () => {
    const entries: CpioEntry[] = [
      { name: 'bin' }, { name: 'sbin' }, { name: 'proc' }, { name: 'sys' }, { name: 'dev' }, { name: 'tmp' }, { name: 'mnt' }, { name: 'lib' }, { name: 'lib/modules' },
      { name: 'bin/busybox', data: fs.readFileSync(busybox), mode: 0o755 },
      { name: 'bin/agent', data: agentBytes, mode: 0o755 },
      { name: 'init', data: init, mode: 0o755 },
      ...order.map((m) => ({ name: `lib/modules/${m.name}.ko`, data: moduleBytes(m.file) })),
    ];
    return cpioNewc(entries);
  });
  return { file, modules: order.map((m) => m.name) };
}

/** An empty ext2 file system of at least `bytes`, for the workloads' files (sparse; cached). */
function diskImage(bytes: number, cache: string): string {
  const mib = Math.ceil((bytes * 1.1 + 64 * 1048576) / (256 * 1048576)) * 256;
  const file = path.join(cache, `files-${mib}M.ext2`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, '');
  fs.truncateSync(tmp, mib * 1048576);
  const r = spawnSync('mke2fs', ['-q', '-t', 'ext2', '-b', '4096', '-F', tmp], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new KernelSetupError(`mke2fs failed: ${r.stderr || r.error?.message} (npm run setup:kernel installs e2fsprogs)`);
  }
  fs.renameSync(tmp, file);
  return file;
}

interface BootOutcome {
  st: StreamState;
  status: KernelVariantInfo['status'];
  message: string;
  wallMs: number;
  bootMs: number | null;
}

interface BootRequest {
  plan: KernelPlan;
  k: KernelFiles;
  base: { file: string; modules: string[] };
  accel: Accel;
  dir: string;
  cache: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onLine?: (kind: string, st: StreamState) => void;
}

/** One boot: writes the per-run initramfs part, starts QEMU, reads the stream until QEMU exits. */
async function boot(req: BootRequest): Promise<BootOutcome> {
  const { plan, dir } = req;
  fs.mkdirSync(dir, { recursive: true });
  const consoleLog = path.join(dir, 'console.log');
  const disk = plan.fileBytes > 0 ? diskImage(plan.fileBytes, req.cache) : null;
  let swap: string | null = null;
  if (plan.swapBytes > 0) {
    swap = path.join(dir, 'swap.img');
    fs.writeFileSync(swap, '');
    fs.truncateSync(swap, Math.max(plan.swapBytes, 40960));
  }
  const initrd = path.join(dir, 'initrd.cpio');
  const cmd = qemuCommand(plan, { accel: req.accel, kernelImage: req.k.bootImage, initrd, consoleLog, disk, swap });
  const config = [
    `MODULES="${req.base.modules.join(' ')}"`,
    `KMEM=${plan.nodes.some((n) => n.kmem) ? 1 : 0}`,
    `DISK="${cmd.diskDev ?? ''}"`,
    `SWAP="${cmd.swapDev ?? ''}"`,
  ].join('\n') + '\n';
  fs.writeFileSync(path.join(dir, 'plan'), plan.planText);
  fs.writeFileSync(initrd, Buffer.concat([fs.readFileSync(req.base.file), cpioNewc([{ name: 'config.sh', data: Buffer.from(config) }, { name: 'plan', data: Buffer.from(plan.planText) }])]));
  fs.writeFileSync(path.join(dir, 'qemu.cmd'), ['qemu-system-x86_64', ...cmd.args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ') + '\n');

  const st = newStreamState();
  const stream = fs.createWriteStream(path.join(dir, 'stream.jsonl'));
  const t0 = Date.now();
  let bootMs: number | null = null;
  let why: 'timeout' | 'cancelled' | null = null;
  const qemu = spawn('qemu-system-x86_64', cmd.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = (reason: 'timeout' | 'cancelled') => {
    why ??= reason;
    qemu.kill('SIGKILL');
  };
  const timer = setTimeout(() => kill('timeout'), req.timeoutMs);
  const onAbort = () => kill('cancelled');
  req.signal?.addEventListener('abort', onAbort);
  if (req.signal?.aborted) kill('cancelled');
  let stderr = '';
  qemu.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let pending = '';
  qemu.stdout.on('data', (d: Buffer) => {
    stream.write(d);
    pending += d.toString('utf8');
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const kind = feedLine(st, line);
      if (kind === 'ready' && bootMs === null) bootMs = Date.now() - t0;
      if (kind) req.onLine?.(kind, st);
    }
  });
  const code = await new Promise<number | null>((resolve) => {
    qemu.on('error', (e) => { stderr += e.message; resolve(-1); });
    qemu.on('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  req.signal?.removeEventListener('abort', onAbort);
  if (pending) feedLine(st, pending);
  await new Promise<void>((r) => stream.end(r));
  if (swap) fs.rmSync(swap, { force: true });
  fs.rmSync(initrd, { force: true });
  const wallMs = Date.now() - t0;
  if (stderr.trim()) fs.writeFileSync(path.join(dir, 'qemu.stderr'), stderr);
  const consoleText = fs.existsSync(consoleLog) ? fs.readFileSync(consoleLog, 'utf8') : '';
  let status: KernelVariantInfo['status'] = 'ok';
  let message = '';
  if (why === 'cancelled') { status = 'cancelled'; message = 'cancelled: QEMU was stopped'; }
  else if (why === 'timeout') { status = 'timeout'; message = `no result within ${Math.round(req.timeoutMs / 1000)} s: the guest hung and QEMU was stopped (console log: ${consoleLog})`; }
  else if (!st.ended) {
    const d = diagnoseConsole(consoleText);
    status = d?.status ?? 'error';
    message = d ? `${d.message} (console log: ${consoleLog})` : code === -1 ? `qemu-system-x86_64 could not start: ${stderr.trim()} (npm run setup:kernel installs it)` : `the guest stopped before the agent finished (QEMU exit ${code}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}; console log: ${consoleLog})`;
  } else if (st.killed.length > 0) {
    status = 'oom';
    message = st.killed.map((k) => `workload ${k.workload} killed by signal ${k.signal} at ${(k.ms / 1000).toFixed(1)} s`).join('; ');
  }
  return { st, status, message, wallMs, bootMs };
}

/** KVM only when /dev/kvm opens and a probe boot of this kernel reaches the agent (some hosts
 *  have a /dev/kvm that cannot run a stock kernel); the verdict is cached per host boot. */
async function chooseAccel(want: KernelRunOptions['accel'], k: KernelFiles, base: { file: string; modules: string[] }, cache: string, signal?: AbortSignal): Promise<{ accel: Accel; note: string }> {
  if (want === 'tcg') return { accel: 'tcg', note: 'TCG (asked for)' };
  let usable = false;
  try {
    fs.closeSync(fs.openSync('/dev/kvm', 'r+'));
    usable = true;
  } catch { /* no KVM */ }
  if (!usable) {
    if (want === 'kvm') throw new KernelSetupError('--accel kvm: /dev/kvm cannot be opened');
    return { accel: 'tcg', note: 'TCG: /dev/kvm is not usable here' };
  }
  if (want === 'kvm') return { accel: 'kvm', note: 'KVM (asked for)' };
  let bootId = 'unknown';
  try { bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(); } catch { /* not Linux */ }
  const verdictFile = path.join(cache, `kvm-${sha(bootId, k.bootImage)}`);
  let verdict = fs.existsSync(verdictFile) ? fs.readFileSync(verdictFile, 'utf8').trim() : '';
  if (!verdict) {
    const plan: KernelPlan = { nodes: [{ id: 0, memMiB: 256, vcpu: 0, kmem: false }], distance: [[10]], vcpus: 1, swapBytes: 0, fileBytes: 0, knobs: [], notApplied: [], planText: 'run 0 1000000000 1\n', homeNode: {} };
    const probe = await boot({ plan, k, base, accel: 'kvm', dir: fs.mkdtempSync(path.join(os.tmpdir(), 'numa-lab-kvm-probe-')), cache, timeoutMs: 25000, signal });
    if (probe.status === 'cancelled') throw new CancelledError();
    verdict = probe.st.ended ? 'kvm' : 'tcg';
    cacheWrite(verdictFile, Buffer.from(verdict + '\n'));
  }
  return verdict === 'kvm' ? { accel: 'kvm', note: 'KVM' } : { accel: 'tcg', note: 'TCG: /dev/kvm is present but a probe boot under KVM did not reach the agent (cached for this host boot)' };
}

/** Plans every chosen variant; throws KernelRefusedError when one depends on a missing setting. */
export function planVariants(set: ScenarioSet, release: string, opts: Pick<KernelRunOptions, 'variants' | 'allowApproximate'> = {}): { scenario: Scenario; plan: KernelPlan }[] {
  const chosen = opts.variants && opts.variants.length > 0 ? set.variants.filter((v) => opts.variants!.includes(v.variant)) : set.variants;
  const planned = chosen.map((scenario) => ({ scenario, plan: planScenario(scenario, release) }));
  const blocking = planned.flatMap((p) => blockingSettings(p.plan).map((setting) => ({ variant: p.scenario.variant, setting })));
  if (blocking.length > 0 && !opts.allowApproximate) throw new KernelRefusedError(blocking);
  return planned;
}

export async function runOnKernel(set: ScenarioSet, opts: KernelRunOptions = {}, hooks: KernelRunHooks = {}): Promise<RunResult> {
  const cache = opts.cacheDir ?? defaultCacheDir();
  fs.mkdirSync(cache, { recursive: true });
  const k = kernelFiles(opts, cache);
  const planned = planVariants(set, k.release, opts);
  const report = (p: Partial<KernelProgress> & { message: string }) => hooks.onProgress?.({ variant: '', variantIndex: 0, variantCount: planned.length, repeat: 1, stage: 'setup', guest_ms: 0, duration_ms: 0, ...p });
  report({ message: 'setting up (npm run setup:kernel)' });
  const agent = opts.agent ?? setupKernel();
  const base = baseInitramfs(k, agent, cache);
  if (hooks.signal?.aborted) throw new CancelledError();
  const { accel, note } = await chooseAccel(opts.accel ?? 'auto', k, base, cache, hooks.signal);
  report({ message: `${k.release} under ${note}` });
  const logRoot = opts.logDir ?? path.join(os.tmpdir(), 'numa-lab-kernel');
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const repeat = Math.max(1, Math.floor(opts.repeat ?? 1));
  const variants: VariantResult[] = [];
  let guestRelease = k.release;
  for (const [i, { scenario, plan }] of planned.entries()) {
    for (let r = 1; r <= repeat; r++) {
      const name = r === 1 ? scenario.variant : `${scenario.variant}#${r}`;
      const dir = path.join(logRoot, `${stamp}-${process.pid}`, name.replace(/[^\w.#-]/g, '_'));
      const durationMs = scenario.run.durationNs / 1e6;
      const base1 = { variant: name, variantIndex: i, variantCount: planned.length, repeat: r, duration_ms: durationMs };
      report({ ...base1, stage: 'boot', message: `${name}: booting ${k.release} (${accel})` });
      const out = await boot({
        plan, k, base, accel, dir, cache, signal: hooks.signal,
        timeoutMs: opts.timeoutMs ?? durationMs + 180000,
        onLine: (kind, st) => {
          const last = st.samples[st.samples.length - 1];
          if (kind === 'sample' && last) report({ ...base1, stage: 'running', guest_ms: last.ms, message: `${name}: ${(last.ms / 1000).toFixed(1)} of ${(durationMs / 1000).toFixed(1)} s` });
        },
      });
      if (out.status === 'cancelled') throw new CancelledError();
      if (out.st.release) guestRelease = out.st.release;
      const v = toVariantResult(out.st, scenario, plan.homeNode);
      v.name = name;
      v.kernel = {
        status: out.status, message: out.message, wall_ms: out.wallMs, boot_ms: out.bootMs, log_dir: dir,
        knobs: out.st.knobs, not_applied: plan.notApplied, errors: out.st.errors, shortfalls: shortfalls(out.st), repeat: r,
      };
      variants.push(v);
      report({ ...base1, stage: 'done', guest_ms: durationMs, message: `${name}: ${out.status}${out.message ? ` (${out.message})` : ''}, ${(out.wallMs / 1000).toFixed(1)} s` });
    }
  }
  const result: RunResult = {
    scenario: set.title,
    seed: planned[0]?.scenario.run.seed ?? 0,
    version: CORE_VERSION,
    variants,
    sweeps: resultSweeps(set),
    source: { kind: 'kernel', release: guestRelease, accel, kernel: k.bzImage },
  };
  result.expectations = evaluateExpectations(set, result);
  return result;
}
