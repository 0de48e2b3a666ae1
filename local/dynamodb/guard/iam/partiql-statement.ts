// What a PartiQL statement asks of IAM: its kind (PartiQLSelect, …) and the one table or index it
// names. A strict reader of the statement shapes DynamoDB documents, not a PartiQL parser: whatever
// it is not sure of (comments, nested queries, EXISTS, Ion literals, two tables) it refuses, and
// the guard denies the call. No recursion: a statement's depth cannot cost a stack.

export type PartiqlKind = 'Select' | 'Insert' | 'Update' | 'Delete';

export interface PartiqlTarget {
  readonly kind: PartiqlKind;
  /** The table as written: a name, or a table ARN. */
  readonly table: string;
  readonly index?: string;
}

type Token = { readonly type: 'word' | 'quoted' | 'string' | 'number' | 'punct'; readonly text: string };

/** Words that would bring another table or statement into it; allowed only where the shape puts them. */
const STRUCTURAL = new Set([
  'SELECT',
  'FROM',
  'INTO',
  'INSERT',
  'UPDATE',
  'DELETE',
  'EXISTS',
  'JOIN',
  'UNION',
]);
const PUNCTUATION = new Set([...'.,()[]{}=<>!?*+-/%:|']);
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * Reads `statement`, or says why it cannot.
 *
 * @example
 * readPartiqlStatement('SELECT * FROM "products"."byName" WHERE name = ?');
 * // { kind: 'Select', table: 'products', index: 'byName' }
 */
export function readPartiqlStatement(statement: string): PartiqlTarget | string {
  const tokens = tokenize(statement);
  if (typeof tokens === 'string') return tokens;
  const head = keyword(tokens[0]);
  let at: number;
  let kind: PartiqlKind;
  if (head === 'SELECT') {
    kind = 'Select';
    at = tokens.findIndex((t) => keyword(t) === 'FROM');
    if (at < 0) return 'a SELECT without FROM';
    if (tokens.slice(1, at).some(isStructural)) return 'a SELECT list it cannot read';
    at++;
  } else if (head === 'INSERT' && keyword(tokens[1]) === 'INTO') {
    [kind, at] = ['Insert', 2];
  } else if (head === 'UPDATE') {
    [kind, at] = ['Update', 1];
  } else if (head === 'DELETE' && keyword(tokens[1]) === 'FROM') {
    [kind, at] = ['Delete', 2];
  } else {
    return `a statement that starts with ${JSON.stringify(tokens[0]?.text ?? '')}, not SELECT, INSERT INTO, UPDATE or DELETE FROM`;
  }
  const table = name(tokens[at]);
  if (table === undefined) return `no table name after ${kind.toUpperCase()}`;
  at++;
  let index: string | undefined;
  if (tokens[at]?.text === '.' && kind === 'Select') {
    index = name(tokens[at + 1]);
    if (index === undefined) return 'no index name after the table';
    at += 2;
  }
  // The end of the statement reads as END; any other token that is not a word as undefined.
  const next = at === tokens.length ? 'END' : keyword(tokens[at]);
  const follows: Record<PartiqlKind, readonly string[]> = {
    Select: ['END', 'WHERE', 'ORDER'],
    Insert: ['VALUE'],
    Update: ['SET', 'REMOVE'],
    Delete: ['WHERE'],
  };
  if (next === undefined || !follows[kind].includes(next))
    return `${JSON.stringify(tokens[at]?.text ?? 'the end')} after the table`;
  if (tokens.slice(at).some(isStructural)) return 'a second table or statement inside the statement';
  return index === undefined ? { kind, table } : { kind, table, index };
}

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      // A quote doubled inside is the quote itself.
      let value = '';
      let j = i + 1;
      for (;;) {
        const end = text.indexOf(c, j);
        if (end < 0) return 'an unterminated quoted string or name';
        value += text.slice(j, end);
        if (text[end + 1] !== c) {
          j = end + 1;
          break;
        }
        value += c;
        j = end + 2;
      }
      tokens.push({ type: c === "'" ? 'string' : 'quoted', text: value });
      i = j;
    } else if ((c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*')) {
      return 'a comment';
    } else if (matchAt(WORD, text, i)) {
      const word = matchAt(WORD, text, i) as string;
      tokens.push({ type: 'word', text: word });
      i += word.length;
    } else if (matchAt(NUMBER, text, i)) {
      const number = matchAt(NUMBER, text, i) as string;
      tokens.push({ type: 'number', text: number });
      i += number.length;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ type: 'punct', text: c });
      i++;
    } else {
      return `the character ${JSON.stringify(c)}`;
    }
  }
  return tokens.length > 0 ? tokens : 'an empty statement';
}

function matchAt(pattern: RegExp, text: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0];
}

const keyword = (token: Token | undefined) => (token?.type === 'word' ? token.text.toUpperCase() : undefined);
const isStructural = (token: Token) => token.type === 'word' && STRUCTURAL.has(token.text.toUpperCase());

/** A table or index name: quoted (any text, e.g. `"lambda-apigateway"` or an ARN), or a plain word. */
function name(token: Token | undefined): string | undefined {
  if (token?.type === 'quoted' && token.text !== '') return token.text;
  if (token?.type === 'word' && !isStructural(token)) return token.text;
  return undefined;
}
