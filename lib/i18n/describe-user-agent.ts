import 'server-only';
import Bowser from 'bowser';

// Shorter names where the vendor's own is a mouthful next to the others ("Chrome", "Firefox").
const BROWSER_NAMES: Record<string, string> = { 'Microsoft Edge': 'Edge' };

/**
 * A user-agent string as people know their devices: `{ browser: 'Chrome 131', os: 'Windows' }`,
 * `{ browser: 'Safari 18', os: 'iPhone' }`; null when no browser can be told (curl, empty), so the
 * caller says "unknown" in the reader's language. Major versions only: the rest is noise to a
 * reader, and operating-system versions are left out because browsers freeze them (Windows 11 says
 * 10, every macOS says 10.15.7).
 */
export function describeUserAgent(userAgent: string | null | undefined): { browser: string; os: string | null } | null {
  if (!userAgent?.trim()) return null;
  const { browser, os, platform } = Bowser.parse(userAgent);
  if (!browser.name) return null;
  const name = BROWSER_NAMES[browser.name] ?? browser.name;
  const major = browser.version?.split('.')[0];
  // On iOS the device says more than the system: "iPhone", "iPad".
  const system = os.name === 'iOS' ? (platform.model ?? os.name) : os.name;
  return { browser: major ? `${name} ${major}` : name, os: system || null };
}
