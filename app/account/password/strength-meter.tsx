'use client';
import { useEffect, useState } from 'react';
import { useTranslations } from 'next-intl';

type Estimate = { score: number; warning: string };

/**
 * Live strength estimate while typing. The estimator and its dictionaries load only when this
 * field is used; the server checks the real policy on submit either way.
 */
export function StrengthMeter({ password }: { password: string }) {
  const t = useTranslations('password');
  const [latest, setEstimate] = useState<Estimate | null>(null);
  useEffect(() => {
    if (!password) return;
    let cancelled = false;
    const timer = setTimeout(async () => {
      const [{ ZxcvbnFactory }, common, en] = await Promise.all([
        import('@zxcvbn-ts/core'),
        import('@zxcvbn-ts/language-common'),
        import('@zxcvbn-ts/language-en'),
      ]);
      const z = new ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
      });
      const r = z.check(password.slice(0, 100));
      if (!cancelled) setEstimate({ score: r.score, warning: r.feedback.warning ?? '' });
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [password]);
  // An empty field shows no estimate, whatever the last one was.
  const estimate = password ? latest : null;
  const score = estimate?.score ?? 0;
  const colors = ['bg-red-600', 'bg-red-500', 'bg-amber-500', 'bg-green-500', 'bg-green-700'];
  return (
    <div aria-live="polite" data-testid="strength">
      <div className="mt-1 flex gap-1">
        {[0, 1, 2, 3, 4].map((i) => (
          <div key={i} className={`h-1.5 flex-1 rounded ${estimate && i <= score ? colors[score] : 'bg-slate-200'}`} />
        ))}
      </div>
      {estimate && <p className="mt-1 text-xs text-slate-600">{t(`strength.${score}`)}</p>}
    </div>
  );
}
