// The event timeline's lanes against real results of the examples.

import * as assert from 'node:assert/strict';
import { EXAMPLES, exampleResult } from './exampleResults';
import { buildTimeline, itemAt, rowSpan, describeItem, LANES } from '../../../webview/results/transforms/events';
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
        const kswapd = tl.lanes.find((l) => l.key === 'kswapd')!;
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
});
