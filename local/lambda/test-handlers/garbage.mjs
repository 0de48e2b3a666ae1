// Leaves garbage behind: each invocation allocates a few megabytes that nothing keeps, and
// writes `collected` in HOLD_DIR once the garbage collector has reclaimed them (a
// FinalizationRegistry's callback). It answers whether it finds `gc`, as functions do on Lambda.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.HOLD_DIR ?? '';
const reclaimed = new FinalizationRegistry(() =>
  writeFileSync(path.join(dir, 'collected'), String(process.pid)),
);

function leaveGarbage() {
  const garbage = Array.from({ length: 50_000 }, (_, i) => ({ i, text: `item ${i}` }));
  reclaimed.register(garbage, 'garbage');
  return garbage.length;
}

export const handler = async () => ({
  allocated: leaveGarbage(),
  gc: typeof globalThis.gc,
});
