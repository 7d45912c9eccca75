'use client';
import Link from 'next/link';
import { createContext, startTransition, useActionState, useContext, useEffect, useRef, useState } from 'react';
import { stepUpAction } from '@/app/actions';
import { useTranslations } from 'next-intl';
import type { ActionState } from '@/lib/auth/with-action';
import { validationMessage } from './validation-message';
import { JstDateTimeField } from './jst-date-time-field';

const FieldErrors = createContext<Record<string, string[]> | undefined>(undefined);
const FieldIds = createContext('f');
const IncidentFor = createContext<string | null>(null);

/**
 * Every form inside is sent for this open incident: the server checks it and writes it into the
 * action's audit event, which puts the action on the incident's timeline.
 */
export function ForIncident({ id, children }: { id: string | null; children: React.ReactNode }) {
  return <IncidentFor.Provider value={id}>{children}</IncidentFor.Provider>;
}

/** The server's validation keys for one field of the enclosing ActionForm, for custom fields. */
export function useFieldErrors(name: string): string[] | undefined {
  return useContext(FieldErrors)?.[name];
}

/** Translates a validation key from the server (see validationMessage). */
export function useValidationMessage() {
  const t = useTranslations('validation');
  return (key: string) => validationMessage(t, key);
}

/**
 * Submits through a transition instead of the form's action prop: React resets a form after an
 * action submitted through the prop, which would lose what the user typed when the server refuses
 * it. Without JavaScript the action prop still works.
 */
export function submitKeepingInput(action: (data: FormData) => void, remember?: (data: FormData) => void) {
  return (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    remember?.(data);
    startTransition(() => action(data));
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
  onSuccess,
  secondary,
  fieldErrorsHere = false,
  idPrefix = 'f',
}: {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  children?: React.ReactNode;
  submit: string;
  tone?: 'primary' | 'danger' | 'plain';
  className?: string;
  success?: (state: NonNullable<ActionState>) => React.ReactNode;
  testId?: string;
  resetOnSuccess?: boolean;
  /** Takes over a success (a dialog closes and its opener shows the result); keep it stable. */
  onSuccess?: (state: NonNullable<ActionState>) => void;
  /** Shown beside the submit button, e.g. a dialog's cancel. */
  secondary?: React.ReactNode;
  /** Lists field errors in the form's error message, for forms without visible fields. */
  fieldErrorsHere?: boolean;
  /** Prefix of the fields' ids (`f` by default): a page form beside a dialog's form keeps its own. */
  idPrefix?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const incidentId = useContext(IncidentFor);
  const t = useTranslations('errors');
  const message = useValidationMessage();
  const form = useRef<HTMLFormElement>(null);
  const lastSubmitted = useRef<FormData | null>(null);
  useEffect(() => {
    if (state?.ok && resetOnSuccess) form.current?.reset();
  }, [state, resetOnSuccess]);
  useEffect(() => {
    if (state?.ok) onSuccess?.(state);
  }, [state, onSuccess]);
  // A refused field takes focus, so a screen reader reads its label and its error together.
  useEffect(() => {
    if (state && !state.ok && state.fieldErrors && Object.keys(state.fieldErrors).length > 0)
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);
  const steppingUp = state?.error === 'step_up_required';
  const tones = {
    primary: 'bg-brand-600 text-white hover:bg-brand-700',
    danger: 'bg-red-600 text-white hover:bg-red-700',
    plain: 'border border-slate-300 bg-white hover:bg-slate-100',
  };
  return (
    <FieldErrors.Provider value={state?.fieldErrors}>
      <FieldIds.Provider value={idPrefix}>
        <form
          ref={form}
          action={formAction}
          onSubmit={(event) => submitKeepingInput(formAction, (data) => (lastSubmitted.current = data))(event)}
          className={className}
          data-testid={testId}
        >
          {incidentId && <input type="hidden" name="incidentId" value={incidentId} />}
          {children}
          {steppingUp && (
            <StepUp
              onVerified={() => lastSubmitted.current && startTransition(() => formAction(lastSubmitted.current!))}
            />
          )}
          {state?.error === 'mfa_enrollment_required' && (
            <p role="alert" className="text-sm text-red-700">
              {t('mfa_enrollment_required')}{' '}
              <Link className="underline" href="/account/mfa">
                {t('enrollNow')}
              </Link>
            </p>
          )}
          {state &&
            !state.ok &&
            state.error &&
            state.error !== 'step_up_required' &&
            state.error !== 'mfa_enrollment_required' && (
              <p role="alert" data-testid="form-error" className="text-sm text-red-700">
                {t.has(state.error) ? t(state.error) : t('bad_request')}
                {/* A form of hidden fields (a confirmation) has no field to show them beside. */}
                {fieldErrorsHere &&
                  Object.values(state.fieldErrors ?? {})
                    .flat()
                    .map((key) => ` ${message(key)}`)}
              </p>
            )}
          {state?.ok && success && !onSuccess && (
            <div role="status" data-testid="form-success">
              {success(state)}
            </div>
          )}
          {/* While a code is asked for, its button is the one way on: no second primary button. */}
          <div className={`flex flex-wrap items-center gap-2 ${steppingUp ? 'justify-end' : ''}`}>
            {!steppingUp && (
              <button
                disabled={pending}
                className={`rounded px-4 py-2 text-sm font-medium disabled:opacity-60 ${tones[tone]}`}
              >
                {submit}
              </button>
            )}
            {secondary}
          </div>
        </form>
      </FieldIds.Provider>
    </FieldErrors.Provider>
  );
}

export function Field({
  name,
  label,
  type = 'text',
  defaultValue,
  required,
  autoComplete,
  autoFocus,
  inputMode,
  children,
}: {
  name: string;
  label: string;
  type?: string;
  defaultValue?: string | null;
  required?: boolean;
  autoComplete?: string;
  autoFocus?: boolean;
  inputMode?: React.HTMLAttributes<HTMLInputElement>['inputMode'];
  children?: React.ReactNode;
}) {
  const errors = useContext(FieldErrors)?.[name];
  const message = useValidationMessage();
  const id = `${useContext(FieldIds)}-${name}`;
  return (
    <div className="text-sm">
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      {children ?? (
        <input
          id={id}
          name={name}
          type={type}
          defaultValue={defaultValue ?? ''}
          required={required}
          autoComplete={autoComplete}
          autoFocus={autoFocus}
          inputMode={inputMode}
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

/** A date and time in Japan time, with the server's errors for it (see JstDateTimeField). */
export function DateTimeField(props: Omit<React.ComponentProps<typeof JstDateTimeField>, 'errors'>) {
  const errors = useFieldErrors(props.name);
  const message = useValidationMessage();
  return <JstDateTimeField {...props} errors={errors?.map(message)} />;
}

export function Select({
  name,
  label,
  options,
  defaultValue,
  onChange,
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  defaultValue?: string;
  onChange?: (value: string) => void;
}) {
  const id = `${useContext(FieldIds)}-${name}`;
  return (
    <Field name={name} label={label}>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        onChange={onChange && ((e) => onChange(e.target.value))}
        className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Several boxes under one name (the server gets a list), with the group's error under them. */
export function CheckboxGroup({
  name,
  legend,
  options,
  defaultValues = [],
}: {
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  defaultValues?: string[];
}) {
  const errors = useContext(FieldErrors)?.[name];
  const message = useValidationMessage();
  const id = `${useContext(FieldIds)}-${name}`;
  return (
    <fieldset
      className="text-sm"
      aria-describedby={errors ? `${id}-error` : undefined}
      aria-invalid={errors ? true : undefined}
    >
      <legend className="font-medium">{legend}</legend>
      <div className="mt-1 space-y-1">
        {options.map((o) => (
          <label key={o.value} className="flex items-center gap-2">
            <input type="checkbox" name={name} value={o.value} defaultChecked={defaultValues.includes(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
      {errors && (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700" data-testid={`error-${name}`}>
          {errors.map(message).join(' ')}
        </p>
      )}
    </fieldset>
  );
}

export function Hidden({ name, value }: { name: string; value: string }) {
  return <input type="hidden" name={name} value={value} />;
}

/**
 * Asked in place of the submit button when the server answers "step_up_required": a current code,
 * then the action the user started runs again with the same input. The server checks the step-up
 * on its own. The code field takes focus and a wrong code is announced.
 */
function StepUp({ onVerified }: { onVerified: () => void }) {
  const t = useTranslations('mfa');
  const [code, setCode] = useState('');
  const [error, setError] = useState(false);
  const [pending, setPending] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const submit = async () => {
    setPending(true);
    const data = new FormData();
    data.set('code', code);
    const result = await stepUpAction(null, data);
    setPending(false);
    if (result?.ok) {
      setError(false);
      onVerified();
    } else {
      setError(true);
      setCode('');
      input.current?.focus();
    }
  };
  return (
    <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="step-up">
      <label className="block font-medium" htmlFor="step-up-code">
        {t('stepUpPrompt')}
      </label>
      <div className="mt-2 flex flex-wrap gap-2">
        <input
          ref={input}
          id="step-up-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void submit();
            }
          }}
          // The code is asked because the user just pressed a button: focus belongs here.
          autoFocus
          inputMode="numeric"
          autoComplete="one-time-code"
          aria-invalid={error || undefined}
          aria-describedby={error ? 'step-up-error' : undefined}
          className="w-36 rounded border border-slate-300 px-2 py-1 font-mono aria-invalid:border-red-500"
        />
        <button
          type="button"
          disabled={pending}
          onClick={() => void submit()}
          className="rounded bg-brand-600 px-3 py-1 text-white disabled:opacity-60"
        >
          {t('stepUpSubmit')}
        </button>
      </div>
      <p id="step-up-error" role="alert" className="mt-1 text-red-700 empty:hidden" data-testid="step-up-error">
        {error ? t('verifyError.bad_code') : ''}
      </p>
    </div>
  );
}
