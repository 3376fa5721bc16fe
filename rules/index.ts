/** The rule registry, sorted by id. Add a rule here when you add rules/<id>.ts. */
import type { Rule } from '../src/lint/rule.js';
import requireIfNotExists from './require-if-not-exists.js';

export const rules: readonly Rule[] = [requireIfNotExists].sort((a, b) => (a.id < b.id ? -1 : 1));
