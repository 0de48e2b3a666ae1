// ensureTables' indexes on DynamoDB Local (needs Java 17+).
import { createIndexesTests } from './create-indexes-test-suite.ts';

createIndexesTests('dynamodb-local');
