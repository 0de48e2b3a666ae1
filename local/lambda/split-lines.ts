import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Calls `onLine` for every complete line the stream carries, in order, and for a last
 * unterminated line when the stream ends. Only `\n` ends a line: Lambda's runtime turns the
 * newlines inside one console message into `\r`, and that message must stay one line.
 * Resolves once the stream has ended (or closed) and every line has been delivered.
 */
export function splitLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const take = (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      take(decoder.end());
      if (pending !== '') onLine(pending);
      resolve();
    };
    stream.on('data', (chunk: Buffer) => take(decoder.write(chunk)));
    stream.on('end', finish);
    stream.on('close', finish);
  });
}
