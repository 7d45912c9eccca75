import { z } from 'zod';

/**
 * Validation messages are keys (with an optional ":n" parameter) that the UI translates into
 * Japanese or English, e.g. "too_short:12". Installed once, wherever schemas are parsed.
 */
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === undefined || issue.input === null || issue.input === '' ? 'required' : 'invalid';
      case 'too_small':
        if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
          return `at_least:${issue.minimum}`;
        if (issue.origin === 'array' || issue.origin === 'set') return `too_few:${issue.minimum}`;
        return issue.origin === 'string' && Number(issue.minimum) === 1 ? 'required' : `too_short:${issue.minimum}`;
      case 'too_big':
        if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
          return `at_most:${issue.maximum}`;
        if (issue.origin === 'array' || issue.origin === 'set') return `too_many:${issue.maximum}`;
        return `too_long:${issue.maximum}`;
      case 'invalid_format':
        return issue.format === 'email' ? 'invalid_email' : 'invalid_format';
      case 'invalid_value':
        return 'invalid_choice';
      default:
        return 'invalid';
    }
  },
});

export { z };
