import type { Pool, PoolClient } from 'pg';

// Bytes handed to the reader at a time: COPY sends one message per row, far too small to pass on.
const CHUNK = 1 << 18;
// Chunks the reader may fall behind by before the socket is paused (PostgreSQL then waits).
const QUEUED = 4;

interface Connection {
  stream: { pause(): void; resume(): void; destroy(): void };
  query(text: string): void;
}

/**
 * `COPY ... TO STDOUT` on a pooled connection, inside `opening` (a BEGIN with the scope), as a
 * byte stream with backpressure: while the reader is behind, the socket is paused, so memory
 * stays flat however large the result and however slow the download. The transaction commits
 * and the connection goes back to the pool when the last byte is read; an error or a cancelled
 * read closes the connection instead (PostgreSQL rolls back).
 */
export function copyOutStream(pool: Pool, opening: string, copy: string): ReadableStream<Uint8Array> {
  let client: PoolClient | undefined;
  let socket: Connection['stream'] | undefined;
  let settled = false;
  // Closes the connection: PostgreSQL may be blocked sending COPY data into the paused socket,
  // and only a reset ends its statement and transaction at once.
  const abandon = (error: Error) => {
    if (settled) return;
    settled = true;
    client?.release(error);
    socket?.destroy();
  };
  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        const connected = await pool.connect();
        // A reader may cancel before the connection is even there.
        if (settled) return connected.release();
        client = connected;
        try {
          await client.query(opening);
        } catch (error) {
          abandon(error as Error);
          throw error;
        }
        if (settled) return;
        let buffer = Buffer.allocUnsafe(CHUNK);
        let used = 0;
        const flush = () => {
          if (used === 0) return;
          controller.enqueue(buffer.subarray(0, used));
          buffer = Buffer.allocUnsafe(CHUNK);
          used = 0;
          if ((controller.desiredSize ?? 1) <= 0) socket?.pause();
        };
        const fail = (error: Error) => {
          if (settled) return;
          abandon(error);
          controller.error(error);
        };
        const submittable = {
          submit(connection: Connection) {
            socket = connection.stream;
            connection.query(copy);
          },
          // The chunk is a view of the parser's buffer, which it reuses: copy it now.
          handleCopyData(message: { chunk: Buffer }) {
            if (settled) return;
            const chunk = message.chunk;
            if (used + chunk.length > buffer.length) flush();
            if (chunk.length > buffer.length) {
              controller.enqueue(Buffer.from(chunk));
              return;
            }
            chunk.copy(buffer, used);
            used += chunk.length;
          },
          handleCopyOutResponse() {},
          handleCommandComplete() {},
          handleError: fail,
          handleReadyForQuery() {
            if (settled) return;
            flush();
            // After pg has finished with this message: the commit is the next query on the connection.
            setImmediate(() => {
              client!.query('commit').then(
                () => {
                  settled = true;
                  client!.release();
                  controller.close();
                },
                (error: Error) => fail(error),
              );
            });
          },
        };
        client.query(submittable as never);
      },
      pull() {
        socket?.resume();
      },
      cancel() {
        abandon(new Error('copy cancelled by its reader'));
      },
    },
    { highWaterMark: QUEUED },
  );
}
