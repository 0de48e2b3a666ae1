import {
  AuthorizationType,
  type IAuthorizer,
  type IModel,
  LambdaIntegration,
  type Method,
  type RequestValidator,
  type RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { needsToken } from '#src/declaration/access.ts';
import { bodyMediaTypes } from '#src/declaration/api-settings.ts';
import type { FunctionDeclaration } from '#src/declaration/types.ts';
import { bodyJsonSchema } from './body-model.ts';
import { bodyModelName } from './logical-names.ts';

/**
 * Adds a declared route to the API: the resource path (nested resources, `{id}` parameters)
 * and a Lambda proxy method. A function that declares a body also gets a model derived from
 * the body's zod schema and the validator, so API Gateway rejects a wrong body with 400 before
 * Lambda runs. Bodies of other content types are not validated here: the handler answers 415.
 * A function whose rule (settings applied) needs a token gets the Cognito authorizer, so API
 * Gateway answers 401 before Lambda runs; a public one gets none.
 *
 * @example
 * addRoute(api, validator, products.functions[0], createFunction, () => userPool.authorizer(api));
 */
export function addRoute(
  api: RestApi,
  validator: RequestValidator,
  fn: FunctionDeclaration,
  handler: IFunction,
  authorizer: () => IAuthorizer,
): Method {
  const resource = api.root.resourceForPath(fn.path);
  let body: { requestValidator: RequestValidator; requestModels: Record<string, IModel> } | undefined;
  if (fn.body) {
    const modelName = bodyModelName(fn.name);
    const model = api.addModel(modelName, {
      modelName,
      contentType: 'application/json',
      description: `Body of ${fn.method} ${fn.path} (${fn.name})`,
      schema: bodyJsonSchema(fn.body),
    });
    const requestModels = Object.fromEntries(bodyMediaTypes(fn.method).map((type) => [type, model]));
    body = { requestValidator: validator, requestModels };
  }
  const authorization = needsToken(fn.access)
    ? { authorizationType: AuthorizationType.COGNITO, authorizer: authorizer() }
    : { authorizationType: AuthorizationType.NONE };
  return resource.addMethod(fn.method, new LambdaIntegration(handler), {
    operationName: fn.name,
    ...authorization,
    ...body,
  });
}
