// Number and unit formatting shared by the charts and the tables. Pure functions.

export interface SizeUnit {
  label: 'KiB' | 'MiB' | 'GiB' | 'TiB';
  /** Divide a kB figure by this to get the unit. */
  perKB: number;
}

const UNITS: SizeUnit[] = [
  { label: 'KiB', perKB: 1 },
  { label: 'MiB', perKB: 1024 },
  { label: 'GiB', perKB: 1024 * 1024 },
  { label: 'TiB', perKB: 1024 * 1024 * 1024 },
];

/** The largest unit in which `maxKB` is still at least 1 (meminfo's kB are KiB). */
export function sizeUnitFor(maxKB: number): SizeUnit {
  let unit = UNITS[0];
  for (const u of UNITS) if (maxKB >= u.perKB) unit = u;
  return unit;
}

/** What every formatter shows for a missing or odd value (null, undefined, NaN, Infinity): a
 *  result from an older or foreign tool must never make the panel or the status bar throw. */
export const MISSING = '–';

/** A finite number, or false for anything else. */
export function isValue(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function formatKB(kB: number, unit: SizeUnit = sizeUnitFor(Math.abs(kB))): string {
  if (!isValue(kB)) return MISSING;
  return `${trimNumber(kB / unit.perKB, 3)} ${unit.label}`;
}

/** `v.toFixed(digits)`, or MISSING for a missing or odd value. */
export function formatFixed(v: number, digits: number): string {
  return isValue(v) ? v.toFixed(digits) : MISSING;
}

/** A number with at most `sig` significant digits after the point, thousands grouped. */
export function trimNumber(v: number, sig = 3): string {
  if (!isValue(v)) return MISSING;
  const abs = Math.abs(v);
  if (abs >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  const digits = abs === 0 ? 0 : Math.max(0, sig - 1 - Math.floor(Math.log10(abs)));
  return v.toFixed(Math.min(digits, 6));
}

export function formatPercent(ratio: number, digits = 1): string {
  if (!isValue(ratio)) return MISSING;
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Signed difference for "against baseline" cells: "+12.3 (+4.5%)". */
export function formatDelta(delta: number, pct: number | null, format: (v: number) => string): string {
  if (!isValue(delta)) return MISSING;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const body = `${sign}${format(Math.abs(delta))}`;
  if (pct === null || !Number.isFinite(pct)) return body;
  const pSign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  return `${body} (${pSign}${Math.abs(pct * 100).toFixed(1)}%)`;
}

/** Milliseconds of simulated time as a short label: "250 ms", "1.5 s", "2 min 3 s". */
export function formatSimTime(ms: number): string {
  if (!isValue(ms)) return MISSING;
  if (ms < 1000) return `${trimNumber(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${trimNumber(s)} s`;
  const min = Math.floor(s / 60);
  return `${min} min ${Math.round(s - min * 60)} s`;
}
