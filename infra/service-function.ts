import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Bundle } from '#src/build/bundle-function.ts';
import type { LogLevel } from '#src/declaration/function-environment.ts';
import { functionEnvironment } from '#src/declaration/function-environment.ts';
import { LAMBDA_NODEJS_RUNTIME } from '#src/declaration/lambda-runtime.ts';
import type { FunctionDeclaration, ServiceDeclaration } from '#src/declaration/types.ts';
import { functionPolicy } from './function-policy.ts';

function knownRuntime(name: string): Runtime {
  const runtime = Runtime.ALL.find((known) => known.name === name);
  if (!runtime) throw new Error(`aws-cdk-lib does not know the Lambda runtime ${name}`);
  return runtime;
}

/**
 * The deployed runtime, named in src/declaration/lambda-runtime.ts (which the local Lambda service
 * reads too): the newest Node.js runtime this aws-cdk-lib knows (checked by cdk-nag's AwsSolutions-L1).
 */
export const LAMBDA_RUNTIME = knownRuntime(LAMBDA_NODEJS_RUNTIME);
/** Lambda's limit on a function name. */
const MAX_FUNCTION_NAME = 64;

export interface ServiceFunctionProps {
  readonly service: ServiceDeclaration;
  readonly fn: FunctionDeclaration;
  readonly table: ITable;
  /** The idempotency persistence table; given to (and needed by) functions that declare `idempotency`. */
  readonly idempotencyTable?: ITable;
  /** The deployment artefact of this function, made by `bundleAll()`. */
  readonly bundle: Bundle;
  /** Physical function name, e.g. `ServerlessMicroservices-products-create`. */
  readonly functionName: string;
  readonly logLevel: LogLevel;
  readonly corsOrigins: readonly string[];
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One declared function as deployed: its log group, its own role (one inline policy, nothing
 * attached by CDK) and the Lambda function running the esbuild bundle.
 */
export class ServiceFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { service, fn, table, bundle, functionName } = props;
    if (functionName.length > MAX_FUNCTION_NAME) {
      throw new Error(
        `Function name ${functionName} is over ${MAX_FUNCTION_NAME} characters: use a shorter stackName`,
      );
    }
    if (bundle.functionName !== fn.name)
      throw new Error(`Bundle ${bundle.functionName} given for function ${fn.name}`);

    // CloudFormation names the log group, so a retained group never blocks a later deploy of the same stack.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName} only`,
      inlinePolicies: {
        [fn.name]: functionPolicy({
          actions: fn.actions,
          tableArn: table.tableArn,
          ...(fn.indexes ? { indexes: fn.indexes } : {}),
          logGroupArn: this.logGroup.logGroupArn,
          ...(fn.idempotency ? { idempotencyTableArn: props.idempotencyTable?.tableArn } : {}),
        }),
      },
    });
    this.function = new LambdaFunction(this, 'Function', {
      functionName,
      description: `${fn.method} ${fn.path} (${service.name})`,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      code: Code.fromAsset(bundle.dir),
      handler: 'index.handler',
      memorySize: fn.memoryMb,
      timeout: Duration.seconds(fn.timeoutSeconds),
      environment: functionEnvironment(service, fn, {
        tableName: table.tableName,
        logLevel: props.logLevel,
        corsOrigins: props.corsOrigins,
        ...(fn.idempotency ? { idempotencyTableName: props.idempotencyTable?.tableName } : {}),
      }),
      // Log levels filter only the JSON format; Lambda refuses them with the text format.
      ...(fn.logFormat === 'Text'
        ? { loggingFormat: LoggingFormat.TEXT }
        : {
            loggingFormat: LoggingFormat.JSON,
            applicationLogLevelV2: ApplicationLogLevel[props.logLevel],
            systemLogLevelV2: SystemLogLevel.INFO,
          }),
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      // The role is complete as written: an immutable view stops CDK from adding statements to it
      // behind our back (active tracing would otherwise add a second X-Ray grant in a separate policy).
      role: this.role.withoutPolicyUpdates(),
    });
  }
}
