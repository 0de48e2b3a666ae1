// `npm run logs`: the functions' logs that `npm start` keeps, read back (see local/logs/).
import { LOGS_USAGE, runLogsCommand } from './logs/logs-command.ts';

const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
runLogsCommand(process.argv.slice(2), process.env, (line) => console.log(line), controller.signal).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${LOGS_USAGE}`);
    process.exit(2);
  },
);
