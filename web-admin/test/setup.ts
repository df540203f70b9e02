// Browsers and Node 19+ have Web Crypto as the global `crypto`; Debian 12's
// Node 18 has it only as node:crypto's `webcrypto`. The code under test reads
// the global, as it does in a browser, so the tests hand it over when missing.
import { webcrypto } from 'node:crypto';

if (!globalThis.crypto?.getRandomValues) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
}
