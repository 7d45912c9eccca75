import { writeFileSync } from 'node:fs';
import { generateApiTypes } from '@/lib/api/client/generate-api-types';

// The typed client's types, from the OpenAPI document (a test fails when they are stale).
const out = 'lib/api/client/api-types.ts';
writeFileSync(out, await generateApiTypes());
console.log(`wrote ${out}`);
