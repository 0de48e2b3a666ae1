// Run by deployed-runtime.test.ts on a given Node.js binary: starts a local Lambda service with
// the test handlers named on the command line, invokes each once and prints, as one JSON line,
// each outcome and its log lines, with the Node.js version of this process.
import { startLambdaService } from '../start-lambda-service.ts';
import { recordingSink, testEvent, testFunction } from './test-kit.ts';

const names = process.argv.slice(2);
const sink = recordingSink();
const lambda = startLambdaService({
  functions: names.map((name) => testFunction(name, name)),
  logSink: sink,
});
const outcomes: Record<string, unknown> = {};
try {
  for (const name of names)
    outcomes[name] = {
      outcome: await lambda.invoke(name, testEvent({ name: 'a.b*c' })),
      lines: sink.lines(name),
    };
} finally {
  await lambda.close();
}
console.log(JSON.stringify({ node: process.versions.node, outcomes }));
