// The HTTP contract against dynalite, the pure-Node engine.
import { defineSuite } from './define-suite.ts';

defineSuite('dynalite');
