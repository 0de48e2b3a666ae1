// The HTTP contract against AWS's DynamoDB Local (needs Java 17+; CI installs it).
import { defineSuite } from './define-suite.ts';

defineSuite('dynamodb-local');
