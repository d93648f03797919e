// The QEMU command line for a kernel plan: NUMA nodes with their memory and CPUs, CPU-less nodes,
// the SLIT, slow tiers hidden as soft-reserved memory for dax/kmem, the page-cache and swap disks,
// and two serial ports (ttyS0: the kernel's console, saved to a file; ttyS1: the agent's stream on
// QEMU's stdout). Pure: unit-tested without a boot.

import { LOWMEM_MIB, type KernelPlan } from './plan';

export type Accel = 'kvm' | 'tcg';

export interface QemuInputs {
  accel: Accel;
  /** What QEMU boots: the ELF vmlinux (PVH, no in-guest decompression) or the bzImage. */
  kernelImage: string;
  initrd: string;
  consoleLog: string;
  /** ext2 image holding the workloads' files (attached read-only-to-the-host: snapshot=on). */
  disk: string | null;
  swap: string | null;
  loglevel?: number;
  extraAppend?: string;
}

export interface QemuCommand {
  args: string[];
  /** The kernel command line (also in args). */
  append: string;
  /** Device names the guest sees for the disks. */
  diskDev: string | null;
  swapDev: string | null;
}

/** E820 type 0xefffffff = soft reserved: the kernel leaves it to dax_hmem instead of the page allocator. */
const SOFT_RESERVED = '0xefffffff';

export function qemuCommand(plan: KernelPlan, q: QemuInputs): QemuCommand {
  const total = plan.nodes.reduce((a, n) => a + n.memMiB, 0);
  const lowmem = Math.min(LOWMEM_MIB, plan.nodes[0]?.memMiB ?? LOWMEM_MIB);
  const args = [
    '-machine', `pc,max-ram-below-4g=${lowmem}M`, '-accel', q.accel,
    '-smp', `${plan.vcpus},sockets=${plan.vcpus},cores=1,threads=1`, '-m', `${total}M`,
    '-nodefaults', '-no-reboot', '-display', 'none', '-monitor', 'none', '-net', 'none',
  ];
  const memmap: string[] = [];
  let off = 0; // guest RAM offset in node order; RAM above `lowmem` is mapped from 4 GiB up
  for (const n of plan.nodes) {
    args.push('-object', `memory-backend-ram,size=${n.memMiB}M,id=m${n.id}`);
    args.push('-numa', n.vcpu === null ? `node,nodeid=${n.id},memdev=m${n.id}` : `node,nodeid=${n.id},cpus=${n.vcpu},memdev=m${n.id}`);
    if (n.kmem) {
      const gpa = off >= lowmem ? 4096 + off - lowmem : off;
      memmap.push(`memmap=${n.memMiB}M%${gpa}M-1+${SOFT_RESERVED}`);
    }
    off += n.memMiB;
  }
  plan.nodes.forEach((a, i) => plan.nodes.forEach((b, j) => {
    if (i !== j) args.push('-numa', `dist,src=${a.id},dst=${b.id},val=${plan.distance[i][j]}`);
  }));
  const append = [
    // no_timer_check: on a loaded host, TCG can miss the IO-APIC timer check and the kernel panics
    'console=ttyS0', `loglevel=${q.loglevel ?? 5}`, 'panic=-1', 'mitigations=off', 'nokaslr', 'no_timer_check',
    ...memmap, ...(q.extraAppend ? [q.extraAppend] : []),
  ].join(' ');
  args.push('-kernel', q.kernelImage, '-initrd', q.initrd, '-append', append);
  let diskDev: string | null = null;
  let swapDev: string | null = null;
  const letters = 'abcdefgh';
  let drives = 0;
  if (q.disk) {
    args.push('-drive', `file=${q.disk},format=raw,if=virtio,cache=unsafe,snapshot=on`);
    diskDev = `/dev/vd${letters[drives++]}`;
  }
  if (q.swap) {
    args.push('-drive', `file=${q.swap},format=raw,if=virtio,cache=unsafe`);
    swapDev = `/dev/vd${letters[drives++]}`;
  }
  args.push('-serial', `file:${q.consoleLog}`, '-serial', 'stdio');
  return { args, append, diskDev, swapDev };
}
