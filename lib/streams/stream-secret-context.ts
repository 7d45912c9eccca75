/** Where a stream's secret belongs (associated data of its ciphertext): it opens for that stream only. */
export const streamSecretContext = (tenantId: string, streamId: string) => `audit_stream:${tenantId}:${streamId}`;
