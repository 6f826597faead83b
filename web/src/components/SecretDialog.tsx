// A secret the API answers only once (a webhook secret, an API key, an incoming token): a copy button, a warning that
// says so, and the secret leaves the page's memory when the dialog closes. Until it has been copied, closing it
// another way than "I have stored it" (Escape, the ✕, the backdrop) asks first.
import { useRef, useState, type ReactNode } from 'react';
import { Dialog, useCopy } from '../lib.tsx';

export function ShownOnceDialog(props: { title: string; label: string; secret: string; onClose: () => void; children: ReactNode }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const stayRef = useRef<HTMLButtonElement>(null);
  const { copy, copied, message } = useCopy(props.secret, () => inputRef.current?.select());
  // copied with the button, or by hand (Ctrl+C on the selected secret)
  const [copiedByHand, setCopiedByHand] = useState(false);
  const [asking, setAsking] = useState(false);
  const taken = copied === 'yes' || copiedByHand;
  const canClose = () => {
    if (taken) return true;
    setAsking(true);
    requestAnimationFrame(() => stayRef.current?.focus());
    return false;
  };
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      canClose={canClose}
      className="secret-dialog"
      closeLabel="Close: the secret will not be shown again"
    >
      <p className="warning" role="note">
        {props.children}
      </p>
      <label htmlFor="secret-value">{props.label}</label>
      <div className="secret-row">
        <input
          id="secret-value"
          ref={inputRef}
          className="mono"
          readOnly
          value={props.secret}
          onFocus={(e) => e.currentTarget.select()}
          onCopy={() => {
            setCopiedByHand(true);
            setAsking(false);
          }}
        />
        <button
          type="button"
          className="primary"
          onClick={() => {
            setAsking(false);
            void copy();
          }}
        >
          Copy
        </button>
      </div>
      <p className="hint" aria-live="polite">
        {message}
      </p>
      {asking && !taken ? (
        <div className="form-error secret-confirm" role="alert" data-testid="secret-close-confirm">
          <p>You have not copied the secret. Once this closes it cannot be shown again. Close anyway?</p>
          <div className="actions">
            <button type="button" ref={stayRef} onClick={() => setAsking(false)}>
              Back to the secret
            </button>
            <button type="button" className="danger" onClick={props.onClose}>
              Close without copying
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="button" onClick={props.onClose} autoFocus={false}>
            I have stored it — close
          </button>
        </div>
      )}
    </Dialog>
  );
}

/** The webhook secret, once: the API never answers it again. */
export function SecretDialog({ secret, rotated, onClose }: { secret: string; rotated: boolean; onClose: () => void }) {
  return (
    <ShownOnceDialog title={rotated ? 'New webhook secret' : 'Webhook secret'} label="Signing secret" secret={secret} onClose={onClose}>
      <strong>Copy this secret now. It is shown only once</strong> and cannot be retrieved later: VantaStatus stores it encrypted and never
      displays it again. If you lose it, rotate the secret.
      {rotated &&
        ' The previous secret keeps signing the webhook-signature header for 24 hours, so your receiver can switch without a gap.'}
    </ShownOnceDialog>
  );
}
