'use client';
import { createContext, startTransition, useActionState, useContext, useEffect, useRef } from 'react';
import { useTranslations } from 'next-intl';
import type { ActionState } from '@/lib/auth/with-action';

const FieldErrors = createContext<Record<string, string[]> | undefined>(undefined);

/**
 * Translates a validation key from the server: "code" or "code:param:param…", e.g.
 * "too_short:12" or "entry:7:invalid_prefix:10.0.0.0/33" (params are n, a, b in order).
 */
export function useValidationMessage() {
  const t = useTranslations('validation');
  return (key: string) => {
    const [code, n = '', a = '', ...rest] = key.split(':');
    const b = rest.join(':');
    if (!t.has(code)) return t('invalid');
    const nested = t.has(a) ? t(a, { n: '', a: '', b: '' }) : a;
    return t(code, { n, a: nested, b });
  };
}

/**
 * A form bound to a server action: shows field errors next to the fields, a general error or a
 * success message, and whatever the action returned for one-time display (a temporary password).
 */
export function ActionForm({
  action,
  children,
  submit,
  tone = 'primary',
  className = 'space-y-3',
  success,
  testId,
  resetOnSuccess = false,
}: {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  children?: React.ReactNode;
  submit: string;
  tone?: 'primary' | 'danger' | 'plain';
  className?: string;
  success?: (state: NonNullable<ActionState>) => React.ReactNode;
  testId?: string;
  resetOnSuccess?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const t = useTranslations('errors');
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok && resetOnSuccess) form.current?.reset();
  }, [state, resetOnSuccess]);
  const tones = {
    primary: 'bg-brand-600 text-white hover:bg-brand-700',
    danger: 'bg-red-600 text-white hover:bg-red-700',
    plain: 'border border-slate-300 bg-white hover:bg-slate-100',
  };
  return (
    <FieldErrors.Provider value={state?.fieldErrors}>
      {/* Submitting through onSubmit keeps what the user typed when the server refuses it (React
          resets a form after an action submitted through its action prop); without JavaScript the
          action prop still works. */}
      <form
        ref={form}
        action={formAction}
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          startTransition(() => formAction(data));
        }}
        className={className}
        data-testid={testId}
      >
        {children}
        {state && !state.ok && state.error && (
          <p role="alert" data-testid="form-error" className="text-sm text-red-700">
            {t.has(state.error) ? t(state.error) : t('bad_request')}
          </p>
        )}
        {state?.ok && success && <div data-testid="form-success">{success(state)}</div>}
        <button disabled={pending} className={`rounded px-4 py-2 text-sm font-medium disabled:opacity-60 ${tones[tone]}`}>
          {submit}
        </button>
      </form>
    </FieldErrors.Provider>
  );
}

export function Field({ name, label, type = 'text', defaultValue, required, autoComplete, children }: {
  name: string;
  label: string;
  type?: string;
  defaultValue?: string | null;
  required?: boolean;
  autoComplete?: string;
  children?: React.ReactNode;
}) {
  const errors = useContext(FieldErrors)?.[name];
  const message = useValidationMessage();
  const id = `f-${name}`;
  return (
    <div className="text-sm">
      <label htmlFor={id} className="block font-medium">{label}</label>
      {children ?? (
        <input
          id={id}
          name={name}
          type={type}
          defaultValue={defaultValue ?? ''}
          required={required}
          autoComplete={autoComplete}
          aria-invalid={errors ? true : undefined}
          aria-describedby={errors ? `${id}-error` : undefined}
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2 aria-invalid:border-red-500"
        />
      )}
      {errors && (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700" data-testid={`error-${name}`}>
          {errors.map(message).join(' ')}
        </p>
      )}
    </div>
  );
}

export function Select({ name, label, options, defaultValue }: { name: string; label: string; options: { value: string; label: string }[]; defaultValue?: string }) {
  return (
    <Field name={name} label={label}>
      <select id={`f-${name}`} name={name} defaultValue={defaultValue} className="mt-1 w-full rounded border border-slate-300 px-3 py-2">
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </Field>
  );
}

export function Hidden({ name, value }: { name: string; value: string }) {
  return <input type="hidden" name={name} value={value} />;
}
