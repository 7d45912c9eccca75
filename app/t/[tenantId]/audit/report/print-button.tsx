'use client';

/** Opens the browser's print dialog (to paper or PDF); not printed itself. */
export function PrintButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      onClick={() => window.print()}
      className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 print:hidden"
    >
      {label}
    </button>
  );
}
