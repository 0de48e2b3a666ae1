import { z } from 'zod';
import { allow } from '#src/declaration/access.ts';
import { defineCrudResource } from '#src/declaration/crud-resource.ts';

/** Products: a typed resource served at `/products` and `/products/{id}`; read by any signed-in user, written by admins. */
export default defineCrudResource({
  name: 'products',
  item: z.strictObject({
    name: z.string().min(1).max(200),
    price: z.number().min(0),
    description: z.string().max(2000).optional(),
    tags: z.array(z.string().max(50)).max(20).optional(),
  }),
  access: { read: allow.signedIn(), write: allow.groups('admin') },
  // Variants of one product in a price range: `GET /products?name=Widget&price[lte]=20`. Tags are a
  // list, which DynamoDB cannot key; a price range over every product would need one fixed partition.
  indexes: { byNamePrice: { partitionKey: 'name', sortKey: 'price' } },
});
