// What the local system runs, as read from the synthesized CDK template: one plain value (JSON,
// so it can be cached between starts) shared by every part that starts — the tables, the IAM
// guard, the Lambda service and the gateway's stage. Nothing here imports aws-cdk-lib.
import type { RouteBinding } from '#local/contracts.ts';
import type { FunctionPolicy } from '#local/dynamodb/guard/iam/policy-types.ts';
import type { LogLevel } from '#src/declaration/function-environment.ts';
import type { GatewayResponseDefinition } from '#src/declaration/gateway-responses.ts';
import type { LogFormat } from '#src/declaration/types.ts';

/** A table as CreateTable takes it, under its local name. */
export interface StackTable {
  readonly tableName: string;
  readonly keySchema: readonly { readonly AttributeName: string; readonly KeyType: 'HASH' | 'RANGE' }[];
  readonly attributeDefinitions: readonly {
    readonly AttributeName: string;
    readonly AttributeType: 'S' | 'N' | 'B';
  }[];
  readonly globalSecondaryIndexes: readonly StackIndex[];
  readonly localSecondaryIndexes: readonly StackIndex[];
  /** The attribute DynamoDB's TTL reads the expiry from, when the table has TTL. */
  readonly ttlAttribute?: string;
  /** The stream's view type, when the table has a stream. */
  readonly streamViewType?: string;
}

export interface StackIndex {
  readonly IndexName: string;
  readonly KeySchema: StackTable['keySchema'];
  readonly Projection: { readonly ProjectionType?: string; readonly NonKeyAttributes?: readonly string[] };
}

/** A function's settings as the template deploys them, under its declared name. */
export interface StackFunction {
  readonly name: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Its variables, table references resolved to the local table names. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logFormat: LogFormat;
  /** The application log level Lambda filters at (JSON format only). */
  readonly logLevel?: LogLevel;
  /** e.g. `nodejs24.x`. */
  readonly runtime: string;
}

/** The REST API's stage as the template deploys it. */
export interface StackStage {
  readonly name: string;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** The origins the CORS preflights answer. */
  readonly corsOrigins: readonly string[];
  readonly responses: readonly GatewayResponseDefinition[];
}

export interface LocalStack {
  readonly tables: readonly StackTable[];
  readonly functions: readonly StackFunction[];
  /** Every proxy method of the REST API, in the order the functions are declared. */
  readonly routes: readonly RouteBinding[];
  readonly stage: StackStage;
  /** Each function's role policy, intrinsic functions resolved to local ARNs. */
  readonly policies: Readonly<Record<string, FunctionPolicy>>;
  /** What the template holds that the local system does not run, one line per kind. */
  readonly notHonoured: readonly string[];
}
