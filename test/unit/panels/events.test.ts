// The event timeline's lanes against real results of the examples.

import * as assert from 'node:assert/strict';
import { EXAMPLES, exampleResult } from './exampleResults';
import { buildTimeline, itemAt, rowSpan, describeItem, shownKinds, timelineNotes, LANES } from '../../../webview/results/transforms/events';
import { EVENT_COLORS, DRAWN_EVENT_KINDS } from '../../../webview/results/transforms/eventColors';
import { HPAGE_NR } from '../../../src/core/machine';
import { MAX_EVENTS } from '../../../src/core/events';
import { timeExtentSeconds } from '../../../webview/results/transforms/residency';
import type { VariantResult } from '../../../src/core/result';

function timelineOf(v: VariantResult) {
  return buildTimeline(v.events, v.series.nodes.map((n) => n.node), timeExtentSeconds(v)[1]);
}

describe('panels: reclaim event timeline', () => {
  it('has a lane for each mechanism the issue names', () => {
    const kinds = LANES.flatMap((l) => l.kinds);
    for (const k of ['kswapd_wake', 'direct_reclaim', 'node_reclaim', 'compact_success', 'compact_fail', 'swap_out', 'swap_in', 'demotion', 'promotion', 'thp_split', 'deferred_split_queue', 'oom_kill']) {
      assert.ok(kinds.includes(k as never), k);
    }
  });

  for (const example of EXAMPLES) {
    it(`${example}: puts every event in its lane, kswapd runs as spans, sorted by time`, () => {
      for (const v of exampleResult(example).variants) {
        const tl = timelineOf(v);
        for (const lane of tl.lanes) {
          const expected = v.events.filter((e) => lane.kinds.includes(e.kind) && e.kind !== 'kswapd_sleep').length;
          assert.equal(lane.items.length, expected, `${v.name} lane ${lane.key}`);
          assert.equal(lane.count, expected);
          for (let i = 1; i < lane.items.length; i++) assert.ok(lane.items[i].start >= lane.items[i - 1].start);
          for (const it of lane.items) {
            assert.ok(it.end >= it.start, `${lane.key} item ends before it starts`);
            assert.ok(tl.nodes.includes(it.node), `node ${it.node} is a node of the machine`);
          }
        }
        // A kswapd run is one item from wake to sleep, carrying the pages it reclaimed.
        const kswapd = tl.lanes.find((l) => l.key === 'kswapd') ?? { items: [] };
        assert.equal(kswapd.items.length > 0, v.events.some((e) => e.kind === 'kswapd_wake'), `${v.name}: a kswapd lane exactly when kswapd woke`);
        const kswapdPages = v.events.filter((e) => e.kind === 'kswapd_wake' || e.kind === 'kswapd_sleep').reduce((sum, e) => sum + e.pages, 0);
        assert.equal(kswapd.items.reduce((sum, it) => sum + it.pages, 0), kswapdPages, `${v.name}: kswapd pages`);
        for (const node of tl.nodes) {
          const runs = kswapd.items.filter((it) => it.node === node);
          for (let i = 1; i < runs.length; i++) assert.ok(runs[i].start >= runs[i - 1].end, `${v.name}: kswapd runs on node ${node} do not overlap`);
        }
      }
    });

    it(`${example}: hovering an event's strip at its time finds it, with node, pages and cause`, () => {
      for (const v of exampleResult(example).variants) {
        const tl = timelineOf(v);
        tl.lanes.forEach((lane, li) => {
          for (const it of lane.items.slice(0, 5)) {
            const [r0, r1] = rowSpan(tl, li, it.node);
            const found = itemAt(tl, (r0 + r1) / 2, it.start, 1e-6);
            assert.ok(found, `${v.name} ${lane.key} at ${it.start}`);
            assert.equal(found!.node, it.node);
            assert.ok(found!.start <= it.start + 1e-6 && found!.end >= it.start - 1e-6);
            const text = describeItem(found!).join('\n');
            assert.match(text, new RegExp(`node ${it.node}`));
            assert.match(text, /pages/);
            if (found!.cause) assert.ok(text.includes(found!.cause));
          }
        });
      }
    });
  }

  it('the examples produce the events the debates are about', () => {
    const lanesWith = (example: string, variant: string): string[] => {
      const v = exampleResult(example).variants.find((x) => x.name === variant)!;
      return timelineOf(v).lanes.filter((l) => l.count > 0).map((l) => l.key);
    };
    assert.ok(lanesWith('zone-reclaim.numa', 'zrm-on').includes('node_reclaim'), 'zrm-on shows node reclaim');
    assert.ok(lanesWith('zone-reclaim.numa', 'membind').includes('kswapd'), 'membind shows kswapd');
    assert.ok(lanesWith('thp-numa.numa', 'thisnode').includes('swap'), 'thisnode swaps');
    assert.ok(lanesWith('deferred-split.numa', 'deferred').includes('deferred_split'), 'deferred split is queued');
  });

  it('finds nothing far from any event', () => {
    const v = exampleResult('zone-reclaim.numa').variants[0];
    const tl = timelineOf(v);
    assert.equal(itemAt(tl, 0.5, -1000, 0.001), null);
    assert.equal(itemAt(tl, tl.lanes.length + 3, 1, 1), null);
  });

  it('shows only lanes with events, and names the ones left out', () => {
    for (const example of EXAMPLES) {
      for (const v of exampleResult(example).variants) {
        const tl = timelineOf(v);
        for (const lane of tl.lanes) assert.ok(lane.items.length > 0, `${v.name}: lane ${lane.key} is shown with no event`);
        assert.deepEqual([...tl.lanes.map((l) => l.key), ...tl.empty.map((l) => l.key)].sort(), LANES.map((l) => l.key).sort());
        const order = tl.lanes.map((l) => LANES.findIndex((d) => d.key === l.key));
        assert.deepEqual(order, [...order].sort((a, b) => a - b), 'shown lanes keep the escalation order');
        const notes = timelineNotes(v, tl).join('\n');
        if (tl.lanes.length && tl.empty.length) assert.ok(notes.includes(`No events of: ${tl.empty.map((l) => l.label).join(', ')}.`), notes);
      }
    }
  });

  it('says plainly why a variant has no events at all', () => {
    const v = exampleResult('thp-numa.numa').variants.find((x) => x.name === 'remote-fallback')!;
    assert.equal(v.events.length, 0);
    const tl = timelineOf(v);
    assert.equal(tl.lanes.length, 0);
    const notes = timelineNotes(v, tl);
    assert.equal(notes.length, 1);
    assert.match(notes[0], /^No reclaim or placement events in remote-fallback: .*no memory pressure/);
  });

  it('the THP split lane agrees with thp_split_page (deferred-split: split under pressure)', () => {
    const v = exampleResult('deferred-split.numa').variants.find((x) => x.name === 'deferred')!;
    const lane = timelineOf(v).lanes.find((l) => l.key === 'thp_split');
    assert.ok(v.summary.vmstat.thp_split_page > 0);
    assert.ok(lane, 'deferred has a THP split lane');
    assert.equal(lane!.pages / HPAGE_NR, v.summary.vmstat.thp_split_page);
  });

  it('direct reclaim in the counters shows in a lane: node reclaim is direct reclaim, and says so', () => {
    for (const example of EXAMPLES) {
      for (const v of exampleResult(example).variants) {
        if (v.events.length >= MAX_EVENTS) continue;
        const tl = timelineOf(v);
        const direct = tl.lanes.filter((l) => l.key === 'direct_reclaim' || l.key === 'node_reclaim').reduce((s, l) => s + l.pages, 0);
        // The lanes may hold more (the deferred-split shrinker frees pages that are no pgsteal).
        assert.ok(direct >= (v.summary.vmstat.pgsteal_direct ?? 0), `${v.name}: ${direct} pages in the direct lanes, pgsteal_direct ${v.summary.vmstat.pgsteal_direct}`);
      }
    }
    const on = exampleResult('zone-reclaim.numa').variants.find((x) => x.name === 'zrm-on')!;
    const tl = timelineOf(on);
    assert.deepEqual(tl.lanes.map((l) => l.key), ['node_reclaim']);
    assert.match(tl.lanes[0].label, /direct/);
    const note = timelineNotes(on, tl).find((n) => n.startsWith('Node reclaim'))!;
    assert.ok(note.includes(`pgscan_direct ${on.summary.vmstat.pgscan_direct.toLocaleString('en-US')}`), note);
    assert.ok(on.summary.vmstat.pgscan_direct > 1e6, 'zrm-on scans millions of pages in direct reclaim');
    assert.match(describeItem(tl.lanes[0].items[0]).join('\n'), /counted as direct reclaim/);
  });

  it('says where the event log stopped when a variant filled it', () => {
    const full = exampleResult('tiering.numa').variants.find((v) => v.events.length >= MAX_EVENTS)!;
    assert.ok(full, 'tiering fills the event log');
    const notes = timelineNotes(full, timelineOf(full));
    assert.ok(notes.some((n) => n.includes('keeps the first 4,000 events')), notes.join('\n'));
  });

  it('gives every event kind its own theme colour variable', () => {
    const drawn = new Set(LANES.flatMap((l) => l.kinds).filter((k) => k !== 'kswapd_sleep'));
    assert.deepEqual([...drawn].sort(), [...DRAWN_EVENT_KINDS].sort(), 'a colour for each kind a lane draws');
    const vars = DRAWN_EVENT_KINDS.map((k) => EVENT_COLORS[k].cssVar);
    assert.equal(new Set(vars).size, vars.length, `shared variables: ${vars.filter((x, i) => vars.indexOf(x) !== i)}`);
    for (const v of vars) assert.match(v, /^--vscode-(charts-(red|blue|yellow|orange|green|purple)|terminal-ansi(Bright)?(Black|Red|Green|Yellow|Blue|Magenta|Cyan|White))$/);
    const fallbacks = DRAWN_EVENT_KINDS.map((k) => EVENT_COLORS[k].fallback.toLowerCase());
    assert.equal(new Set(fallbacks).size, fallbacks.length, 'the fallbacks differ too');
  });

  it('the legend lists the kinds drawn, in lane order', () => {
    const v = exampleResult('thp-numa.numa').variants.find((x) => x.name === 'thisnode')!;
    const kinds = shownKinds(timelineOf(v));
    // 4.19 swaps THPs whole (THP_SWAP, 4.14+): no split before swap-out.
    assert.deepEqual(kinds, ['direct_reclaim', 'compact_success', 'compact_fail', 'swap_out', 'swap_in']);
  });
});
