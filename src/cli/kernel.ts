// `numa-lab kernel FILE [--variant V]... [--kernel BZIMAGE] [--scale F] [--repeat N]
// [--format json|table|csv] [--out PATH] [--allow-approximate] [--accel auto|kvm|tcg]
// [--timeout S] [--log-dir DIR]`: runs the scenario on a real Linux kernel booted under QEMU (one
// boot per variant) and prints the same result as `numa-lab run`, with source.kind = "kernel".
// Exit 0 when every boot ended normally and every expectation holds, 1 otherwise, 2 for usage,
// set-up and refusal errors, 130 when interrupted.

import { CancelledError, parseScale } from '../core';
import type { RunResult } from '../core/result';
import { runOnKernel, KernelRefusedError, KernelSetupError, type KernelProgress } from '../kernel';
import { unknownOption } from './args';
import { emitResult, startCommand } from './run';

const USAGE = `usage: numa-lab kernel FILE [--variant NAME]... [--kernel BZIMAGE] [--scale FACTOR] [--repeat N]
                      [--format table|json|csv] [--out PATH] [--allow-approximate]
                      [--accel auto|kvm|tcg] [--timeout SECONDS] [--log-dir DIR]
  Runs the scenario on a real Linux kernel under QEMU, one boot per variant (set up once with
  npm run setup:kernel). The result has the shape of numa-lab run's, with source.kind = "kernel".
  --variant NAME        run only this variant (repeatable)
  --kernel BZIMAGE      boot this kernel (default: the newest /boot/vmlinuz-*; modules from /lib/modules/RELEASE)
  --scale FACTOR        multiply every size and byte rate (1/128 makes 2 x 125 GB a 2 x 1 GB guest)
  --repeat N            boot each variant N times (reported as NAME, NAME#2, ...)
  --format F            table (default), json or csv
  --out PATH            write the output to PATH instead of stdout
  --allow-approximate   run even if the scenario depends on a setting the kernel has no counterpart for
  --accel A             auto (default: KVM if a probe boot works, else TCG), kvm or tcg
  --timeout SECONDS     per boot (default: the run's duration + 180)
  --log-dir DIR         where each boot's console log, stream and QEMU command are kept (default: $TMPDIR/numa-lab-kernel)
`;

const OPTIONS = ['--variant', '--kernel', '--scale', '--repeat', '--format', '--out', '--allow-approximate', '--accel', '--timeout', '--log-dir', '--help'] as const;

interface KernelArgs {
  file: string;
  variants: string[];
  kernel: string | null;
  scale: number | null;
  repeat: number;
  format: 'table' | 'json' | 'csv';
  out: string | null;
  allowApproximate: boolean;
  accel: 'auto' | 'kvm' | 'tcg';
  timeoutMs: number | null;
  logDir: string | null;
}

function parseArgs(args: string[]): KernelArgs | string {
  const r: KernelArgs = { file: '', variants: [], kernel: null, scale: null, repeat: 1, format: 'table', out: null, allowApproximate: false, accel: 'auto', timeoutMs: null, logDir: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--variant') r.variants.push(value());
      else if (a === '--kernel') r.kernel = value();
      else if (a === '--scale') {
        const v = value();
        const s = parseScale(v);
        if (s === null) return `--scale needs a positive factor like 1/128 or 0.25, not '${v}'`;
        r.scale = s;
      } else if (a === '--repeat') {
        const v = value();
        if (!/^[1-9]\d?$/.test(v)) return `--repeat needs a whole number from 1 to 99, not '${v}'`;
        r.repeat = Number(v);
      } else if (a === '--format') {
        const f = value();
        if (f !== 'table' && f !== 'json' && f !== 'csv') return `unknown format '${f}': expected table, json or csv`;
        r.format = f;
      } else if (a === '--out') r.out = value();
      else if (a === '--allow-approximate') r.allowApproximate = true;
      else if (a === '--accel') {
        const v = value();
        if (v !== 'auto' && v !== 'kvm' && v !== 'tcg') return `--accel is auto, kvm or tcg, not '${v}'`;
        r.accel = v;
      } else if (a === '--timeout') {
        const v = value();
        if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) return `--timeout needs a number of seconds, not '${v}'`;
        r.timeoutMs = Number(v) * 1000;
      } else if (a === '--log-dir') r.logDir = value();
      else if (a === '--help' || a === '-h') return 'help';
      else if (a.startsWith('-')) return unknownOption(a, OPTIONS);
      else if (r.file) return `only one FILE may be given (got '${r.file}' and '${a}')`;
      else r.file = a;
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (!r.file) return 'missing FILE';
  return r;
}

/** The kernel-only part of the table: how each boot ended and what was not applied. */
export function formatKernelNotes(result: RunResult): string {
  const lines: string[] = [];
  const src = result.source;
  if (src?.kind === 'kernel') lines.push(`kernel ${src.release} (${src.accel}), ${src.kernel}`);
  for (const v of result.variants) {
    const k = v.kernel;
    if (!k) continue;
    lines.push(`  ${v.name}: ${k.status}${k.message ? ` - ${k.message}` : ''}; boot ${k.boot_ms === null ? '?' : (k.boot_ms / 1000).toFixed(1)} s, wall ${(k.wall_ms / 1000).toFixed(1)} s; logs ${k.log_dir}`);
    const failed = k.knobs.filter((x) => !x.ok);
    if (failed.length) lines.push(`    knobs not written: ${failed.map((x) => `${x.name} (${x.path}${x.error ? `: ${x.error}` : ''})`).join(', ')}`);
    for (const e of k.errors) lines.push(`    guest error: ${e}`);
    for (const e of k.shortfalls ?? []) lines.push(`    not done: ${e}`);
  }
  const na = result.variants[0]?.kernel?.not_applied ?? [];
  if (na.length) {
    lines.push('not applied (no real counterpart):');
    for (const n of na) lines.push(`  ${n.setting}: ${n.reason}${n.matters ? ' [approximate]' : ''}`);
  }
  return lines.join('\n') + '\n';
}

export async function kernelCommand(args: string[]): Promise<number> {
  const start = startCommand('kernel', parseArgs(args), USAGE);
  if (typeof start === 'number') return start;
  const { parsed, set, protect } = start;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  let result: RunResult;
  try {
    result = await runOnKernel(set, {
      kernel: parsed.kernel ?? undefined, repeat: parsed.repeat, variants: parsed.variants, allowApproximate: parsed.allowApproximate,
      accel: parsed.accel, timeoutMs: parsed.timeoutMs ?? undefined, logDir: parsed.logDir ?? undefined,
    }, { signal: controller.signal, onProgress: progressReporter() });
  } catch (e) {
    if (e instanceof CancelledError) {
      process.stderr.write('numa-lab kernel: interrupted; QEMU stopped\n');
      return 130;
    }
    if (e instanceof KernelRefusedError || e instanceof KernelSetupError) {
      process.stderr.write(`${parsed.file}: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (emitResult(result, parsed.format, parsed.out, protect, formatKernelNotes(result)) !== 0) return 2;
  if (parsed.format !== 'table') process.stderr.write(formatKernelNotes(result));
  const bootsOk = result.variants.every((v) => v.kernel?.status === 'ok');
  return bootsOk && (result.expectations ?? []).every((e) => e.passed) ? 0 : 1;
}

/** Progress on stderr: one line per stage change, and a live line on a terminal. */
function progressReporter() {
  let lastStage = '';
  return (p: KernelProgress) => {
    const key = `${p.variant}/${p.stage}`;
    if (p.stage === 'running') {
      if (process.stderr.isTTY) process.stderr.write(`\r${p.message}   `);
      return;
    }
    if (key === lastStage && p.stage !== 'setup') return;
    lastStage = key;
    process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}[kernel] ${p.message}\n`);
  };
}
