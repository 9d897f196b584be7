// What a user, collection or key name must be for every backend to store it as sent.
import { MAX_NAME_LENGTH, isWellFormed } from '../runtime/protocol/index.js';

/**
 * What is wrong with a `what` name the server would store (a sentence naming it), or undefined:
 * longer than a client may send (MAX_NAME_LENGTH), U+0000 (PostgreSQL text cannot hold it) or a
 * lone surrogate (stored as U+FFFD: two such names would be one).
 */
export function nameProblem(what: keyof typeof MAX_NAME_LENGTH, name: string): string | undefined {
  const problem = name.includes('\0')
    ? 'contains the character U+0000 (NUL), which this server cannot store'
    : name.length > MAX_NAME_LENGTH[what]
      ? `is ${name.length} characters long; the most this server stores is ${MAX_NAME_LENGTH[what]}`
      : !isWellFormed(name)
        ? 'has a lone UTF-16 surrogate (not well-formed Unicode), which storage would turn into U+FFFD'
        : undefined;
  return problem && `The ${what} name ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)} ${problem}.`;
}
