// The local guardrails (IAM, faults) against DynamoDB Local (needs Java 17+).
import { defineGuardrailsSuite } from './define-guardrails-suite.ts';

defineGuardrailsSuite('dynamodb-local');
