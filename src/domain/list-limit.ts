/** Page sizes of a list: `limit` when the client sends none, and the most it may ask for. */
export const LIST_LIMIT = { default: 20, min: 1, max: 100 } as const;
