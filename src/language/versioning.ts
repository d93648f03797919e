// The checker's side of kernel versions: the `version` setting, the migration of renamed knobs,
// and the diagnostics for settings the chosen version does not have. The facts (which version
// brought what) are the core's version table (src/core/versions.ts); this file only applies them
// to a scenario's settings and says so with quick fixes.

import {
  DEFAULT_KERNEL, OLDEST_KERNEL, atLeast, compareKernel, counterNameAt, counterSince, parseKernelVersion,
  requiredVersion, versionModelDefaults,
} from '../core/versions';
import type * as A from './ast';
import type { Fix } from './diagnostics';
import type * as M from './model';
import { renamedSetting } from './schema';

export interface Reporter {
  warn(span: A.Span, message: string, code: string, fixes?: Fix[]): void;
  error(span: A.Span, message: string, code: string, fixes?: Fix[]): void;
}

/** The text of a setting's value as written: `5.3-rc5`, `thisnode`, `4`. */
export function valueText(v: A.Value | null): string {
  if (!v) return '';
  if (v.kind === 'ident') return v.name;
  if (v.kind === 'string') return v.value;
  if (v.kind === 'quantity') return String(v.number);
  return '';
}

/** Checks `version = X.Y`; returns the version or null after reporting why not. */
export function checkVersion(s: A.Setting, report: Reporter): string | null {
  const text = valueText(s.value);
  const v = parseKernelVersion(text);
  if (!s.value) return null;
  if (!v) {
    report.error(s.value, `'${text}' is not a kernel version; write it as 6.1 or 5.3-rc5`, 'version');
    return null;
  }
  if (compareKernel(v, parseKernelVersion(OLDEST_KERNEL)!) < 0) {
    report.error(s.value, `the version table starts at ${OLDEST_KERNEL}; ${text} is older`, 'version',
      [{ title: `Change to ${OLDEST_KERNEL}`, span: s.value, newText: OLDEST_KERNEL }]);
    return null;
  }
  return text;
}

/** A renamed knob (`numa.wmark_promo` and the like): a warning with the edit that migrates it,
 *  and the setting as it reads under its new name, so an old file still runs as it meant. */
export function migrate(s: A.Setting, report: Reporter): A.Setting | null {
  const old = valueText(s.value);
  const renamed = renamedSetting(s.name.text, old);
  if (!renamed) return null;
  const kind = renamed.name.startsWith('patch.') ? 'a proposal that was never merged' : 'a behaviour the kernel version selects';
  report.warn(s.name, `'${s.name.text}' is no kernel file; it is now '${renamed.name}' (${kind})`, 'renamed-knob',
    [{ title: `Change to '${renamed.name} = ${renamed.value}'`, span: s, newText: `${renamed.name} = ${renamed.value}` }]);
  const span = s.value ?? s.name;
  return {
    name: { text: renamed.name, start: s.name.start, end: s.name.end },
    value: { kind: 'ident', name: renamed.value, start: span.start, end: span.end },
    start: s.start, end: s.end,
  };
}

/** "5.18" for "5.18-rc1": a merge-window feature is said to need the release. */
function release(since: string): string {
  return since.replace(/-rc1$/, '');
}

export interface KernelInputs {
  version: string;
  /** The `version` setting in effect for this variant, if any. */
  versionSetting: A.Setting | undefined;
  /** Where a `version` line can be added when there is none. */
  insertVersionAt: { offset: number; text: (v: string) => string } | null;
  knobs: M.KnobSettings;
  /** Knob settings the file wrote (base and variant), by full name. */
  explicit: Map<string, A.Setting>;
  machine: M.Machine;
  /** `tier` settings by node id. */
  tierSettings: Map<number, A.Setting>;
  workloads: { workload: M.Workload; mempolicy: A.Setting | undefined }[];
}

/** The version's `model.*` defaults, for the knobs the file did not set. */
export function applyVersionDefaults(version: string, knobs: M.KnobSettings, explicit: Map<string, A.Setting>): void {
  for (const [name, value] of Object.entries(versionModelDefaults(version))) if (!explicit.has(name)) knobs[name] = value;
}

/** The `model.*` and `patch.*` settings that differ from what the version does. */
export function modelOverrides(version: string, knobs: M.KnobSettings): string[] {
  const out: string[] = [];
  for (const [name, dflt] of Object.entries(versionModelDefaults(version))) {
    if (knobs[name] !== dflt) out.push(`${name} = ${knobs[name]} (${version} has ${dflt})`);
  }
  for (const name of Object.keys(knobs)) if (name.startsWith('patch.') && knobs[name] === true) out.push(`${name} (unmerged patch)`);
  return out;
}

/** Diagnostics for settings the version lacks, and the scenario's kernel (version + overrides). */
export function resolveKernel(k: KernelInputs, report: Reporter): M.KernelSettings {
  const overrides = modelOverrides(k.version, k.knobs);
  const lacks = (what: string, label: string, span: A.Span) => {
    const since = requiredVersion(what);
    if (!since || atLeast(k.version, since)) return;
    const need = release(since);
    const fixes: Fix[] = [];
    if (k.versionSetting?.value) fixes.push({ title: `Set version = ${need}`, span: k.versionSetting.value, newText: need });
    else if (k.insertVersionAt) fixes.push({ title: `Set version = ${need}`, span: { start: k.insertVersionAt.offset, end: k.insertVersionAt.offset }, newText: k.insertVersionAt.text(need) });
    report.warn(span, `${label} needs ${need} or later; version is ${k.version}. It runs as if backported`, 'version-lacks', fixes);
    overrides.push(`${label} (backported: needs ${need})`);
  };
  for (const [name, s] of k.explicit) {
    if (requiredVersion(name)) lacks(name, name, s.name);
    const value = k.knobs[name];
    if (name === 'kernel.numa_balancing' && requiredVersion(`${name}=${value}`)) lacks(`${name}=${value}`, `${name}=${value}`, s.value ?? s.name);
  }
  for (const { workload, mempolicy } of k.workloads) {
    if (workload.mempolicy.mode === 'weighted-interleave' && mempolicy) lacks('mempolicy=weighted-interleave', 'weighted-interleave', mempolicy.value ?? mempolicy.name);
  }
  for (const node of k.machine.nodes) {
    const s = k.tierSettings.get(node.id);
    const implicit = node.cpus.length ? 0 : 1;
    if (s && node.tier !== implicit) lacks('node.tier', `tier = ${node.tier} on node ${node.id}`, s.value ?? s.name);
  }
  return { version: k.version, overrides };
}

/** Why a counter named in an expectation is not in the results of these versions, or null. */
export function counterProblem(counter: string, versions: string[]): string | null {
  const missing = [...new Set(versions)].filter((v) => counterNameAt(counter, v) !== counter);
  if (missing.length === 0) return null;
  const since = counterSince(counter);
  const renamed = counterNameAt(counter, missing[0]);
  const why = renamed ? `it is called '${renamed}' there` : since ? `it appeared in ${release(since)}` : 'it does not exist there';
  return `/proc/vmstat of ${missing.join(', ')} has no '${counter}' (${why})`;
}

export { DEFAULT_KERNEL };
