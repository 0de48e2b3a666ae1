// The instance's one line to the host: the IPC channel that carries its log lines and its replies
// alike, so that the host has every line of an invocation by the time its reply arrives.
import type { InstanceMessage } from '../instance-messages.ts';

const sendToHost = process.send?.bind(process);
if (!sendToHost) throw new Error('instance-bootstrap runs only as a process started with an IPC channel');

export function send(message: InstanceMessage): void {
  sendToHost?.(message);
}

export function print(line: string): void {
  send({ type: 'log', lines: [line] });
}
