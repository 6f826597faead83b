// The webhook secret, once: the API never answers it again. A copy button, a warning that says so, and the secret
// leaves the page's memory when the dialog closes. Until it has been copied, closing it another way than "I have
// stored it" (Escape, the ✕, the backdrop) asks first.
import { useRef, useState } from 'react';
import { Dialog } from '../lib.tsx';

export function SecretDialog({ secret, rotated, onClose }: { secret: string; rotated: boolean; onClose: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  // copied with the button, or by hand (Ctrl+C on the selected secret)
  const [taken, setTaken] = useState(false);
  const [asking, setAsking] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const stayRef = useRef<HTMLButtonElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
      setTaken(true);
      setAsking(false);
    } catch {
      inputRef.current?.select();
      setCopied('failed');
    }
  };
  const canClose = () => {
    if (taken) return true;
    setAsking(true);
    requestAnimationFrame(() => stayRef.current?.focus());
    return false;
  };
  return (
    <Dialog
      title={rotated ? 'New webhook secret' : 'Webhook secret'}
      onClose={onClose}
      canClose={canClose}
      className="secret-dialog"
      closeLabel="Close: the secret will not be shown again"
    >
      <p className="warning" role="note">
        <strong>Copy this secret now. It is shown only once</strong> and cannot be retrieved later: VantaStatus stores it encrypted and
        never displays it again. If you lose it, rotate the secret.
        {rotated &&
          ' The previous secret keeps signing the webhook-signature header for 24 hours, so your receiver can switch without a gap.'}
      </p>
      <label htmlFor="secret-value">Signing secret</label>
      <div className="secret-row">
        <input
          id="secret-value"
          ref={inputRef}
          className="mono"
          readOnly
          value={secret}
          onFocus={(e) => e.currentTarget.select()}
          onCopy={() => {
            setTaken(true);
            setAsking(false);
          }}
        />
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="hint" aria-live="polite">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'The clipboard is not available here: the secret is selected, press Ctrl+C (⌘C).'
            : ''}
      </p>
      {asking ? (
        <div className="form-error secret-confirm" role="alert" data-testid="secret-close-confirm">
          <p>You have not copied the secret. Once this closes it cannot be shown again. Close anyway?</p>
          <div className="actions">
            <button type="button" ref={stayRef} onClick={() => setAsking(false)}>
              Back to the secret
            </button>
            <button type="button" className="danger" onClick={onClose}>
              Close without copying
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="button" onClick={onClose} autoFocus={false}>
            I have stored it — close
          </button>
        </div>
      )}
    </Dialog>
  );
}
