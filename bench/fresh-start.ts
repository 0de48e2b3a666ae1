// The first `npm start` of a fresh clone: nothing kept from an earlier start (no bundles, no
// policies synthesized from the CDK app, no tsx cache), until its banner and until its first
// answer, beside a start that finds all of them kept. What it clears, every start can make again.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { LOCAL_CACHE_ROOT } from '#local/cache-root.ts';
import { startCli } from './cli-process.ts';
import { PEER_INSTALL_DIR } from './peer-serverless-offline.ts';

/**
 * Removes everything the local system keeps between starts. The bench's own install of the peer
 * lives beside it and stays: `npm start` never reads it, and installing it again takes a minute.
 */
async function forgetKept(): Promise<void> {
  const peerFolder = path.relative(LOCAL_CACHE_ROOT, PEER_INSTALL_DIR).split(path.sep)[0];
  const entries = await readdir(LOCAL_CACHE_ROOT).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((entry) => entry !== peerFolder)
      .map((entry) => rm(path.join(LOCAL_CACHE_ROOT, entry), { recursive: true, force: true })),
  );
}

export interface FreshStart {
  readonly engine: string;
  /** Nothing kept: spawn → banner, and spawn → the first answer of `GET /products?limit=1`, ms. */
  readonly fresh: { bannerMs: number; firstAnswerMs: number }[];
  /** The same right after, with everything the previous start kept. */
  readonly kept: { bannerMs: number; firstAnswerMs: number }[];
}

async function startOnce(args: readonly string[], fresh: boolean) {
  if (fresh) await forgetKept();
  const started = performance.now();
  const cli = await startCli(args, fresh ? { env: { TSX_DISABLE_CACHE: '1' } } : {});
  try {
    // The token is minted by the bench from the start's user pool: a few ms, counted.
    const res = await fetch(`${cli.url}/products?limit=1`, { headers: { authorization: cli.token } });
    if (res.status !== 200) throw new Error(`first answer: ${res.status}`);
    return { bannerMs: cli.readyMs, firstAnswerMs: Math.round(performance.now() - started) };
  } finally {
    await cli.stop();
  }
}

/** `runs` fresh starts of `engine`, each followed by a start that finds what it kept. */
export async function measureFreshStarts(
  engine: string,
  args: readonly string[],
  runs: number,
): Promise<FreshStart> {
  const result: FreshStart = { engine, fresh: [], kept: [] };
  for (let run = 0; run < runs; run++) {
    result.fresh.push(await startOnce(args, true));
    result.kept.push(await startOnce(args, false));
  }
  const show = (xs: FreshStart['fresh']) => xs.map((x) => `${x.bannerMs}/${x.firstAnswerMs}`).join(', ');
  console.log(
    `  ${engine}: fresh clone, banner/first answer ${show(result.fresh)} ms; kept ${show(result.kept)} ms`,
  );
  return result;
}
