// Fails in the way `body.action` names; any other action answers normally.
import { randomUUID } from 'node:crypto';

const instanceId = randomUUID();

export const handler = async (event) => {
  const { action } = JSON.parse(event.body ?? '{}');
  if (action === 'throw') throw new RangeError('price must not be negative');
  if (action === 'hang') while (true) {}
  if (action === 'throw-in-timer') {
    return new Promise(() => {
      setTimeout(() => {
        throw new Error('thrown outside the handler');
      }, 1);
    });
  }
  if (action === 'reject-unhandled') {
    Promise.reject(new Error('nobody awaits this'));
    return new Promise(() => {});
  }
  if (action === 'exit') process.exit(1);
  if (action === 'allocate') {
    const hoard = [];
    while (true) hoard.push(new Array(1024).fill(hoard.length));
  }
  if (action === 'allocate-buffers') {
    // Off-heap memory, outside the V8 heap limit: 8 MB at a time, each written to (a zero-filled
    // Buffer may be pages the system has not handed out yet, which no resident size counts).
    const hoard = [];
    while (true) {
      hoard.push(Buffer.alloc(8 * 1024 * 1024, 1));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  if (action === 'reject-unhandled-string') {
    Promise.reject('a plain string');
    return new Promise(() => {});
  }
  if (action === 'nothing') return undefined;
  if (action === 'big-result') return { text: 'x'.repeat(6 * 1024 * 1024) };
  return { instanceId };
};
