// ensureStackTables on DynamoDB Local (needs Java 17+).
import { ensureTablesEngineTests } from './ensure-tables-test-suite.ts';

ensureTablesEngineTests('dynamodb-local');
