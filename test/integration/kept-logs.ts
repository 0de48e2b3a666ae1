import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ACCESS_LOG_FOLDER } from '#local/logs/log-store.ts';
import { runLogsCommand } from '#local/logs/logs-command.ts';
import { type LogEvent, readLogEvents } from '#local/logs/read-logs.ts';
import { ACCESS_LOG_FORMAT } from '#src/declaration/access-log.ts';
import { metricValues, readEmf } from '../support/emf.ts';
import { notPrivateUnder } from '../support/file-modes.ts';
import type { ApiClient } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';

/**
 * The events of a function's kept log group once `found` holds: lines reach the disk a moment
 * after the response, so this reads again on every change under the logs folder (the runner's
 * per-test bound ends a wait that never comes true).
 */
function keptEvents(
  dir: string,
  functionName: string,
  found: (events: LogEvent[]) => boolean,
): Promise<LogEvent[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      try {
        const events = readLogEvents(dir, { functions: [functionName] });
        if (!found(events)) return;
        watcher.close();
        resolve(events);
      } catch (error) {
        watcher.close();
        reject(error);
      }
    };
    // Watching starts before the first read, so no change can slip between the two.
    const watcher = watch(dir, { recursive: true }, check).on('error', (error) => {
      watcher.close();
      reject(error);
    });
    check();
  });
}

/** The functions' logs kept on disk as CloudWatch keeps them, read back by `npm run logs`. */
export function keptLogs(client: () => ApiClient, system: () => TestSystem): void {
  test('keeps each function its log group in the JSON log format, with metrics, read back by npm run logs', async () => {
    const dir = system().system.logsDir;
    assert.ok(dir, 'a system with a data folder keeps its logs');
    const created = await client()('POST', '/products', { body: { name: 'logged', price: 4 } });
    assert.equal(created.status, 201, created.text);
    const requestId = created.headers.get('x-amzn-requestid') ?? '';
    assert.ok(requestId, 'the gateway names the request');
    // The REPORT line follows the response: wait for the request's line and its report.
    const reported = (all: LogEvent[]) => {
      const line = all.find((e) => e.fields.correlation_id === requestId);
      const id = line?.fields.function_request_id;
      return all.some(
        (e) =>
          e.fields.type === 'platform.report' &&
          (e.fields.record as { requestId?: unknown }).requestId === id,
      );
    };
    const events = await keptEvents(dir, 'products-create', reported);
    // The stage's access log is written as the response ends, to a file of its own: wait for it too.
    await keptEvents(dir, ACCESS_LOG_FOLDER, (all) => all.some((e) => e.message.includes(requestId)));
    const completed = events.find((e) => e.fields.correlation_id === requestId);
    assert.ok(completed, `the request's line is kept in ${dir}`);
    assert.equal(completed.logGroup, '/aws/lambda/products-create');
    assert.match(completed.logStream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.equal(
      metricValues(readEmf(completed.message) ?? []).Requests,
      1,
      'the EMF metrics are on the kept line',
    );
    const functionRequestId = completed.fields.function_request_id;
    const platform = events.filter(
      (e) => (e.fields.record as { requestId?: unknown } | undefined)?.requestId === functionRequestId,
    );
    assert.deepEqual(
      platform.map((e) => e.fields.type),
      ['platform.start', 'platform.report'],
    );
    assert.equal(platform[1]?.logStream, completed.logStream, 'one stream per instance');

    const printed: string[] = [];
    const run = async (...args: string[]) => {
      printed.length = 0;
      const dataDir = path.dirname(dir); // the logs live in <data folder>/logs
      assert.equal(await runLogsCommand(['--data-dir', dataDir, ...args], {}, (l) => printed.push(l)), 0);
      return printed.slice(1).map((line) => JSON.parse(line) as Record<string, unknown>);
    };
    // One request followed across the stage's access log and the function's log, in time order.
    const followed = await run('--query', 'oneRequest', '--request-id', requestId);
    assert.ok(
      followed.some((row) => row.durationMs !== undefined && row['@log'] === '/aws/lambda/products-create'),
    );
    const access = followed.find((row) => row['@log'] === 'API-Gateway-Access-Logs');
    assert.ok(access, `the access log has the request: ${JSON.stringify(followed)}`);
    const entry = JSON.parse(String(access['@message'])) as Record<string, string>;
    assert.equal(entry.requestId, requestId);
    assert.equal(entry.status, '201');
    assert.equal(entry.httpMethod, 'POST');
    assert.equal(entry.resourcePath, '/products');
    assert.match(entry.integrationLatency ?? '', /^\d+$/);
    assert.deepEqual(Object.keys(entry), Object.keys(ACCESS_LOG_FORMAT), 'the deployed format');
    // Filters narrow what a query reads: this request alone, among everything the suite sent.
    const slowest = await run('products-create', '--filter', requestId, '--query', 'slowestRequests');
    assert.deepEqual(
      slowest.map((row) => row.correlation_id),
      [requestId],
    );
    const coldStarts = await run('--query', 'coldStartsByFunction');
    assert.ok(
      coldStarts.some((row) => row['@log'] === '/aws/lambda/products-create' && Number(row.coldStarts) >= 1),
    );
  });

  test('keeps the data folder private: every folder 0700, every file 0600, whoever created it', async () => {
    const logsDir = system().system.logsDir;
    assert.ok(logsDir, 'a system with a data folder keeps its logs');
    const dataDir = path.dirname(logsDir);
    const created = await client()('POST', '/products', { body: { name: 'private', price: 1 } });
    assert.equal(created.status, 201, created.text);
    const { engine } = system().system.dynamodb;
    // The engine's tables and its lock, the kept logs and the local user pool's key are all there.
    const entries = await readdir(dataDir);
    for (const name of ['auth', engine, 'logs']) assert.ok(entries.includes(name), `${name} in ${entries}`);
    assert.ok((await readdir(path.join(dataDir, engine))).length > 1, 'the engine wrote its files');
    assert.deepEqual(await notPrivateUnder(dataDir), []);
  });
}
