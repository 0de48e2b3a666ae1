// Names derived from declared names where AWS or CloudFormation accept only letters and digits.

/** `products-create` → `ProductsCreate`; `DynamoDBManager` stays `DynamoDBManager`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** API Gateway model of a function's request body, e.g. `ProductsCreateBody`. */
export function bodyModelName(functionName: string): string {
  return `${pascalCase(functionName)}Body`;
}

/** Stack output holding a service's physical table name, e.g. `ProductsTableName`. */
export function tableOutputName(serviceName: string): string {
  return `${pascalCase(serviceName)}TableName`;
}

/** Physical name of a deployed function: the stack name keeps two stacks in one account apart. */
export function deployedFunctionName(stackName: string, functionName: string): string {
  return `${stackName}-${functionName}`;
}
