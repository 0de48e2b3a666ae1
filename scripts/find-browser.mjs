// Where the browser tests find Chromium: SM_CHROMIUM if set, else Debian's `chromium` package
// (`apt-get install -y chromium`, which .ci/run does when it is missing). Plain JavaScript, so that
// scripts/run-tests.mjs can ask before it starts any test.
import { accessSync, constants } from 'node:fs';

export const BROWSER_HINT =
  "install Debian's chromium (apt-get install -y chromium) or set SM_CHROMIUM to a Chromium binary";

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The path of a runnable Chromium, or undefined when there is none; SM_CHROMIUM, when set, is the only one tried. */
export function findChromium(env = process.env) {
  for (const candidate of env.SM_CHROMIUM ? [env.SM_CHROMIUM] : CANDIDATES) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}
