// `npm start` beside serverless-offline in-process, in the same run with the same load: the peer
// serves our bundles against the same engine (bench/peer-serverless-offline.ts), and rounds of
// ours and the peer's alternate, as throughput.ts alternates the system and the raw SDK.
import type { LogLevel } from '#src/declaration/log-levels.ts';
import { type CliProcess, treeRssMb } from './cli-process.ts';
import { type LoadResult, type LoadTarget, runLoad } from './load.ts';
import { describePeer, PEER_VERSIONS, startPeer } from './peer-serverless-offline.ts';
import { assertAnswered, combine, routes } from './throughput.ts';

export interface PeerScenario {
  readonly route: string;
  readonly concurrency: number;
  readonly ours: LoadResult;
  readonly peer: LoadResult;
  /** `npm start` req/s ÷ the peer's req/s. */
  readonly ratio: number;
}

export interface PeerResult {
  readonly peer: string;
  readonly versions: typeof PEER_VERSIONS;
  readonly scenarios: readonly PeerScenario[];
  /** Process-tree RSS of each right after the GET run at the highest concurrency, MB. */
  readonly rssMb?: { readonly ours: number; readonly peer: number };
}

export interface PeerComparisonOptions {
  /** Route (as throughput.ts names it) → the concurrencies it is run at. */
  readonly scenarios: Readonly<Record<string, readonly number[]>>;
  readonly seconds: (concurrency: number) => number;
  /** Pairs of runs (ours, then the peer's); the medians are kept. */
  readonly rounds: number;
  /** Unmeasured load on each before a scenario's counted runs (the table: 2 s). */
  readonly warmupSeconds: number;
  /** The functions' log level of `cli`, given to the peer's functions too. */
  readonly logLevel: LogLevel;
}

/** The peer fails loudly: any answer but 2xx means it did not serve what ours serves. */
function assertPeerAnswered(scenario: string, result: LoadResult): void {
  if (result.failures > 0)
    throw new Error(
      `${scenario}: serverless-offline answered ${result.failures} of ${result.requests} requests with no 2xx`,
    );
}

/** Runs each scenario on `cli` and on the peer started beside it, alternating rounds. */
export async function comparePeer(cli: CliProcess, options: PeerComparisonOptions): Promise<PeerResult> {
  console.log(`\n## npm start beside ${describePeer()} in-process (dynalite)`);
  const peer = await startPeer({ endpoint: cli.endpoint, token: cli.token, logLevel: options.logLevel });
  try {
    const targets = await routes(cli);
    const scenarios: PeerScenario[] = [];
    let rssMb: PeerResult['rssMb'];
    const highest = Math.max(...Object.values(options.scenarios).flat());
    for (const [route, concurrencies] of Object.entries(options.scenarios)) {
      const ours = targets[route]?.system;
      if (!ours) throw new Error(`no target for ${route}`);
      // The same request, headers and body, to the peer's port.
      const theirs: LoadTarget = { ...ours, url: peer.url + ours.url.slice(cli.url.length) };
      const first = await fetch(theirs.url, {
        method: theirs.method ?? 'GET',
        headers: theirs.headers ?? {},
        ...(theirs.body ? { body: theirs.body } : {}),
      });
      if (first.status < 200 || first.status >= 300)
        throw new Error(`serverless-offline: ${route} answered ${first.status}: ${await first.text()}`);
      for (const concurrency of concurrencies) {
        await runLoad(ours, concurrency, options.warmupSeconds);
        await runLoad(theirs, concurrency, options.warmupSeconds);
        const ourRuns: LoadResult[] = [];
        const peerRuns: LoadResult[] = [];
        for (let round = 0; round < options.rounds; round++) {
          ourRuns.push(await runLoad(ours, concurrency, options.seconds(concurrency)));
          peerRuns.push(await runLoad(theirs, concurrency, options.seconds(concurrency)));
        }
        if (route === 'GET /products/{id}' && concurrency === highest) {
          rssMb = {
            ours: await treeRssMb(cli.child.pid ?? 0),
            peer: await treeRssMb(peer.child.pid ?? 0),
          };
        }
        const o = combine(ourRuns);
        const p = combine(peerRuns);
        assertAnswered(`${route} c=${concurrency}`, o);
        assertPeerAnswered(`${route} c=${concurrency}`, p);
        const ratio = Math.round((o.requestsPerSecond / Math.max(1, p.requestsPerSecond)) * 100) / 100;
        scenarios.push({ route, concurrency, ours: o, peer: p, ratio });
        console.log(
          `  ${route} c=${concurrency}: npm start ${o.requestsPerSecond} req/s (p50 ${o.p50} ms) vs serverless-offline ${p.requestsPerSecond} req/s (p50 ${p.p50} ms) → ${ratio}×`,
        );
      }
    }
    if (rssMb)
      console.log(
        `  process-tree RSS after GET at c=${highest}: npm start ${rssMb.ours} MB, serverless-offline ${rssMb.peer} MB`,
      );
    return {
      peer: 'serverless-offline in-process',
      versions: PEER_VERSIONS,
      scenarios,
      ...(rssMb ? { rssMb } : {}),
    };
  } finally {
    await peer.stop();
  }
}
