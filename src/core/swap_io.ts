// Swap writeback: mm/page_io.c swap_writepage() and end_swap_bio_write(), mm/swap.c
// rotate_reclaimable_page(). Reclaim unmaps an anon page, gives it a swap slot and starts its
// write; the page is not free yet. shrink_page_list() finds it under writeback and keeps it
// (`goto keep`, back on the inactive list with PG_reclaim). The swap device writes at its
// bandwidth, one request after the other; when a write completes, end_page_writeback() sees
// PG_reclaim and rotate_reclaimable_page() moves the page to the inactive tail, where the next
// reclaim that scans the list frees it (clean, in the swap cache, unmapped) and counts it in
// nr_reclaimed. So the memory a reclaim writes out is free only a write later, for someone else.

import { HPAGE_NR, PAGE_SIZE } from './machine';
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
}

/** A node's swapped-out pages still in memory: under writeback, or written and rotated to the
 *  inactive tail (PG_reclaim cleared), waiting for a scan to free them. */
export class NodeWriteback {
  /** Writes not completed yet, in completion order (one device, first in first out). */
  readonly queue: SwapWrite[] = [];
  head = 0;
  /** Pages under writeback (NR_WRITEBACK of swap). */
  inflight = 0;
  /** Written and at the inactive tail: whole THPs and base pages. */
  rotatedThps = 0;
  rotatedBase = 0;

  /** Pages the node holds for swap-out that are not free yet. */
  pages(): number {
    return this.inflight + this.rotatedThps * HPAGE_NR + this.rotatedBase;
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
export function submitSwapWrite(sim: Sim, n: number, thps: number, base: number, nowNs: number): void {
  const pages = thps * HPAGE_NR + base;
  const swap = sim.scenario.machine.swap;
  if (pages <= 0 || !swap) return;
  const dev = sim.swapDev;
  const start = Math.max(nowNs, dev.busyUntilNs);
  dev.busyUntilNs = start + (pages * PAGE_SIZE * 1e9) / swap.bandwidthBytesPerSec;
  const wb = dev.nodes[n];
  wb.queue.push({ doneNs: dev.busyUntilNs + swap.latencyNs, thps, base });
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
 * shrink_page_list() reaching the rotated pages at the inactive tail: up to `want` pages are
 * freed, whole THPs back as free 2 MiB blocks, base pages as reclaim frees them (`contiguity`).
 * Returns the pages freed and the folios looked at.
 */
export function freeWrittenPages(sim: Sim, n: number, want: number, contiguity: number): { freed: number; folios: number } {
  const wb = sim.swapDev.nodes[n];
  if (want <= 0 || wb.rotatedThps + wb.rotatedBase === 0) return { freed: 0, folios: 0 };
  const thps = Math.min(wb.rotatedThps, Math.ceil(want / HPAGE_NR));
  const base = Math.min(wb.rotatedBase, Math.max(0, want - thps * HPAGE_NR));
  wb.rotatedThps -= thps;
  wb.rotatedBase -= base;
  if (thps > 0) sim.giveToNode(n, thps * HPAGE_NR, 1);
  if (base > 0) sim.giveToNode(n, base, contiguity);
  return { freed: thps * HPAGE_NR + base, folios: thps + base };
}
