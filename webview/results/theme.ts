// Chart colours from the workbench theme's --vscode-* variables, re-read when the theme changes.

import { withAlpha } from './transforms/color';
import { EVENT_COLORS, DRAWN_EVENT_KINDS, type DrawnEventKind } from './transforms/eventColors';

export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  border: string;
  /** Colour per residency layer kind / event lane. */
  free: string;
  file: string;
  anon: string;
  anonHuge: string;
  other: string;
  red: string;
  blue: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  /** An ordered list for series without a fixed meaning (workloads, cgroups). */
  cycle: string[];
  /** One distinct colour per event kind of the timeline. */
  events: Record<DrawnEventKind, string>;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readPalette(): Palette {
  const s = getComputedStyle(document.documentElement);
  const fg = cssVar(s, '--vscode-editor-foreground', cssVar(s, '--vscode-foreground', '#cccccc'));
  const red = cssVar(s, '--vscode-charts-red', '#f14c4c');
  const blue = cssVar(s, '--vscode-charts-blue', '#3794ff');
  const green = cssVar(s, '--vscode-charts-green', '#89d185');
  const yellow = cssVar(s, '--vscode-charts-yellow', '#cca700');
  const orange = cssVar(s, '--vscode-charts-orange', '#d18616');
  const purple = cssVar(s, '--vscode-charts-purple', '#b180d7');
  const lines = cssVar(s, '--vscode-charts-lines', withAlpha(fg, 0.5));
  return {
    background: cssVar(s, '--vscode-editor-background', '#1e1e1e'),
    foreground: fg,
    muted: cssVar(s, '--vscode-descriptionForeground', withAlpha(fg, 0.7)),
    grid: withAlpha(lines, 0.25),
    border: cssVar(s, '--vscode-panel-border', withAlpha(fg, 0.2)),
    free: lines,
    file: blue,
    anon: orange,
    anonHuge: red,
    other: purple,
    red,
    blue,
    green,
    yellow,
    orange,
    purple,
    cycle: [orange, blue, green, purple, yellow, red],
    events: Object.fromEntries(DRAWN_EVENT_KINDS.map((k) => [k, cssVar(s, EVENT_COLORS[k].cssVar, EVENT_COLORS[k].fallback)])) as Record<DrawnEventKind, string>,
  };
}

/** Calls `onChange` when VS Code switches theme: it rewrites the body class and the CSS
 *  variables on <html>. */
export function watchTheme(onChange: () => void): void {
  let last = JSON.stringify(readPalette());
  const check = (): void => {
    const now = JSON.stringify(readPalette());
    if (now !== last) {
      last = now;
      onChange();
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
