// `npm start -- --inspect`: each function instance's process opens Node's inspector on a port of
// its own, on loopback only (a debugger can run any code in the process it attaches to).

/** The inspector ports of the running instances: the lowest free one from `base` for each new one. */
export class InspectorPorts {
  readonly #base: number;
  readonly #inUse = new Set<number>();

  constructor(base: number) {
    this.#base = base;
  }

  /**
   * A port for a new instance. The lowest free one, so that the first instance started (and the
   * one that replaces it after a reload, once the old one is gone) keeps the port a debugger's
   * launch configuration names.
   */
  acquire(): number {
    let port = this.#base;
    while (this.#inUse.has(port)) port++;
    this.#inUse.add(port);
    return port;
  }

  release(port: number): void {
    this.#inUse.delete(port);
  }
}

/** Node's flag that opens the inspector on loopback only, never on every interface. */
export const inspectFlag = (port: number) => `--inspect=127.0.0.1:${port}`;
