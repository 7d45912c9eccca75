import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiTypes } from './generate-api-types';

describe('the typed client', () => {
  it('is typed from the OpenAPI document as it is now (npm run api:types rewrites it)', async () => {
    expect(readFileSync('lib/api/client/api-types.ts', 'utf8')).toBe(await generateApiTypes());
  });
});
