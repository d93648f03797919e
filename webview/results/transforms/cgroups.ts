// Per-cgroup memory.current over time (bytes in the result, drawn in a size unit).

import type { VariantResult } from '../../../src/core/result';
import { timeAxisSeconds } from './residency';

export interface CgroupChart {
  x: Float64Array;
  series: { name: string; bytes: Float64Array; maxBytes: number }[];
  maxBytes: number;
}

export function cgroupChart(variant: VariantResult): CgroupChart | null {
  const cgs = variant.series.cgroups;
  if (!cgs || cgs.length === 0) return null;
  let maxBytes = 0;
  const series = cgs.map((c) => {
    const bytes = Float64Array.from(c.memory_current);
    let m = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] > m) m = bytes[i];
    if (m > maxBytes) maxBytes = m;
    return { name: c.name, bytes, maxBytes: m };
  });
  return { x: timeAxisSeconds(variant.series.t_ms), series, maxBytes };
}
