// Uses what Node.js 22 and 24 added and Node.js 20 lacks (without flags): Promise.try (24),
// RegExp.escape (24), Float16Array (24), JSON.parse's source text and JSON.rawJSON (22).
export const handler = async (event) => {
  const name = await Promise.try(() => JSON.parse(event.body).name);
  const pattern = new RegExp(`^${RegExp.escape(name)}$`);
  const halves = Float16Array.of(1.5, 2.25);
  const source = JSON.parse('{"price":1.50}', (key, value, context) =>
    key === 'price' ? context.source : value,
  );
  return {
    node: process.versions.node,
    matches: pattern.test(name) && !pattern.test(`${name}x`),
    halves: [...halves],
    source: source.price,
    raw: JSON.stringify({ big: JSON.rawJSON('12345678901234567890') }),
  };
};
