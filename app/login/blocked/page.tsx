import { forbidden } from 'next/navigation';

/** Where a login refused by IP allowlist lands: the 403 page, nothing more. */
export default function BlockedPage() {
  forbidden();
}
