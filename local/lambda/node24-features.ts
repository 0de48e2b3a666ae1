// Preloaded by the test runner (scripts/run-tests.mjs) so that code tested in-process, on a Node.js
// older than the deployed major, parses JSON as the deployed runtime does. Instances do not need
// it: they run on the deployed major, or get the flag on their own command line when emulating
// (spawn-instance.ts). V8 flags belong to the process that sets them.
import { setFlagsFromString } from 'node:v8';
import { hasJsonSourceText, JSON_SOURCE_TEXT_FLAG } from './json-source-text.ts';

if (!hasJsonSourceText()) setFlagsFromString(JSON_SOURCE_TEXT_FLAG);
