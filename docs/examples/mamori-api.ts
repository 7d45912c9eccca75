// Your copy: `npx openapi-typescript https://mamori.example.jp/api/v1/openapi.json -o mamori-api.ts`.
export type { paths } from '../../lib/api/client/api-types';
