// Colour arithmetic for theme colours (pure, so it can be tested without a DOM).

/** `color` with opacity `alpha`; understands #rgb, #rrggbb, #rrggbbaa, rgb() and rgba(). */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let r: number, g: number, b: number, a = 1;
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (hex) {
    const h = hex[1];
    if (h.length === 3 || h.length === 4) {
      [r, g, b] = [0, 1, 2].map((i) => parseInt(h[i] + h[i], 16));
      if (h.length === 4) a = parseInt(h[3] + h[3], 16) / 255;
    } else {
      [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
      if (h.length === 8) a = parseInt(h.slice(6, 8), 16) / 255;
    }
  } else {
    const m = /^rgba?\(([^)]+)\)$/i.exec(c);
    if (!m) return c;
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    [r, g, b] = parts;
    if (parts.length > 3) a = parts[3];
  }
  return `rgba(${r}, ${g}, ${b}, ${+(a * alpha).toFixed(3)})`;
}

/** Parses #rgb, #rrggbb(aa), rgb() and rgba() into [r, g, b, a]; null when not understood. */
export function parseColor(color: string): [number, number, number, number] | null {
  const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(withAlpha(color, 1));
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
}

/** An opaque colour `t` of the way from `background` to `color`: a solid fill that looks
 *  translucent, so stacked areas never blend into colours that mean nothing. */
export function mix(color: string, background: string, t: number): string {
  const c = parseColor(color);
  const b = parseColor(background);
  if (!c || !b) return color;
  const w = t * c[3];
  const ch = (i: number): number => Math.round(b[i] * (1 - w) + c[i] * w);
  return `rgb(${ch(0)}, ${ch(1)}, ${ch(2)})`;
}
