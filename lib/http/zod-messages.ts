import { z } from 'zod';

type Bound = { origin: string; inclusive?: boolean };

/**
 * The key for a too_small (`least`) or too_big bound, by what is bounded: a number's value, a
 * string's length, a list's size, a date's instant (as epoch milliseconds, which the message
 * formats in Japan time). "At least 1" must not say "characters" when the field holds a number.
 */
function boundKey(issue: Bound, least: boolean, limit: unknown): string {
  const exclusive = issue.inclusive === false;
  switch (issue.origin) {
    case 'string':
      return least ? (Number(limit) === 1 ? 'required' : `too_short:${limit}`) : `too_long:${limit}`;
    case 'array':
    case 'set':
      return least ? `too_few:${limit}` : `too_many:${limit}`;
    case 'date':
      return `${least ? (exclusive ? 'date_after' : 'date_min') : exclusive ? 'date_before' : 'date_max'}:${Number(limit)}`;
    default:
      // Numbers, and any other bounded value (a file's size): the bound itself.
      return `${least ? (exclusive ? 'more_than' : 'at_least') : exclusive ? 'less_than' : 'at_most'}:${limit}`;
  }
}

/**
 * Validation messages are keys (with an optional ":n" parameter) that the UI translates into
 * Japanese or English, e.g. "too_short:12". Installed once, wherever schemas are parsed.
 */
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        if (issue.input === undefined || issue.input === null || issue.input === '') return 'required';
        // A coerced field gets here with what coercion made of the text (NaN, an invalid Date).
        if (issue.expected === 'number' || issue.expected === 'bigint') return 'not_a_number';
        if (issue.expected === 'int') return 'not_integer';
        if (issue.expected === 'date') return 'invalid_date';
        return 'invalid';
      case 'too_small':
        return boundKey(issue, true, issue.minimum);
      case 'too_big':
        return boundKey(issue, false, issue.maximum);
      case 'invalid_format':
        return issue.format === 'email' ? 'invalid_email' : issue.format === 'date' ? 'invalid_date' : 'invalid_format';
      case 'invalid_value':
        return 'invalid_choice';
      default:
        return 'invalid';
    }
  },
});

export { z };
