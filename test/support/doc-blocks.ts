// The code blocks of the user docs (README.md and docs/*.md), read as the doc test runs them. The
// convention they follow is in docs/contributing.md ("Code blocks in the docs").
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

export interface DocBlock {
  /** The file, relative to the project root. */
  readonly file: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  /** The fence's language: `sh`, `ts`, `text`, … (empty when it names none). */
  readonly lang: string;
  readonly code: string;
  /** Why the doc test does not run it, from `<!-- doc-test: skip <reason> -->` right above the fence. */
  readonly skip?: string;
}

/** Languages whose blocks are run (shell) or compiled (TypeScript). */
export const SHELL_LANGS = new Set(['sh', 'bash', 'shell']);
export const TYPESCRIPT_LANGS = new Set(['ts', 'typescript']);
/** Languages whose blocks are output, data or a picture: never run. */
export const SHOWN_LANGS = new Set(['text', 'json', 'mermaid', 'http', 'jsonc', 'yaml']);

const FENCE = /^\s*(`{3,}|~{3,})\s*([\w-]*)/;
const SKIP = /^<!--\s*doc-test:\s*skip\s+(.+?)\s*-->$/;

/** The user docs: the README and every page of docs/. */
export function docFiles(): string[] {
  const pages = readdirSync(path.join(PROJECT_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => path.join('docs', name));
  return ['README.md', ...pages];
}

/** Every fenced block of one doc, in order. */
export function docBlocks(file: string): DocBlock[] {
  const lines = readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] ?? '```';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').trim().startsWith(fence); i++) body.push(lines[i] ?? '');
    let above = start - 1;
    while (above >= 0 && (lines[above] ?? '').trim() === '') above--;
    const skip = SKIP.exec((lines[above] ?? '').trim())?.[1];
    blocks.push({
      file,
      line: start + 1,
      lang: open[2] ?? '',
      code: `${body.join('\n')}\n`,
      ...(skip ? { skip } : {}),
    });
  }
  return blocks;
}
