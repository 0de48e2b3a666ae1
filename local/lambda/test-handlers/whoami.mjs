// Module state lives as long as the instance: `instanceId` and `count` show which instance ran
// an invocation and how often it was reused. `body.waitMs` keeps the instance busy for a while.
import { randomUUID } from 'node:crypto';

const instanceId = randomUUID();
let count = 0;

export const handler = async (event) => {
  count += 1;
  const { waitMs = 0 } = JSON.parse(event.body ?? '{}');
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  return { instanceId, count };
};
