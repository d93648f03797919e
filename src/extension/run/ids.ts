// Identifiers of the run and results features, shared by the code, its tests and package.json.

/** Command ids: package.json `contributes.commands` uses the same strings. */
export const RunCommands = {
  /** Runs every variant of the active scenario. */
  runScenario: 'numaLab.runScenario',
  /** Runs one variant: arguments (uri, variantName). */
  runVariant: 'numaLab.runVariant',
  /** Runs the variants one sweep generates: arguments (uri, sweepIndex). */
  runSweep: 'numaLab.runSweep',
  /** Runs the scenario on a real kernel under QEMU and overlays it on its simulation:
   *  arguments (uri, variantNames?, { allowApproximate }?). */
  runOnKernel: 'numaLab.runOnKernel',
  cancelRun: 'numaLab.cancelRun',
  /** Opens a saved result file in the results panel (picks one when no uri is given). */
  openResult: 'numaLab.openResult',
  /** Opens two saved results side by side in one panel. */
  compareResults: 'numaLab.compareResults',
  /** Asks the active results panel to export CSV, JSON and PNG. */
  exportResults: 'numaLab.exportResults',
  /** Reveals the results panel of the last run. */
  showResults: 'numaLab.showResults',
} as const;

/** Webview panel type of the results panel (the serializer restores it after a reload). */
export const RESULTS_VIEW_TYPE = 'numaLab.results';
/** Custom editor that opens `*.numa-result.json` files as a results panel. */
export const RESULT_EDITOR_VIEW_TYPE = 'numaLab.resultFile';
/** Saved results end with this, so the custom editor and the file pickers find them. */
export const RESULT_FILE_SUFFIX = '.numa-result.json';

export const Settings = {
  /** Where results are saved: relative to the scenario's folder, or absolute. */
  resultsDirectory: 'numaLab.resultsDirectory',
  /** Multiplies the budget a scenario must fit before it runs (the CLI's --budget FACTOR). */
  budget: 'numaLab.budget',
  /** Worker threads a run uses (the CLI's --jobs N); 0 = the machine's cores. */
  jobs: 'numaLab.jobs',
} as const;
export const DEFAULT_RESULTS_DIRECTORY = '.numa-results';
