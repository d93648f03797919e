// Identifiers shared by the language features, their tests and package.json.
export const NUMA_LANGUAGE_ID = 'numa';
export const NUMA_SELECTOR = { language: NUMA_LANGUAGE_ID } as const;

/** Command ids: package.json `contributes.commands` uses the same strings. */
export const Commands = {
  /** Re-checks the active scenario now (skips the debounce). */
  checkDocument: 'numaLab.checkDocument',
  /** Opens the language reference generated from the knob schema. */
  showReference: 'numaLab.showLanguageReference',
} as const;
