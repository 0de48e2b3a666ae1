// Which Node.js binary runs the functions locally: the major version the stack deploys
// (src/declaration/lambda-runtime.ts), from the machine when its own Node.js has that major, else
// from the registry's platform package (package.json "optionalDependencies", `node-<os>-<cpu>`,
// which npm installs for the user's platform only), else nothing fits and the machine's Node.js
// runs them with what the deployed major has built in emulated by flags (spawn-instance.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LAMBDA_NODEJS_RUNTIME } from '#src/declaration/lambda-runtime.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/**
 * The Node.js major of a Lambda runtime identifier: `nodejs24.x` → 24, `nodejs4.3` → 4. The
 * first runtime, plain `nodejs` (Node.js 0.10), names no major and is refused.
 */
export function nodeMajorOf(runtimeName: string): number {
  const match = /^nodejs(\d+)\.(?:x|\d+)$/.exec(runtimeName);
  if (!match) throw new Error(`${runtimeName} is not a Lambda Node.js runtime with a major version`);
  return Number(match[1]);
}

/** The registry's package holding the Node.js binary of a platform, as npm names them. */
export function platformPackageName(
  platform: string = process.platform,
  arch: string = process.arch,
): string {
  return `node-${platform}-${arch}`;
}

/** The platform packages this project installs, one per platform, from package.json. */
export function declaredPlatformPackages(root: string = PROJECT_ROOT): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    optionalDependencies?: Record<string, string>;
  };
  return Object.fromEntries(
    Object.entries(manifest.optionalDependencies ?? {}).filter(([name]) =>
      /^node-[a-z0-9]+-[a-z0-9]+$/.test(name),
    ),
  );
}

export interface DeployedNode {
  /** The Lambda runtime the stack deploys, e.g. `nodejs24.x`. */
  readonly runtime: string;
  /** Its Node.js major. */
  readonly major: number;
  /** The binary that runs the functions. */
  readonly execPath: string;
  /** Its version, e.g. `v24.22.3`. */
  readonly version: string;
  /**
   * `machine`: the machine's own Node.js has the deployed major; `package`: the platform
   * package's binary; `emulated`: neither fits, the machine's Node.js runs the functions with the
   * deployed runtime's rules emulated.
   */
  readonly source: 'machine' | 'package' | 'emulated';
  /** Where the binary came from, in words. */
  readonly from: string;
  /** Only when emulated: why, and the one command that fixes it. */
  readonly emulated?: { readonly reason: string; readonly fix: string };
}

export interface ResolveOptions {
  readonly runtime?: string;
  /** The machine's Node.js: the one running this process unless told. */
  readonly execPath?: string;
  readonly version?: string;
  readonly platform?: string;
  readonly arch?: string;
  /** The project whose package.json and node_modules are read. */
  readonly root?: string;
  /**
   * Keep to the machine's Node.js even when a package has the deployed major (the benchmark's
   * emulated rows). Default: whether `SM_FUNCTIONS_NODE=machine` is set.
   */
  readonly machineOnly?: boolean;
}

/** `SM_FUNCTIONS_NODE=machine` keeps `npm start` on the machine's Node.js (emulating the deployed major). */
export const MACHINE_ONLY_VARIABLE = 'SM_FUNCTIONS_NODE';

interface InstalledPackage {
  readonly version: string;
  readonly binary: string;
}

function installedPackage(name: string, root: string): InstalledPackage | undefined {
  const require = createRequire(path.join(root, 'package.json'));
  let manifestFile: string;
  try {
    manifestFile = require.resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    version: string;
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.node;
  if (!bin) return undefined;
  return { version: manifest.version, binary: path.join(path.dirname(manifestFile), bin) };
}

const majorOfVersion = (version: string): number => Number(/^v?(\d+)/.exec(version)?.[1]);

/** The command that puts the deployed major's binary in place for every platform package. */
export function packageFixCommand(major: number, root: string = PROJECT_ROOT): string {
  const names = Object.keys(declaredPlatformPackages(root)).sort();
  return `npm install --save-optional ${names.map((name) => `${name}@${major}`).join(' ')}`;
}

/** Which Node.js runs the functions here; see the module comment for the order. */
export function resolveDeployedNode(options: ResolveOptions = {}): DeployedNode {
  const runtime = options.runtime ?? LAMBDA_NODEJS_RUNTIME;
  const major = nodeMajorOf(runtime);
  const root = options.root ?? PROJECT_ROOT;
  const execPath = options.execPath ?? process.execPath;
  const version = options.version ?? process.version;
  const name = platformPackageName(options.platform, options.arch);
  const declared = name in declaredPlatformPackages(root);
  const installed = declared ? installedPackage(name, root) : undefined;
  const machineOnly = options.machineOnly ?? process.env[MACHINE_ONLY_VARIABLE] === 'machine';
  const base = { runtime, major };
  if (majorOfVersion(version) === major) {
    const fromPackage = installed !== undefined && path.resolve(installed.binary) === path.resolve(execPath);
    return {
      ...base,
      execPath,
      version,
      source: fromPackage ? 'package' : 'machine',
      from: fromPackage ? name : 'this machine',
    };
  }
  if (installed && majorOfVersion(installed.version) === major && !machineOnly)
    return {
      ...base,
      execPath: installed.binary,
      version: `v${installed.version}`,
      source: 'package',
      from: name,
    };
  const emulate = (reason: string, fix: string): DeployedNode => ({
    ...base,
    execPath,
    version,
    source: 'emulated',
    from: 'this machine',
    emulated: { reason, fix },
  });
  if (machineOnly)
    return emulate(
      `${MACHINE_ONLY_VARIABLE}=machine asks for this machine's Node.js`,
      `unset ${MACHINE_ONLY_VARIABLE}`,
    );
  const versionManager = `nvm install ${major} && nvm use ${major}`;
  if (!declared)
    return emulate(
      `the registry has no Node.js ${major} package for ${options.platform ?? process.platform}-${options.arch ?? process.arch} (${name})`,
      versionManager,
    );
  if (!installed) return emulate(`${name} is not installed`, 'npm install');
  return emulate(
    `${name} holds Node.js ${installed.version}, not ${major} as ${runtime} needs`,
    packageFixCommand(major, root),
  );
}

/** One line naming the Node.js that runs the functions (and, when emulated, why and the fix). */
export function describeDeployedNode(node: DeployedNode): string {
  const runs = `Node.js ${node.version.replace(/^v/, '')} (${node.from}) for ${node.runtime}`;
  if (!node.emulated) return runs;
  return `${runs}: Node.js ${node.major}'s rules emulated, as ${node.emulated.reason}; to run Node.js ${node.major}: ${node.emulated.fix}`;
}
