// Hot reload against DynamoDB Local (needs Java 17+; CI installs it).
import { defineHotReloadSuite } from './hot-reload.ts';

defineHotReloadSuite('dynamodb-local');
