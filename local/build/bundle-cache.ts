import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One function's bundle as a build made it. */
export interface BundleRecord {
  readonly hash: string;
  readonly bytes: number;
  /** Every file it was built from (absolute paths), node_modules included. */
  readonly inputs: readonly string[];
}

/** A bundle to keep: its record, where its content is, and when the build that made it began. */
export interface BundleToKeep extends BundleRecord {
  readonly file: string;
  /** Epoch ms. */
  readonly builtAt: number;
}

/** A kept bundle, as read back: its record and its content. */
export interface CachedBundle extends BundleRecord {
  readonly content: Uint8Array;
}

/** A whole build as it was kept: every bundle, by function name. */
export type CachedBuild = ReadonlyMap<string, CachedBundle>;

interface Manifest {
  readonly format: typeof FORMAT;
  readonly key: string;
  /** Every input file: its path, size and modification time when the build was kept. */
  readonly files: readonly (readonly [file: string, size: number, mtimeMs: number])[];
  /** Each bundle, its inputs as indexes into `files`. */
  readonly functions: Record<string, { hash: string; bytes: number; inputs: number[] }>;
}

const FORMAT = 1;
const MANIFEST = 'manifest.json';
/** Builds of other declarations (other checkouts, tests' services) kept besides the newest. */
const KEPT_BUILDS = 4;
/** A folder still being written this long after it was begun was left by a process that died. */
const ABANDONED_MS = 10 * 60_000;
/** File times come from a coarse kernel clock (a few ms behind): a file this close to a build is not trusted. */
const MTIME_MARGIN_MS = 10;

/**
 * The bundles of the last build of each set of declarations, kept between starts so that a start
 * with nothing changed serves them without running esbuild (about 2 s of CPU, most of a start's).
 *
 * A kept build is used only when its key (esbuild's version, the build options and every
 * generated module) is the same and every file it was built from, node_modules included, still
 * has the size and modification time it had; each bundle's content is checked against its hash
 * as it is read. Each build lives in a folder of its own named by its key, written beside it and
 * renamed into place, so concurrent starts never read half of one.
 */
export class BundleCache {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** The build kept for `key`, if its files are unchanged; otherwise undefined. */
  async read(key: string): Promise<CachedBuild | undefined> {
    const dir = this.#folder(key);
    try {
      const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
      if (manifest.format !== FORMAT || manifest.key !== key) return undefined;
      const current = await Promise.all(manifest.files.map(([file]) => stampOf(file).catch(() => undefined)));
      const unchanged = manifest.files.every(
        ([, size, mtimeMs], i) => current[i]?.[0] === size && current[i]?.[1] === mtimeMs,
      );
      if (!unchanged) return undefined;
      const build = new Map<string, CachedBundle>();
      for (const [name, { hash, bytes, inputs }] of Object.entries(manifest.functions)) {
        const content = await readFile(path.join(dir, `${name}.mjs`));
        if (contentHash(content) !== hash) return undefined;
        build.set(name, { hash, bytes, inputs: inputs.map((i) => manifest.files[i]?.[0] ?? ''), content });
      }
      return build;
    } catch {
      return undefined; // none kept, or being replaced: build
    }
  }

  /**
   * Keeps `bundles` (the whole build) under `key`, in place of what was kept before. Nothing is
   * kept when one of a bundle's files was modified after its build began: what esbuild read may
   * not be what the file holds now. Resolves whether the build was kept.
   */
  async write(key: string, bundles: ReadonlyMap<string, BundleToKeep>): Promise<boolean> {
    const index = new Map<string, number>();
    for (const { inputs } of bundles.values())
      for (const file of inputs) if (!index.has(file)) index.set(file, index.size);
    const stamps = await Promise.all([...index.keys()].map(stampOf));
    const files = [...index.keys()].map((file, i) => [file, ...(stamps[i] as [number, number])] as const);
    const functions: Manifest['functions'] = {};
    for (const [name, { hash, bytes, inputs, builtAt }] of bundles) {
      const positions = inputs.map((file) => index.get(file) ?? 0);
      if (positions.some((i) => (files[i]?.[2] ?? Number.POSITIVE_INFINITY) > builtAt - MTIME_MARGIN_MS))
        return false;
      functions[name] = { hash, bytes, inputs: positions };
    }
    await mkdir(this.#root, { recursive: true });
    const partial = await mkdtemp(path.join(this.#root, '.partial-'));
    try {
      for (const [name, { file }] of bundles) await copyFile(file, path.join(partial, `${name}.mjs`));
      const manifest: Manifest = { format: FORMAT, key, files, functions };
      await writeFile(path.join(partial, MANIFEST), JSON.stringify(manifest));
      const dir = this.#folder(key);
      await rm(dir, { recursive: true, force: true });
      // Another start may have kept its build here meanwhile: then that one stays.
      await rename(partial, dir).catch(() => {});
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    await this.#prune();
    return true;
  }

  #folder(key: string): string {
    return path.join(this.#root, key.slice(0, 32));
  }

  /** Keeps the newest few builds, and drops what dead processes left half-written. */
  async #prune(): Promise<void> {
    const entries = await readdir(this.#root, { withFileTypes: true });
    const folders = await Promise.all(
      entries
        .filter((entry) => entry.isDirectory())
        .map(async (entry) => {
          const dir = path.join(this.#root, entry.name);
          const { mtimeMs } = await stat(dir).catch(() => ({ mtimeMs: 0 }));
          return { dir, partial: entry.name.startsWith('.partial-'), mtimeMs };
        }),
    );
    const kept = folders.filter((f) => !f.partial).sort((a, b) => b.mtimeMs - a.mtimeMs);
    const abandoned = folders.filter((f) => f.partial && Date.now() - f.mtimeMs > ABANDONED_MS);
    for (const { dir } of [...kept.slice(KEPT_BUILDS), ...abandoned])
      await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

/** A bundle's short content hash, which also names its folder in the build output. */
export function contentHash(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The key of a build: everything it depends on besides its input files, hashed. */
export function buildKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

async function stampOf(file: string): Promise<[size: number, mtimeMs: number]> {
  const { size, mtimeMs } = await stat(file);
  return [size, mtimeMs];
}
