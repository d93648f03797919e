// The language reference in the README and docs/reference.md, generated from the knob schema so
// that it says exactly what hover and the checker say. `npm run docs` writes it; a unit test
// fails when the committed README differs from what this produces.

import { DEFAULT_KERNEL, OLDEST_KERNEL, VERSION_TABLE } from '../core/versions';
import { CGROUP_METRICS, NODE_FIELDS, SUMMARY_METRICS, VMSTAT_COUNTERS, WORKLOAD_METRICS } from './metrics';
import { PRESETS } from './presets';
import { COUNT_SUFFIXES, KNOBS, RANGES, RENAMED_KNOBS, UNITS, formatKnobValue, formatRange, knobKind, type Dimension, type Knob, type KnobKind } from './schema';

export const REFERENCE_START = '<!-- reference:start -->';
export const REFERENCE_END = '<!-- reference:end -->';

/** Headings for the knob families, by the prefix before the first dot. */
const GROUPS: Record<string, { title: string; intro: string }> = {
  vm: { title: '`vm.*`: memory-management sysctls', intro: 'The files under `/proc/sys/vm`.' },
  kernel: {
    title: '`kernel.*`: automatic NUMA balancing',
    intro: 'The `numa_balancing` sysctl and the scanner tunables under `/sys/kernel/debug/sched/numa_balancing`.',
  },
  transparent_hugepage: {
    title: '`transparent_hugepage.*`: huge pages',
    intro: 'The files under `/sys/kernel/mm/transparent_hugepage`, and allocator behaviours that changed between kernel versions.',
  },
  numa: { title: '`numa.*`: memory tiering', intro: 'Demotion and promotion between memory tiers.' },
  cost: {
    title: '`cost.*`: model costs',
    intro: 'What each event costs in the simulation; set them in a `costs { ... }` block to match a measured machine.',
  },
  model: {
    title: '`model.*`: behaviours the kernel version selects',
    intro: `No file of the kernel: each is what a kernel version does (see the version table below). The default shown is ${DEFAULT_KERNEL}'s; \`version = X.Y\` picks another version's, and setting one overrides the version (the result lists it under \`kernel.overrides\`).`,
  },
  patch: {
    title: '`patch.*`: proposals that were never merged',
    intro: 'No released kernel has these. Each names its posting; the result lists one that is on under `kernel.overrides`.',
  },
};

/** The kind of a name, as the Kernel name column starts. */
const KIND_LABEL: Record<KnobKind, string> = {
  sysctl: 'sysctl', sysfs: 'sysfs', debugfs: 'debugfs', model: 'model choice', patch: 'unmerged patch', cost: 'model cost',
};

const DIMENSION_NAMES: Record<Dimension, string> = { size: 'size', time: 'time', rate: 'rate', bandwidth: 'bandwidth' };

/** A table cell: pipes would end the cell, newlines the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return '`' + text + '`';
}

/** Kernel identifiers in prose (`__GFP_THISNODE`, `alloc_pages_vma()`) as code, so their
 *  underscores are not read as emphasis. */
function prose(text: string): string {
  // Dotted knob names (model.wmark_promo) are one identifier.
  return text.replace(/(?<![`\w.])[A-Za-z_][\w.]*\w(?:\(\))?/g, (id) => (id.includes('_') ? code(id) : id));
}

function typeName(k: Knob): string {
  return k.type.kind === 'quantity' ? DIMENSION_NAMES[k.type.dimension] : k.type.kind;
}

function allowed(k: Knob): string {
  const t = k.type;
  switch (t.kind) {
    case 'enum': return t.values.map(code).join(', ');
    case 'bool': return '`true`, `false`';
    case 'int':
    case 'number': return `${t.min} to ${t.max}`;
    case 'quantity': return `${formatKnobValue(k, t.min)} to ${formatKnobValue(k, t.max)}`;
  }
}

function knobRow(k: Knob): string {
  const cells = [code(k.name), typeName(k), allowed(k), k.unit ? code(k.unit) : '', code(formatKnobValue(k, k.default)), prose(k.doc), kernelName(k)];
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** The kind of name, then sysfs and procfs paths as code, commit ids and prose as text. */
function kernelName(k: Knob): string {
  const kind = KIND_LABEL[knobKind(k)];
  return `${kind}: ${k.kernelName.startsWith('/') ? code(k.kernelName) : prose(k.kernelName.replace(/^(model cost|unmerged|no file): /, ''))}`;
}

function prefixOf(name: string): string {
  return name.split('.')[0];
}

function knobSection(): string[] {
  const lines: string[] = [];
  const prefixes = [...new Set(KNOBS.map((k) => prefixOf(k.name)))];
  for (const prefix of prefixes) {
    const group = GROUPS[prefix] ?? { title: code(`${prefix}.*`), intro: '' };
    lines.push(`### ${group.title}`, '');
    if (group.intro) lines.push(group.intro, '');
    lines.push('| Knob | Type | Allowed | Unit | Default | Meaning | Kernel name |', '|---|---|---|---|---|---|---|');
    for (const k of KNOBS.filter((k) => prefixOf(k.name) === prefix)) lines.push(knobRow(k));
    lines.push('');
  }
  return lines;
}

/** Sizes in the unit a preset was written in: 125 GB stays 125 GB, 64 GiB stays 64 GiB. */
function presetSize(bytes: number): string {
  for (const [unit, mult] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['TB', 1e12], ['GB', 1e9], ['MB', 1e6]] as const) {
    if (bytes >= mult && Number.isInteger(+(bytes / mult).toFixed(6))) return `${+(bytes / mult).toFixed(6)} ${unit}`;
  }
  return `${bytes} B`;
}

function cpuRange(cpus: number[]): string {
  return cpus.length === 0 ? 'none' : cpus.length === 1 ? String(cpus[0]) : `${cpus[0]}-${cpus[cpus.length - 1]}`;
}

function presetSection(): string[] {
  // Lists rather than tables: the knob tables are the only rows that start with a code cell.
  const lines = ['### Machine presets', '', 'Start from one with `machine preset NAME`; a `machine preset NAME { ... }` block overrides it node by node.', ''];
  for (const [name, p] of Object.entries(PRESETS)) {
    const nodes = p.nodes.map((n, i) => `node ${i}: ${presetSize(n.memoryBytes)}, cpus ${cpuRange(n.cpus)}, tier ${n.tier ?? (n.cpus.length ? 0 : 1)}`).join('; ');
    lines.push(`- ${code(name)}: ${prose(p.description)} (${nodes})`);
  }
  lines.push('');
  return lines;
}

function metricSection(): string[] {
  const paths = (prefix: string, names: readonly string[]) => names.map((m) => code(prefix + m)).join(', ');
  return [
    '### Expectation metrics', '',
    'An operand of `expect` is a number (units allowed) or `VARIANT.METRIC`: `*` is every variant, `base` the scenario when the file declares no variants.',
    'A number is read in the unit of the metric it is compared with: a percentage for a ratio (`remote_access_ratio < 5%` is 0.05), a time for `avg_access_ns` (`< 1 us` is 1000), a size for `nodeN.FIELD` (kB) and `cgroup.NAME.memory_current` (bytes); counters take plain numbers (`2k`, `1M`).', '',
    `- ${paths('', SUMMARY_METRICS)}: mean access latency (ns) and share of remote accesses over the run.`,
    `- ${paths('workload.NAME.', WORKLOAD_METRICS)}: the same for one workload, its number of accesses, and its run time (end of its last phase minus its start, ms; missing when it did not finish).`,
    `- ${paths('nodeN.', NODE_FIELDS)}: the node's meminfo field at the end of the run, kB.`,
    `- ${paths('cgroup.NAME.', CGROUP_METRICS)}: memory.current at the end of the run and its peak, bytes, and memory.events' low count.`,
    `- /proc/vmstat counters at the end of the run: ${paths('', VMSTAT_COUNTERS)}. A result carries only the counters its kernel version has (the version table says which came when); \`kswapd_wakeups\` and \`numa_promotion_pingpong\` are the model's own.`,
    '',
  ];
}

/** The ranges of the numbers outside the knob tables, each with its reason. A list, not a
 *  table: the knob tables are the only rows that start with a code cell. */
function rangeSection(): string[] {
  const lines = ['### Ranges of the other numbers', '', 'Every number in a scenario has a range; a value outside it is an error at the value that names the range.', ''];
  for (const r of Object.values(RANGES)) lines.push(`- ${r.where}: ${formatRange(r)} (${prose(r.why)}).`);
  lines.push('');
  return lines;
}

function versionSection(): string[] {
  const lines = [
    '### Kernel versions', '',
    `\`version = X.Y\` (or \`5.3-rc5\`) in the \`kernel\` block picks the behaviours, defaults and /proc/vmstat counters of that release; a \`variant\` can set its own, so one file can compare releases. Without it a scenario runs ${DEFAULT_KERNEL}, the kernel the real-kernel data in \`kernel-data/\` was measured on. The table starts at ${OLDEST_KERNEL}.`,
    '',
    'A setting the chosen version does not have (for example `kernel.numa_balancing = 2` before 5.18) is warned about with a quick fix that raises the version; if it stays, it runs as if backported, and the result lists it under `kernel.overrides` with every `model.*` setting that differs from the version and every `patch.*` that is on.',
    '',
  ];
  for (const row of VERSION_TABLE) {
    lines.push(`#### ${row.title}`, '', `Decides: ${prose(row.governs)}. Simulated: ${prose(row.modelled)}.`, '');
    lines.push('| Since | Behaviour | Commit | What changed |', '|---|---|---|---|');
    for (const e of row.eras) lines.push(`| ${cell(e.since)} | ${cell(e.value)} | ${e.commit ? code(e.commit) : 'not established'} | ${cell(prose(e.note))} |`);
    lines.push('', `Certainty: ${prose(row.certainty)}`, '');
  }
  lines.push('Old names, which looked like kernel files but were not, are migrated with a warning and a quick fix:', '');
  for (const r of RENAMED_KNOBS) lines.push(`- ${code(r.old)} is now ${code(r.name)}${r.value ? ' (`sync` is `true`)' : ''}${r.old === 'numa.promotion_filter' ? '; its value `tpp` is now `patch.tpp_active_lru_filter = true`' : ''}.`);
  lines.push('');
  return lines;
}

function unitSection(): string[] {
  const lines = ['### Units', '', '| Dimension | Units |', '|---|---|'];
  for (const dim of Object.keys(UNITS) as Dimension[]) {
    lines.push(`| ${DIMENSION_NAMES[dim]} | ${Object.keys(UNITS[dim]).map(code).join(', ')} |`);
  }
  lines.push('', `A count suffix (${Object.keys(COUNT_SUFFIXES).map(code).join(', ')}) may follow a number with no space: \`50M/s\` is fifty million per second.`, '');
  return lines;
}

/** The generated reference: the text that goes between the README's reference markers. */
export function generateReference(): string {
  return `## Language reference\n\n${referenceBody()}`;
}

/** The whole of docs/reference.md. */
export function generateReferenceDocument(): string {
  return `# NUMA Lab language reference\n\n${referenceBody()}`;
}

function referenceBody(): string {
  const lines = [
    'Generated from `src/language/schema.ts` by `npm run docs`; do not edit by hand. Set a knob in a',
    '`kernel { ... }` block (or `costs { ... }` for `cost.*`), override it in a `variant`, or `sweep` it.',
    'Defaults are the kernel\'s own unless the row says otherwise.',
    '',
    ...knobSection(),
    ...rangeSection(),
    ...versionSection(),
    ...presetSection(),
    ...metricSection(),
    ...unitSection(),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

/** Returns `readme` with the text between the markers replaced by `reference`. Throws when the
 *  markers are missing or out of order, so a broken README is not silently rewritten. */
export function replaceReferenceSection(readme: string, reference: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`README.md needs ${REFERENCE_START} followed by ${REFERENCE_END}`);
  return `${readme.slice(0, start + REFERENCE_START.length)}\n${reference}${readme.slice(end)}`;
}

/** The text currently between the markers, in the form `generateReference` returns. */
export function readReferenceSection(readme: string): string | undefined {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + REFERENCE_START.length, end).replace(/^\n/, '');
}
