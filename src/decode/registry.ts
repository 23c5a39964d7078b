/**
 * The formats orderline knows, and detection: each file gets the format whose
 * score on its first lines (up to 200 non-blank ones) is highest; equal scores go to the
 * higher priority, then to the more specific format (a definition's named groups).
 * `text` always matches, weakly.
 */
import { csvFormat } from './csvLines.js';
import { jsonDocumentFormat, otlpFormat } from './jsonDocument.js';
import { jsonLinesFormat } from './jsonLines.js';
import { logfmtFormat } from './logfmt.js';
import { plainTextFormat } from './plainText.js';
import type { Format, HeadSample } from './types.js';

export const BUILTIN_FORMATS: readonly Format[] = [otlpFormat, jsonLinesFormat, csvFormat, logfmtFormat, jsonDocumentFormat, plainTextFormat];

export interface Detection {
  format: Format;
  score: number;
  runnerUp: { format: Format; score: number } | null;
}

export function detectFormat(head: HeadSample, formats: readonly Format[]): Detection {
  const ranked = formats
    .map((format) => ({ format, score: format.score(head) }))
    .sort((a, b) => b.score - a.score || b.format.priority - a.format.priority ||
      (b.format.specificity ?? 0) - (a.format.specificity ?? 0));
  return { format: ranked[0].format, score: ranked[0].score, runnerUp: ranked[1] ?? null };
}

export function findFormat(name: string, formats: readonly Format[]): Format | undefined {
  return formats.find((f) => f.name === name);
}

const HEAD_LINES = 200;

/** Builds the detection sample from the first decoded bytes. */
export function headSample(text: string, complete: boolean): HeadSample {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parts = t.split('\n');
  if (!complete && parts.length > 1) parts.pop(); // the last line may be cut
  const lines: string[] = [];
  const lineNumbers: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const l = p.endsWith('\r') ? p.slice(0, -1) : p;
    if (l.trim() !== '') {
      lines.push(l);
      lineNumbers.push(i + 1);
    }
    if (lines.length >= HEAD_LINES) break;
  }
  return { text: t, lines, lineNumbers };
}
