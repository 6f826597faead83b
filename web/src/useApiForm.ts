// A form that sends to the API: busy while it does, and the API's field errors mapped onto the form's fields
// (toFormErrors) when it refuses.
import { useState, type FormEvent } from 'react';
import { noErrors, toFormErrors, type FormErrors } from './lib.tsx';

export function useApiForm() {
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  /** `fields`: the API's names of the fields on show; an issue about any other is the form's general error */
  const submit = (send: () => Promise<void>, fields: () => string[]) => async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await send();
      setErrors(noErrors);
    } catch (err) {
      setErrors(toFormErrors(err, fields()));
    } finally {
      setBusy(false);
    }
  };
  return { errors: errors.fields, formErrors: errors, busy, submit };
}
