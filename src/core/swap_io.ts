// Swap writeback: mm/page_io.c swap_writepage() and end_swap_bio_write(), mm/swap.c
// rotate_reclaimable_page(). Reclaim unmaps an anon page, gives it a swap slot and starts its
// write; the page is not free yet. shrink_page_list() finds it under writeback and keeps it
// (`goto keep`, back on the inactive list with PG_reclaim). The swap device writes at its
// bandwidth, one request after the other; when a write completes, end_page_writeback() sees
// PG_reclaim and rotate_reclaimable_page() moves the page to the inactive tail, where the next
// reclaim that scans the list frees it (clean, in the swap cache, unmapped) and counts it in
// nr_reclaimed. So the memory a reclaim writes out is free only a write later, for someone else.
//
// Until that scan the page is in the swap cache: do_swap_page() finds it there
// (lookup_swap_cache, swap_cache_get_folio from 6.1) and maps it again without I/O, a minor
// fault (workload.ts remapSwapCached). Each write remembers the address range of the slice it
// came from, so the scan that frees it takes the pages from those slices' swap-cache counts
// (Slice.swapCache) and skips the ones mapped again meanwhile.

import { HPAGE_NR, PAGE_SIZE } from './machine';
import type { Region } from './memory';
import type { Sim } from './sim';

/** BLKDEV_MAX_RQ (include/linux/blkdev.h): requests a block queue holds by default. */
export const BLKDEV_MAX_RQ = 128;
/** BLK_DEF_MAX_SECTORS (include/linux/blkdev.h, 4.19): 2560 sectors of 512 bytes, the largest
 *  request the block layer builds by default (max_sectors_kb 1280). */
export const BLK_DEF_MAX_SECTORS = 2560;
/** Bytes of swap writes in flight before a submitter waits for a free request: every request
 *  full (plugged swap writes of neighbouring slots merge up to the largest request). */
export const QUEUE_BYTES = BLKDEV_MAX_RQ * BLK_DEF_MAX_SECTORS * 512;
/** congestion_wait(BLK_RW_ASYNC, HZ/10) and reclaim_throttle()'s VMSCAN_THROTTLE_WRITEBACK
 *  timeout: HZ/10, 100 ms. */
export const WRITEBACK_THROTTLE_NS = 100e6;

/** One swap write: its pages are under writeback until `doneNs`. */
interface SwapWrite {
  doneNs: number;
  /** Whole THPs written (THP_SWAP) and base pages, of node `node`. */
  thps: number;
  base: number;
  /** The pages [first, end) of the region whose slice they came from: slices are split as the
   *  run goes, an address range stays valid. */
  region: Region | null;
  first: number;
  end: number;
}

/** A node's swapped-out pages still in memory: under writeback, or written and rotated to the
 *  inactive tail (PG_reclaim cleared), waiting for a scan to free them. */
export class NodeWriteback {
  /** Writes not completed yet, in completion order (one device, first in first out). */
  readonly queue: SwapWrite[] = [];
  head = 0;
  /** Pages under writeback (NR_WRITEBACK of swap). */
  inflight = 0;
  /** Written and at the inactive tail: whole THPs and base pages, and the writes they came
   *  from in the order they completed. */
  rotatedThps = 0;
  rotatedBase = 0;
  readonly rotated: SwapWrite[] = [];
  rotatedHead = 0;
  /** Pages of these writes a fault mapped again from the swap cache: they are the slices'
   *  mapped pages now (PG_writeback stays set until the write ends, so `inflight` still counts
   *  them), and the scan skips them. */
  remapped = 0;

  /** Pages the node holds for swap-out that are not free yet. */
  pages(): number {
    return this.inflight + this.rotatedThps * HPAGE_NR + this.rotatedBase - this.remapped;
  }
}

/** The swap device: when it has written everything submitted so far, ns. */
export class SwapDevice {
  busyUntilNs = 0;
  readonly nodes: NodeWriteback[];
  constructor(nodeCount: number) {
    this.nodes = Array.from({ length: nodeCount }, () => new NodeWriteback());
  }
}

/** How long a submitter at `nowNs` waits for a free request (get_request() sleeps while the
 *  queue holds QUEUE_BYTES): 0 while the device keeps up. */
export function swapQueueWaitNs(sim: Sim, nowNs: number): number {
  const swap = sim.scenario.machine.swap;
  if (!swap) return 0;
  return Math.max(0, sim.swapDev.busyUntilNs - nowNs - ((swap.queueBytes ?? QUEUE_BYTES) * 1e9) / swap.bandwidthBytesPerSec);
}

/**
 * swap_writepage() of `thps` whole THPs and `base` pages of node n, submitted at `nowNs` (after
 * the submitter's wait for a request, swapQueueWaitNs): the device writes them after what it
 * has queued, at its bandwidth, and completes them a service latency later.
 */
export function submitSwapWrite(sim: Sim, n: number, thps: number, base: number, nowNs: number, from: { region: Region; first: number; end: number } | null = null): void {
  const pages = thps * HPAGE_NR + base;
  const swap = sim.scenario.machine.swap;
  if (pages <= 0 || !swap) return;
  const dev = sim.swapDev;
  const start = Math.max(nowNs, dev.busyUntilNs);
  dev.busyUntilNs = start + (pages * PAGE_SIZE * 1e9) / swap.bandwidthBytesPerSec;
  const wb = dev.nodes[n];
  wb.queue.push({ doneNs: dev.busyUntilNs + swap.latencyNs, thps, base, region: from?.region ?? null, first: from?.first ?? 0, end: from?.end ?? 0 });
  wb.inflight += pages;
}

/** end_swap_bio_write() for every write of node n done by `nowNs`: the pages go to the
 *  inactive tail (rotate_reclaimable_page). */
export function completeSwapWrites(sim: Sim, n: number, nowNs: number): void {
  const wb = sim.swapDev.nodes[n];
  while (wb.head < wb.queue.length && wb.queue[wb.head].doneNs <= nowNs) {
    const w = wb.queue[wb.head++];
    wb.inflight -= w.thps * HPAGE_NR + w.base;
    wb.rotatedThps += w.thps;
    wb.rotatedBase += w.base;
    wb.rotated.push(w);
  }
  if (wb.head > 256 && wb.head * 2 > wb.queue.length) {
    wb.queue.splice(0, wb.head);
    wb.head = 0;
  }
}

/** When the write of node n that completes next is done (Infinity: none in flight). */
export function nextSwapWriteDone(sim: Sim, n: number): number {
  const wb = sim.swapDev.nodes[n];
  return wb.head < wb.queue.length ? wb.queue[wb.head].doneNs : Infinity;
}

/** When `pages` more of node n's in-flight pages will have completed. */
export function swapWritesDoneBy(sim: Sim, n: number, pages: number): number {
  const wb = sim.swapDev.nodes[n];
  let left = pages;
  for (let i = wb.head; i < wb.queue.length; i++) {
    left -= wb.queue[i].thps * HPAGE_NR + wb.queue[i].base;
    if (left <= 0) return wb.queue[i].doneNs;
  }
  return Infinity;
}

/**
 * shrink_page_list() reaching the rotated pages at the inactive tail, oldest write first: up to
 * `want` pages are freed, whole THPs back as free 2 MiB blocks, base pages as reclaim frees them
 * (`contiguity`). Pages of a write that a fault mapped again are no longer there to free (a THP
 * with a subpage mapped again is freed as base pages). Returns the pages freed and the folios
 * looked at.
 */
export function freeWrittenPages(sim: Sim, n: number, want: number, contiguity: number): { freed: number; folios: number } {
  const wb = sim.swapDev.nodes[n];
  let thps = 0, base = 0;
  while (wb.rotatedHead < wb.rotated.length && thps * HPAGE_NR + base < want) {
    const w = wb.rotated[wb.rotatedHead];
    dropRemapped(n, wb, w);
    const left = want - thps * HPAGE_NR - base;
    const t = Math.min(w.thps, Math.ceil(left / HPAGE_NR));
    const b = Math.min(w.base, Math.max(0, left - t * HPAGE_NR));
    w.thps -= t;
    w.base -= b;
    wb.rotatedThps -= t;
    wb.rotatedBase -= b;
    takeSwapCached(w, n, t * HPAGE_NR + b);
    thps += t;
    base += b;
    if (w.thps + w.base === 0) wb.rotatedHead++;
  }
  if (wb.rotatedHead > 256 && wb.rotatedHead * 2 > wb.rotated.length) {
    wb.rotated.splice(0, wb.rotatedHead);
    wb.rotatedHead = 0;
  }
  if (thps > 0) sim.giveToNode(n, thps * HPAGE_NR, 1);
  if (base > 0) sim.giveToNode(n, base, contiguity);
  return { freed: thps * HPAGE_NR + base, folios: thps + base };
}

/** Pages of the slices in a write's range still in node n's swap cache. */
function swapCachedIn(w: SwapWrite, n: number): number {
  if (!w.region) return w.thps * HPAGE_NR + w.base;
  let t = 0;
  for (const s of slicesIn(w)) t += s.swapCache[n];
  return t;
}

/** Takes `pages` freed by the scan from the swap-cache counts of the slices in a write's range. */
function takeSwapCached(w: SwapWrite, n: number, pages: number): void {
  if (!w.region) return;
  let left = pages;
  for (const s of slicesIn(w)) {
    const k = Math.min(left, s.swapCache[n]);
    s.swapCache[n] -= k;
    left -= k;
    if (left <= 0) return;
  }
}

function slicesIn(w: SwapWrite): Region['slices'] {
  const r = w.region!;
  const out: Region['slices'] = [];
  for (let s = r.sliceOf(w.first); ; s = r.slices[s.index + 1]) {
    out.push(s);
    if (s.index + 1 >= r.slices.length || r.slices[s.index + 1].firstPage >= w.end) return out;
  }
}

/** A write's pages that its range's slices no longer hold in the swap cache were mapped again:
 *  they leave the write (base pages first; a THP with a page mapped again splits, its other
 *  pages freed one by one) and the node's count of pages mapped again. */
function dropRemapped(n: number, wb: NodeWriteback, w: SwapWrite): void {
  const gone = Math.min(wb.remapped, w.thps * HPAGE_NR + w.base - swapCachedIn(w, n));
  if (gone <= 0) return;
  const b = Math.min(w.base, gone);
  const t = Math.ceil((gone - b) / HPAGE_NR);
  w.base += t * HPAGE_NR - gone;
  w.thps -= t;
  wb.rotatedBase += t * HPAGE_NR - gone;
  wb.rotatedThps -= t;
  wb.remapped -= gone;
}
