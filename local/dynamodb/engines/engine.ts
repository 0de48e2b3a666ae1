// What every DynamoDB engine the local system can run (DynamoDB Local, dynalite, an external
// endpoint) is to the rest of it: the choices, and a running engine.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export const ENGINE_CHOICES = ['auto', 'dynamodb-local', 'dynalite', 'external'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];
export type EngineName = Exclude<EngineChoice, 'auto'>;

export interface RunningDynamoDb {
  readonly engine: EngineName;
  /** Base URL for SDK clients, e.g. `http://127.0.0.1:41235`. */
  readonly endpoint: string;
  /** The folder holding this engine's data; null when in memory or external. */
  readonly dataDir: string | null;
  /** One line for the banner, e.g. `DynamoDB Local 3.3.0 (Java 17.0.15)`. */
  readonly detail: string;
  /** Why this engine runs, for the banner, e.g. `auto: Java 17.0.15 can run DynamoDB Local`. */
  readonly reason?: string;
  /**
   * Set by an engine that runs inside this process (dynalite): it answers a request whose body was
   * already read, writing straight to `res`, with no loopback connection in between. The guard
   * uses it so that a function's call crosses one HTTP hop, not two.
   */
  readonly serveInProcess?: (request: InProcessRequest, res: ServerResponse) => void;
  /** Stops what was started (nothing for `external`); resolves once it is fully down. */
  stop(): Promise<void>;
}

/** A DynamoDB request already read from its connection. */
export interface InProcessRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}
