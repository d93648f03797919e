// A live run's variants as they arrive: several run side by side and finish in any order, but
// the panel lists them in the run's order (the order of the finished result).

import type { VariantResult } from '../../../src/core/result';

/** Replaces `v` in `shown`, or inserts it before the first variant that comes after it in `order`. */
export function upsertInRunOrder(shown: VariantResult[], v: VariantResult, order: readonly string[]): void {
  const i = shown.findIndex((x) => x.name === v.name);
  if (i >= 0) {
    shown[i] = v;
    return;
  }
  const rank = order.indexOf(v.name);
  const after = rank < 0 ? -1 : shown.findIndex((x) => order.indexOf(x.name) > rank);
  if (after < 0) shown.push(v);
  else shown.splice(after, 0, v);
}
