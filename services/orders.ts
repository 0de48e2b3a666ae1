import { z } from 'zod';
import { allow } from '#src/declaration/access.ts';
import { defineCrudResource } from '#src/declaration/crud-resource.ts';

/** A line of an order: which product, how many. */
const orderLine = z.strictObject({
  productId: z.string().min(1).max(128),
  quantity: z.int().min(1).max(1000),
});

/**
 * Orders: a typed resource that belongs to its caller. Items are keyed by the caller's identity
 * from the verified token (partition key) and the order id (sort key); listing is a Query on the
 * caller's partition, and another user's order answers 404 as if it did not exist.
 * `GET /orders?status=pending` is a Query of the caller's orders with that status (index byStatus).
 */
export default defineCrudResource({
  name: 'orders',
  item: z.strictObject({
    items: z.array(orderLine).min(1).max(100),
    status: z.enum(['pending', 'paid', 'shipped', 'cancelled']),
    note: z.string().max(500).optional(),
  }),
  access: { read: allow.owner(), write: allow.owner() },
  indexes: { byStatus: { partitionKey: 'status' } },
});
