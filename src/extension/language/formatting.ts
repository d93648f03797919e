// Document formatting with the language's formatter. The formatter returns the whole text; the edit
// sent to VS Code covers only the part that changed, so the cursor and folding elsewhere stay put.
import * as vscode from 'vscode';
import { format } from '../../language';

export class NumaFormattingProvider implements vscode.DocumentFormattingEditProvider {
  provideDocumentFormattingEdits(document: vscode.TextDocument): vscode.TextEdit[] {
    const text = document.getText();
    const formatted = format(text);
    if (formatted === text) return [];
    return [changedRegion(document, text, formatted)];
  }
}

/** One edit replacing the smallest middle part of `before` that turns it into `after`. */
export function changedRegion(document: vscode.TextDocument, before: string, after: string): vscode.TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  // Never split a surrogate pair or a CRLF: widen the region to whole characters and line ends.
  const splits = (text: string, i: number) => i > 0 && i < text.length
    && ((/[\uD800-\uDBFF]/.test(text[i - 1]) && /[\uDC00-\uDFFF]/.test(text[i])) || (text[i - 1] === '\r' && text[i] === '\n'));
  while (splits(before, start)) start--;
  while (splits(before, endBefore) || splits(after, endAfter)) { endBefore++; endAfter++; }
  const range = new vscode.Range(document.positionAt(start), document.positionAt(endBefore));
  return vscode.TextEdit.replace(range, after.slice(start, endAfter));
}
