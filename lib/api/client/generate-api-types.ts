import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { openApiDocument } from '../openapi';

/** The TypeScript types of the OpenAPI document, as `npm run api:types` writes them to api-types.ts. */
export async function generateApiTypes(): Promise<string> {
  const ast = await openapiTS(JSON.stringify(openApiDocument()));
  return COMMENT_HEADER + astToString(ast);
}
