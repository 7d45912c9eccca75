import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path';

describe('safeReturnPath', () => {
  it('keeps a path of this console, with its query', () => {
    expect(safeReturnPath('/t/7d3f1c52-8a7e-4f0b-9a51-3b8f4c2d1e60/audit?action=login.failed')).toBe(
      '/t/7d3f1c52-8a7e-4f0b-9a51-3b8f4c2d1e60/audit?action=login.failed',
    );
    expect(safeReturnPath('/')).toBe('/');
  });

  it('drops anything that could leave the origin or loop back to the sign-in page', () => {
    for (const bad of [
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '/t/x\r\nLocation: https://evil.example',
      '/login',
      '/login/verify',
      '/api/v1/me',
      '',
      'relative/path',
      '/'.padEnd(3000, 'a'),
      null,
      42,
    ])
      expect(safeReturnPath(bad), String(bad)).toBeNull();
  });
});
