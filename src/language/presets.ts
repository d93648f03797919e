// Named machines. Each is written the way a scenario would write it, so a preset is only a
// starting point that the `machine preset NAME { ... }` block can override node by node.

const GB = 1000 ** 3;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface PresetNode {
  memoryBytes: number;
  cpus: number[];
  tier?: number;
  latencyNs?: number;
  bandwidthBytesPerSec?: number;
  writeBandwidthBytesPerSec?: number;
  reservedBytes?: number;
}

export interface Preset {
  description: string;
  nodes: PresetNode[];
  distance?: number[][];
  swap?: { sizeBytes: number; latencyNs: number; bandwidthBytesPerSec: number };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const PRESETS: Record<string, Preset> = {
  'two-socket': {
    description: 'Two sockets of 125 GB and 32 CPUs each, SLIT 10/21 (the zone_reclaim_mode thread\'s machine).',
    nodes: [
      { memoryBytes: 125 * GB, cpus: range(0, 31) },
      { memoryBytes: 125 * GB, cpus: range(32, 63) },
    ],
    distance: [[10, 21], [21, 10]],
  },
  'cxl-tiered': {
    description: 'Two DRAM sockets of 64 GiB and one CPU-less 128 GiB CXL memory expander behind socket 0 (SLIT 14/24).',
    nodes: [
      { memoryBytes: 64 * GiB, cpus: range(0, 15) },
      { memoryBytes: 64 * GiB, cpus: range(16, 31) },
      { memoryBytes: 128 * GiB, cpus: [], tier: 1, latencyNs: 170, bandwidthBytesPerSec: 30 * GB },
    ],
    distance: [[10, 21, 14], [21, 10, 24], [14, 24, 10]],
  },
  'pmem-tiered': {
    description: 'Two DRAM sockets of 96 GiB, each with a CPU-less 384 GiB Optane PMEM node (about 320 ns, 6.6 GB/s read, 2.3 GB/s write).',
    nodes: [
      { memoryBytes: 96 * GiB, cpus: range(0, 23) },
      { memoryBytes: 96 * GiB, cpus: range(24, 47) },
      { memoryBytes: 384 * GiB, cpus: [], tier: 1, latencyNs: 320, bandwidthBytesPerSec: 6.6 * GB, writeBandwidthBytesPerSec: 2.3 * GB },
      { memoryBytes: 384 * GiB, cpus: [], tier: 1, latencyNs: 320, bandwidthBytesPerSec: 6.6 * GB, writeBandwidthBytesPerSec: 2.3 * GB },
    ],
    distance: [[10, 21, 17, 28], [21, 10, 28, 17], [17, 28, 10, 28], [28, 17, 28, 10]],
  },
  'qemu-2x1g': {
    description: 'The QEMU guest of the kernel measurements: 2 nodes of 1 GiB, one CPU each, SLIT 10/20, no swap.',
    nodes: [
      { memoryBytes: 1 * GiB, cpus: [0], reservedBytes: 126 * MiB },
      { memoryBytes: 1 * GiB, cpus: [1], reservedBytes: 17 * MiB },
    ],
    distance: [[10, 20], [20, 10]],
  },
  'qemu-2x2g': {
    description: 'The QEMU guest of the larger kernel measurements: 2 nodes of 2 GiB, one CPU each, SLIT 10/20, no swap (MemTotal 1906 and 2015 MiB as booted).',
    nodes: [
      { memoryBytes: 2 * GiB, cpus: [0], reservedBytes: 142 * MiB },
      { memoryBytes: 2 * GiB, cpus: [1], reservedBytes: 33 * MiB },
    ],
    distance: [[10, 20], [20, 10]],
  },
  'qemu-tiered-3node': {
    description: 'The tiering QEMU guest: 2 nodes of 1 GiB with a CPU each and a CPU-less 1 GiB node 2 in a lower tier (SLIT 30).',
    nodes: [
      { memoryBytes: 1 * GiB, cpus: [0], reservedBytes: 126 * MiB },
      { memoryBytes: 1 * GiB, cpus: [1], reservedBytes: 17 * MiB },
      { memoryBytes: 1 * GiB, cpus: [], tier: 1, reservedBytes: 17 * MiB },
    ],
    distance: [[10, 20, 30], [20, 10, 30], [30, 30, 10]],
  },
};

/** A named set of `cost.*` figures: `costs preset NAME` starts from it instead of the defaults
 *  (real hardware). Values in the knobs' base unit (ns). */
export interface CostPreset {
  description: string;
  costs: Record<string, number>;
}

const US = 1000;
const MS = 1000 * US;

export const COST_PRESETS: Record<string, CostPreset> = {
  'qemu-tcg': {
    description: 'The QEMU/TCG guest of the real-kernel corpus (Linux 6.1 on this project\'s shared 2-core host): per-page costs measured in the guest, see docs/model.md.',
    costs: {
      'cost.minor_fault': 114 * US,
      'cost.thp_fault': 57 * MS,
      'cost.hint_fault': 55 * US,
      'cost.migrate_page': 128 * US,
      'cost.demote_page': 426 * US,
      'cost.reclaim_page': 6.3 * US,
      'cost.file_read': 91 * US,
    },
  },
};
