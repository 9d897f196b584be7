// A TCP port to serve on, for the scripts that start servers beside others on this machine.
import { createServer } from 'node:net';

/**
 * `wanted` if it is free on 127.0.0.1 now, else (or with no `wanted`) one the system picks. Free
 * when asked: serve on it right after.
 * @param {number} [wanted]
 * @returns {Promise<number>}
 */
export function freePort(wanted = 0) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => (/** @type {NodeJS.ErrnoException} */ (err).code === 'EADDRINUSE' && wanted ? resolve(freePort()) : reject(err)));
    probe.listen(wanted, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}
