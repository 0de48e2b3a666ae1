// The first `npm start` of a fresh clone: nothing kept from an earlier start (no bundles, no
// policies synthesized from the CDK app, no tsx cache), until its banner and until its first
// answer, beside a start that finds all of them kept. What it clears, every start can make again.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { BUNDLE_CACHE_DIR, LOCAL_CACHE_ROOT } from '#local/cache-root.ts';
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

/**
 * Waits until a whole build is kept: a fresh start builds each bundle at its first request and
 * the rest once nothing is in flight, and keeps them only then. Polls, as the bench sees the
 * start only from outside; gives up after `limitMs`.
 */
async function buildKept(limitMs = 60_000): Promise<void> {
  const until = performance.now() + limitMs;
  while (performance.now() < until) {
    const builds = await readdir(BUNDLE_CACHE_DIR).catch(() => [] as string[]);
    const manifests = await Promise.all(
      builds.map((build) => stat(path.join(BUNDLE_CACHE_DIR, build, 'manifest.json')).catch(() => undefined)),
    );
    if (manifests.some(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no build was kept within ${limitMs / 1000} s of the first answer`);
}

async function startOnce(args: readonly string[], fresh: boolean) {
  if (fresh) await forgetKept();
  const started = performance.now();
  const cli = await startCli(args, fresh ? { env: { TSX_DISABLE_CACHE: '1' } } : {});
  try {
    // The token is minted by the bench from the start's user pool: a few ms, counted.
    const res = await fetch(`${cli.url}/products?limit=1`, { headers: { authorization: cli.token } });
    if (res.status !== 200) throw new Error(`first answer: ${res.status}`);
    const measured = { bannerMs: cli.readyMs, firstAnswerMs: Math.round(performance.now() - started) };
    // The next start is to find everything kept, as after a session that ran a while.
    if (fresh) await buildKept();
    return measured;
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
