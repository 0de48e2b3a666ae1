// A bundle that forgot to export `handler`.
export const handle = async () => 'wrong name';
