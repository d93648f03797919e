// The "Simulation against the kernel" section: vmstat counters of both side by side with their
// difference, the fidelity row, and what the kernel could not apply. Data: transforms/kernelOverlay.

import { counterRows, fidelity, fidelityText, type KernelPair } from './transforms/kernelOverlay';
import { trimNumber } from './transforms/format';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const count = (v: number) => trimNumber(v, 6);
const signed = (v: number) => (v > 0 ? '+' : '') + count(v);

export function kernelOverlayView(pair: KernelPair): HTMLElement {
  const k = pair.kernel.kernel!;
  const f = fidelity(pair);
  const body = el('tbody', {});
  for (const r of counterRows(pair)) {
    body.append(
      el('tr', { 'data-counter': r.name, class: r.within ? 'within' : 'apart' },
        el('th', { class: 'metric', scope: 'row' }, r.name),
        el('td', { class: 'num', 'data-value': String(r.simulated) }, count(r.simulated)),
        el('td', { class: 'num', 'data-value': String(r.kernel) }, count(r.kernel)),
        el('td', { class: 'num', 'data-value': String(r.difference) }, signed(r.difference)),
      ),
    );
  }
  const table = el('table', { class: 'summary kernel-counters' },
    el('thead', {}, el('tr', {}, el('th', { class: 'metric' }, '/proc/vmstat'), el('th', { class: 'num' }, 'simulated'), el('th', { class: 'num' }, 'kernel'), el('th', { class: 'num' }, 'difference'))),
    body,
    el('tfoot', {}, el('tr', { class: 'fidelity' }, el('th', { class: 'metric', scope: 'row' }, 'fidelity'), el('td', { colspan: '3' }, fidelityText(f)))),
  );
  const about = el('p', { class: 'kernel-about' },
    `${pair.simulated.name} (simulated, areas) against ${pair.kernel.name} (kernel, dashed lines): boot ${k.status}${k.message ? ` (${k.message})` : ''}, ${(k.wall_ms / 1000).toFixed(1)} s wall.`);
  const box = el('div', { class: 'kernel-overlay', 'data-placements': `${f.placementsWithin}/${f.placements}`, 'data-counters': `${f.countersWithin}/${f.counters}` }, about, table);
  const notApplied = k.not_applied;
  if (notApplied.length) {
    const list = el('ul', { class: 'not-applied' });
    for (const n of notApplied) list.append(el('li', {}, `${n.setting}: ${n.reason}`));
    box.append(el('p', {}, 'Not applied on the kernel (no real counterpart):'), list);
  }
  for (const s of k.shortfalls ?? []) box.append(el('p', { class: 'notice error' }, `The kernel did not complete: ${s}`));
  return box;
}
