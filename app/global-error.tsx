'use client';

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="ja">
      <body>
        <h1>エラーが発生しました / Something went wrong</h1>
        <p>Reference: {error.digest ?? '—'}</p>
        <a href="/">Mamori</a>
      </body>
    </html>
  );
}
