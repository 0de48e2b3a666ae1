// ensureTables' indexes on dynalite.
import { createIndexesTests } from './create-indexes-test-suite.ts';

createIndexesTests('dynalite');
