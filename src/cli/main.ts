// numa-lab: check and run `.numa` scenarios from a shell or CI.

import { setFlagsFromString } from 'node:v8';
import { checkCommand } from './check';

const USAGE = `usage: numa-lab <command> [options]

commands:
  check FILE...        check scenarios; prints FILE:LINE:COL: severity: message, then a count
  run FILE [options]   simulate a scenario (see numa-lab run --help)
  kernel FILE [options] run it on a real Linux kernel under QEMU (see numa-lab kernel --help)
  merge PART... [options] join the parts of a sharded run (run --shard K/N) into its result
  lsp --stdio          serve the language (diagnostics, completion, hover, ...) to an editor over LSP
  --version            print the version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return checkCommand(rest);
    case 'run': {
      optimizeLater();
      // Loaded lazily so `check` does not pay for the simulation core.
      const { runCommand } = await import('./run');
      return runCommand(rest);
    }
    case 'merge': {
      const { mergeCommand } = await import('./merge');
      return mergeCommand(rest);
    }
    case 'kernel': {
      const { kernelCommand } = await import('./kernel');
      return kernelCommand(rest);
    }
    case 'lsp': {
      if (rest.length !== 1 || rest[0] !== '--stdio') {
        process.stderr.write(`numa-lab lsp: the server speaks LSP over stdin and stdout: run 'numa-lab lsp --stdio'\n`);
        return 2;
      }
      const { startStdioServer } = await import('../lsp/stdio');
      startStdioServer();
      // The connection keeps the process alive; it exits when the client says exit or closes stdin.
      return new Promise<number>(() => {});
    }
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`numa-lab: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

/** V8 optimizes a function once about 66 KB of its bytecode has run (--interrupt-budget). A
 *  simulation reaches new paths and object shapes phase after phase (a page cache fills, then
 *  faults, then reclaim) and variant after variant, so code optimized that early is thrown away
 *  and compiled again: a fresh run of zone-reclaim.numa made 183 optimizing compiles and 55
 *  deoptimizations. At six times the budget, 73 and 14: the compiler threads' CPU falls from
 *  0.64 to 0.24 s while the main thread's rises from 0.33 to 0.40 s (both cores are shared here,
 *  so the sum decides: 0.97 -> 0.64 s; four times gave 0.37 + 0.32 s). thp-numa: 1.11 -> 0.81 s
 *  of CPU; tiering (seconds per variant) unchanged. The flag is process-wide (worker threads
 *  too), so only the CLI sets it: the extension host is shared with other extensions. */
function optimizeLater(): void {
  setFlagsFromString('--interrupt-budget=405504');
}

declare const NUMA_LAB_VERSION: string | undefined;
const VERSION = typeof NUMA_LAB_VERSION === 'string' ? NUMA_LAB_VERSION : '0.1.0';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`numa-lab: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 3;
  },
);
