/**
 * Outpost components: Lit web components an app composes.
 * @module
 */
export { VERSION } from '../runtime/version.js';
