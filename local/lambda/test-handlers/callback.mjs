// A callback-style handler, as Node.js 20 and 22 still accepted it: Node.js 24 refuses it at init.
export const handler = (event, _context, callback) => {
  callback(null, { echoed: event.body });
};
