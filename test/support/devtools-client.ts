// A debugger's part, played over the DevTools protocol as VS Code plays it: attaches to a function
// instance's inspector, sets a breakpoint at a line of a `.ts` file (found through the bundle's
// source map, as a debugger maps it), and reports where the function stopped, mapped back to the
// source. Run as its own process (`node --import tsx devtools-client.ts <port> <file.ts> <line>`),
// on Node 20 with `--experimental-websocket`: the test's Node may have no WebSocket of its own.
//
// Prints `{"armed":true}` once the breakpoint is set, then `{"paused":{file,line}}` when it is hit,
// resumes the function and exits.
import { pathToFileURL } from 'node:url';

interface Segment {
  readonly generatedLine: number;
  readonly generatedColumn: number;
  readonly source: number;
  readonly line: number;
}

interface SourceMapJson {
  readonly sources: readonly string[];
  readonly sourceRoot?: string;
  readonly mappings: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The numbers of one mapping segment (base64 VLQ, as the source map format encodes them). */
function decodeSegment(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value % 2 === 1 ? -Math.floor(value / 2) : value / 2);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Every mapping of a source map with its original position (all 0-based). */
function segmentsOf(map: SourceMapJson): Segment[] {
  const segments: Segment[] = [];
  let source = 0;
  let line = 0;
  map.mappings.split(';').forEach((text, generatedLine) => {
    let generatedColumn = 0;
    for (const part of text.split(',')) {
      if (part === '') continue;
      // The original column (the fourth number) is not needed: lines are what is compared.
      const [dColumn = 0, dSource, dLine] = decodeSegment(part);
      generatedColumn += dColumn;
      if (dSource === undefined || dLine === undefined) continue;
      source += dSource;
      line += dLine;
      segments.push({ generatedLine, generatedColumn, source, line });
    }
  });
  return segments;
}

const [portText, tsFile, lineText] = process.argv.slice(2);
const line = Number(lineText) - 1;
const wanted = pathToFileURL(tsFile ?? '').href;

const targets = (await (await fetch(`http://127.0.0.1:${portText}/json/list`)).json()) as {
  webSocketDebuggerUrl: string;
}[];
const socket = new WebSocket(targets[0]?.webSocketDebuggerUrl ?? '');
let nextId = 1;
const replies = new Map<number, (result: unknown) => void>();
const send = (method: string, params: object = {}) =>
  new Promise<unknown>((resolve) => {
    const id = nextId++;
    replies.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });

/** The bundle's script and its mappings, from the script the source map names `tsFile` in. */
let found: { url: string; sources: string[]; segments: Segment[] } | undefined;
let armed = false;

socket.addEventListener('message', (event) => {
  const message = JSON.parse(String(event.data));
  if (message.id !== undefined) replies.get(message.id)?.(message.result);
  else if (message.method === 'Debugger.scriptParsed') {
    const { url, sourceMapURL } = message.params as { url: string; sourceMapURL?: string };
    if (!sourceMapURL?.startsWith('data:')) return;
    const map = JSON.parse(
      Buffer.from(sourceMapURL.slice(sourceMapURL.indexOf(',') + 1), 'base64').toString(),
    ) as SourceMapJson;
    const sources = map.sources.map((source) => new URL(`${map.sourceRoot ?? ''}${source}`, url).href);
    if (sources.includes(wanted)) found = { url, sources, segments: segmentsOf(map) };
  } else if (message.method === 'Debugger.paused') {
    const frame = message.params.callFrames[0].location as { lineNumber: number; columnNumber: number };
    // The mapping at or before where it stopped on that generated line: the source line it runs.
    const at = found?.segments
      .filter((s) => s.generatedLine === frame.lineNumber && s.generatedColumn <= frame.columnNumber)
      .at(-1);
    const paused = at ? { file: found?.sources[at.source], line: at.line + 1 } : { file: null, line: null };
    console.log(JSON.stringify({ paused }));
    void send('Debugger.resume').then(() => process.exit(0));
  }
});
await new Promise((resolve) => socket.addEventListener('open', resolve));
await send('Debugger.enable');
if (!found) throw new Error(`no script of this instance has a source map naming ${wanted}`);
const index = found.sources.indexOf(wanted);
const target = found.segments.find((s) => s.source === index && s.line === line);
if (!target) throw new Error(`no code of line ${line + 1} of ${wanted} is in the bundle`);
// By URL, as a debugger sets one: it holds for every script of that URL, loaded or not.
await send('Debugger.setBreakpointByUrl', {
  url: found.url,
  lineNumber: target.generatedLine,
  columnNumber: target.generatedColumn,
});
armed = true;
console.log(JSON.stringify({ armed }));
