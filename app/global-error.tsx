'use client';

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="ja">
      <body>
        <h1>エラーが発生しました / Something went wrong</h1>
        <p>Reference: {error.digest ?? '—'}</p>
        {/* The root layout itself failed: a full page load, not a client navigation, starts afresh. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a href="/">Mamori</a>
      </body>
    </html>
  );
}
