// Reads a number's source text through JSON.parse's reviver, as the deployed runtime (Node.js 22+)
// allows, and reports whether JSON.rawJSON exists.
export const handler = async () => ({
  node: process.versions.node,
  source: JSON.parse('[1.50]', (key, value, context) =>
    key === '0' ? (context?.source ?? 'none') : value,
  )[0],
  rawJSON: typeof JSON.rawJSON,
});
