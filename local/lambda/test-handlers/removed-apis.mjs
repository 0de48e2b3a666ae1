// Uses util.isBoolean, which Node.js 20 still has (deprecated) and Node.js 23 removed: it fails
// on the deployed runtime with Node's own TypeError.
import util from 'node:util';

export const handler = async () => ({ node: process.versions.node, isBoolean: util.isBoolean(true) });
