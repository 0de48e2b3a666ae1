import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { splitLines } from './split-lines.ts';

async function linesOf(chunks: readonly Buffer[]): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  const done = splitLines(stream, (line) => lines.push(line));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await done;
  return lines;
}

describe('splitLines', () => {
  it('joins lines split across chunks and splits chunks holding several lines', async () => {
    const lines = await linesOf([Buffer.from('START a\nfirst '), Buffer.from('line\nEND a\n')]);
    assert.deepEqual(lines, ['START a', 'first line', 'END a']);
  });

  it('keeps a character whose bytes are split across chunks', async () => {
    const euro = Buffer.from('price €5\n');
    const cut = euro.indexOf(0xe2) + 1;
    assert.deepEqual(await linesOf([euro.subarray(0, cut), euro.subarray(cut)]), ['price €5']);
  });

  it('ends lines at newlines only, so a carriage return stays inside its line', async () => {
    assert.deepEqual(await linesOf([Buffer.from('two\rparts\n')]), ['two\rparts']);
  });

  it('delivers an unterminated last line when the stream ends', async () => {
    assert.deepEqual(await linesOf([Buffer.from('done\nno newline')]), ['done', 'no newline']);
  });
});
