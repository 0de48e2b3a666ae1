import type { LocalSystem } from '../../start-local-system.ts';
import type { FaultRule } from './faults.ts';

/** The banner's lines about local IAM and injected faults. */
export function guardBanner(
  system: Pick<LocalSystem, 'guard'>,
  faults: readonly FaultRule[],
  iamReport: boolean,
): string {
  const count = system.guard.policies.size;
  const iam =
    count > 0
      ? `  IAM        ${count} function policies from the synthesized stack, enforced on every DynamoDB call`
      : '  IAM        not checked locally (external endpoint: its own IAM applies)';
  const report = iamReport ? '\n             press Enter for the unused-permission report' : '';
  const shown = faults.map(
    (f) =>
      `${f.kind}${f.kind === 'latency' ? ` ${f.latencyMs} ms` : ''} ${Math.round(f.rate * 1000) / 10} %${f.scope ? ` @ ${f.scope}` : ''}`,
  );
  const faultLine = shown.length > 0 ? `\n  Faults     ${shown.join(', ')}` : '';
  return `${iam}${report}${faultLine}\n`;
}
