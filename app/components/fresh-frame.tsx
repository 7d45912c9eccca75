'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * On the sign-in pages: a client-side arrival (a server action that found the session ended)
 * keeps the root layout as it was, with the signed-in sidebar and account menu. Fetching the
 * layout again draws the signed-out frame.
 */
export function FreshFrame() {
  const router = useRouter();
  useEffect(() => {
    if (document.querySelector('[data-signed-in-frame]')) router.refresh();
  }, [router]);
  return null;
}
