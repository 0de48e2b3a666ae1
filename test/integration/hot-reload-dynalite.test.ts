// Hot reload against dynalite.
import { defineHotReloadSuite } from './hot-reload.ts';

defineHotReloadSuite('dynalite');
