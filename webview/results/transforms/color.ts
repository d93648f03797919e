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
