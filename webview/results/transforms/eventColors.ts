// One theme colour per event kind on the timeline. The six charts.* colours are too few for the
// thirteen kinds drawn, so the terminal's ANSI colours (themes define them too) fill the rest;
// every kind gets its own variable, so no two kinds share a colour in any theme that keeps its
// colours apart. Kinds that usually appear together (thp-numa: direct reclaim, compaction, swap,
// THP split; tiering: kswapd, demotion, promotion) are given different hues.

import type { EventKind } from '../../../src/core/result';

/** kswapd_sleep closes a kswapd_wake span and is never drawn by itself. */
export type DrawnEventKind = Exclude<EventKind, 'kswapd_sleep'>;

export interface ThemeColor {
  /** The workbench's CSS variable, e.g. --vscode-charts-blue. */
  cssVar: string;
  /** VS Code's own default for a dark theme, used when the variable is missing. */
  fallback: string;
}

export const EVENT_COLORS: Record<DrawnEventKind, ThemeColor> = {
  kswapd_wake: { cssVar: '--vscode-charts-blue', fallback: '#3794ff' },
  node_reclaim: { cssVar: '--vscode-terminal-ansiMagenta', fallback: '#bc3fbc' },
  direct_reclaim: { cssVar: '--vscode-charts-orange', fallback: '#d18616' },
  compact_success: { cssVar: '--vscode-charts-green', fallback: '#89d185' },
  compact_fail: { cssVar: '--vscode-charts-red', fallback: '#f14c4c' },
  swap_out: { cssVar: '--vscode-terminal-ansiCyan', fallback: '#11a8cd' },
  swap_in: { cssVar: '--vscode-terminal-ansiBlue', fallback: '#2472c8' },
  demotion: { cssVar: '--vscode-charts-purple', fallback: '#b180d7' },
  promotion: { cssVar: '--vscode-terminal-ansiGreen', fallback: '#0dbc79' },
  numa_migrate: { cssVar: '--vscode-terminal-ansiYellow', fallback: '#e5e510' },
  sched_move_numa: { cssVar: '--vscode-terminal-ansiBrightMagenta', fallback: '#d670d6' },
  thp_split: { cssVar: '--vscode-charts-yellow', fallback: '#cca700' },
  // Grey: queued subpages wait for the shrinker, nothing is freed yet.
  deferred_split_queue: { cssVar: '--vscode-terminal-ansiBrightBlack', fallback: '#666666' },
  oom_kill: { cssVar: '--vscode-terminal-ansiRed', fallback: '#cd3131' },
};

export const DRAWN_EVENT_KINDS = Object.keys(EVENT_COLORS) as DrawnEventKind[];
