// Real kernels in the loop: run a checked scenario on Linux booted under QEMU and get the same
// RunResult as the simulator gives (`source.kind = "kernel"`). No editor dependency: the CLI
// (`numa-lab kernel`) and the extension both call runOnKernel().

export { runOnKernel, planVariants, setupKernel, defaultKernel, defaultCacheDir, KernelRefusedError, KernelSetupError } from './runner';
export type { KernelRunOptions, KernelRunHooks, KernelProgress } from './runner';
export { planScenario, blockingSettings } from './plan';
export type { KernelPlan, NotApplied, KnobWrite, GuestNode } from './plan';
export { qemuCommand } from './qemu';
export { feedLine, newStreamState, toVariantResult, diagnoseConsole } from './stream';
