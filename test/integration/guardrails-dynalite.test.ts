// The local guardrails (IAM, faults) against dynalite.
import { defineGuardrailsSuite } from './define-guardrails-suite.ts';

defineGuardrailsSuite('dynalite');
