// Messages from the results webview, validated before the extension acts on them. The webview
// draws data from result files, which are untrusted, so the extension treats what it posts as
// untrusted too: exact message shapes, bounded texts, a PNG that is a PNG. Same library and
// reasons as resultSchema.ts.

import * as v from 'valibot';
import type { FromWebview, WebviewState } from './messages';
import { MAX_NAME_CHARS, MAX_TEXT_CHARS, describeIssue, type Checked } from './resultSchema';

/** A PNG of every chart of a panel: a few MB at most for a wide window; base64 adds a third. */
export const MAX_PNG_DATA_URL_CHARS = 64 * 1024 * 1024;
export const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';

const name = v.pipe(v.string(), v.maxLength(MAX_NAME_CHARS));
const format = v.picklist(['csv', 'json', 'png']);

const selections = v.strictObject({
  variant: v.optional(name),
  baseline: v.optional(name),
  splitByWorkload: v.optional(v.boolean()),
  sweepMetric: v.optional(name),
  heatX: v.optional(name),
  heatY: v.optional(name),
  // One per knob of a product; the language allows at most a few dozen knobs in one.
  heatFixed: v.optional(v.pipe(v.array(name), v.maxLength(64))),
});

export const FromWebviewSchema = v.variant('type', [
  v.strictObject({ type: v.literal('ready') }),
  v.strictObject({ type: v.literal('selections'), selections }),
  v.strictObject({
    type: v.literal('export'),
    formats: v.pipe(v.array(format), v.minLength(1), v.maxLength(3)),
    png: v.optional(
      v.strictObject({
        variant: name,
        dataUrl: v.pipe(
          v.string(),
          v.maxLength(MAX_PNG_DATA_URL_CHARS),
          v.startsWith(PNG_DATA_URL_PREFIX),
          v.regex(/^[^,]*,[A-Za-z0-9+/]*={0,2}$/, 'the PNG is not base64'),
        ),
      }),
    ),
  }),
  v.strictObject({
    type: v.literal('rendered'),
    charts: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)),
    ms: v.pipe(v.number(), v.finite(), v.minValue(0)),
  }),
  v.strictObject({ type: v.literal('error'), message: v.pipe(v.string(), v.maxLength(MAX_TEXT_CHARS)) }),
]);

// The schema is the FromWebview type, both ways.
type Parsed = v.InferOutput<typeof FromWebviewSchema>;
const sameShape: [Parsed extends FromWebview ? true : false, FromWebview extends Parsed ? true : false] = [true, true];
void sameShape;

/** The state a webview saved (setState), handed back by VS Code when it restores the panel
 *  after a reload: only JSON files named by absolute path are reopened from it. */
export const WebviewStateSchema = v.object({
  resultPaths: v.pipe(
    v.array(v.pipe(v.string(), v.maxLength(4096), v.check((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'not an absolute path'), v.endsWith('.json'))),
    v.maxLength(2),
  ),
  selections,
  comparison: v.optional(v.object({ left: v.pipe(v.string(), v.maxLength(MAX_TEXT_CHARS)), right: v.pipe(v.string(), v.maxLength(MAX_TEXT_CHARS)) })),
});

type ParsedState = v.InferOutput<typeof WebviewStateSchema>;
const sameState: [ParsedState extends WebviewState ? true : false, WebviewState extends ParsedState ? true : false] = [true, true];
void sameState;

export function checkWebviewState(s: unknown): Checked<WebviewState> {
  const r = v.safeParse(WebviewStateSchema, s, { abortEarly: true });
  return r.success ? { ok: true, value: r.output } : { ok: false, problem: describeIssue(r.issues[0]) };
}

export function checkFromWebview(m: unknown): Checked<FromWebview> {
  const r = v.safeParse(FromWebviewSchema, m, { abortEarly: true });
  return r.success ? { ok: true, value: r.output } : { ok: false, problem: describeIssue(r.issues[0]) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The bytes of a validated PNG data URL, or null when they are not a PNG. */
export function pngBytes(dataUrl: string): Buffer | null {
  const bytes = Buffer.from(dataUrl.slice(PNG_DATA_URL_PREFIX.length), 'base64');
  return bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE) ? bytes : null;
}
