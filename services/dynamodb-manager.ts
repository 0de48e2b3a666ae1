import { allow } from '#src/declaration/access.ts';
import { defineService } from '#src/declaration/define-service.ts';

/**
 * The AWS tutorial's service ("Using Lambda with API Gateway"): one POST endpoint whose body
 * names a DynamoDB operation on the `lambda-apigateway` table, and on that table only.
 * Admins only, unless the `openTutorial` setting opens it so the tutorial's requests work verbatim.
 */
export default defineService({
  name: 'DynamoDBManager',
  table: { name: 'lambda-apigateway', partitionKey: 'id' },
  functions: [
    {
      name: 'dynamodb-manager',
      method: 'POST',
      path: '/DynamoDBManager',
      handler: 'src/handlers/dynamodb-manager.ts',
      access: allow.groups('admin').publicWhen('openTutorial'),
      actions: [
        'dynamodb:PutItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Scan',
      ],
    },
  ],
});
