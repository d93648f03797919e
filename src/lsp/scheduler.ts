// When to check a document and when to publish what was found. Each edit re-arms a short timer per
// document (debounce), so a burst of keystrokes costs one check. A result is published only if the
// document still has the version it was computed for and no newer check was started since: a slow
// or stale result never overwrites a newer one. Text identical to the last checked text is not
// checked again. Editor-neutral: documents are keys, and the server says what each one holds now.

export const DIAGNOSTICS_DEBOUNCE_MS = 250;

export interface DocumentNow {
  version: number;
  text: string;
}

export interface SchedulerHooks<D> {
  /** The document as it is now, or undefined once it is closed. */
  current(key: string): DocumentNow | undefined;
  /** Turns a text into diagnostics; may be synchronous or not. */
  check(key: string, text: string): D[] | Promise<D[]>;
  /** What to publish when the check itself throws (it must not fail silently). */
  crashed(message: string): D[];
  /** `version` is undefined when a closed document's diagnostics are cleared. */
  publish(key: string, version: number | undefined, diagnostics: D[]): void;
}

interface DocState {
  timer?: ReturnType<typeof setTimeout>;
  /** Bumped for every check started; a finishing check publishes only if it is still the latest. */
  generation: number;
  /** The text whose diagnostics are currently published. */
  checkedText?: string;
}

export class DiagnosticsScheduler<D> {
  private readonly states = new Map<string, DocState>();

  constructor(private readonly hooks: SchedulerHooks<D>, private readonly debounceMs = DIAGNOSTICS_DEBOUNCE_MS) {}

  /** Arms (or re-arms) the timer of a document; `force` checks even unchanged text. */
  schedule(key: string, delayMs = this.debounceMs, force = false): void {
    const state = this.state(key);
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.run(key, state, force);
    }, delayMs);
  }

  /** Checks a document now, bypassing the debounce and the identical-text skip. */
  async checkNow(key: string): Promise<void> {
    const state = this.state(key);
    if (state.timer) { clearTimeout(state.timer); state.timer = undefined; }
    await this.run(key, state, true);
  }

  /** Stops a closed document's timer and clears what was published for it. */
  forget(key: string): void {
    const state = this.states.get(key);
    if (state?.timer) clearTimeout(state.timer);
    this.states.delete(key);
    this.hooks.publish(key, undefined, []);
  }

  dispose(): void {
    for (const s of this.states.values()) if (s.timer) clearTimeout(s.timer);
    this.states.clear();
  }

  private state(key: string): DocState {
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = { generation: 0 }));
    return state;
  }

  private async run(key: string, state: DocState, force: boolean): Promise<void> {
    const doc = this.hooks.current(key);
    if (!doc) return;
    if (!force && doc.text === state.checkedText) return;
    const generation = ++state.generation;
    let diagnostics: D[];
    try {
      diagnostics = await this.hooks.check(key, doc.text);
    } catch (e) {
      diagnostics = this.hooks.crashed(`NUMA Lab could not check this file: ${e instanceof Error ? e.message : String(e)}`);
    }
    const now = this.hooks.current(key);
    if (!now || now.version !== doc.version || generation !== state.generation || this.states.get(key) !== state) return;
    this.hooks.publish(key, doc.version, diagnostics);
    state.checkedText = doc.text;
  }
}
