// What the local system reads from a failed esbuild build: the files its messages name, and the
// first message as one line. esbuild's error carries `errors`, each with text and a location whose
// file is relative to the working folder.

interface EsbuildMessage {
  readonly text?: string;
  readonly location?: { readonly file: string; readonly line: number; readonly column: number } | null;
}

const messagesOf = (error: unknown): readonly EsbuildMessage[] => {
  const messages = (error as { errors?: unknown } | null)?.errors;
  return Array.isArray(messages) ? (messages as EsbuildMessage[]) : [];
};

/** The files a failed build names in its messages, as absolute paths (none for another error). */
export function filesNamedBy(error: unknown, resolve: (file: string) => string): string[] {
  return messagesOf(error).flatMap((message) =>
    typeof message.location?.file === 'string' ? [resolve(message.location.file)] : [],
  );
}

/** A failed build as one line, `file:line:column: text` of its first message; another error as it is. */
export function briefly(error: unknown): unknown {
  const first = messagesOf(error)[0];
  if (!first?.text) return error;
  const { location } = first;
  return new Error(
    `${location ? `${location.file}:${location.line}:${location.column}: ` : ''}${first.text}`,
  );
}
