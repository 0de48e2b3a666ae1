// `npm run logs`: the functions' logs that `npm start` keeps, read back (see local/logs/).
import { runLogsCommand } from './logs/logs-command.ts';

const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
runLogsCommand(process.argv.slice(2), process.env, (line) => console.log(line), controller.signal).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // One line naming the problem and what exists; the full usage is one --help away.
    console.error(
      `npm run logs: ${error instanceof Error ? error.message : String(error)}. See npm run logs -- --help`,
    );
    process.exit(2);
  },
);
