import { useId } from 'react';

/**
 * A PIN entry for a phone: a numeric password field (the keyboard of the phone, a screen reader,
 * a hardware keyboard) and an on-screen keypad below it. Digits only, never shown.
 */
export function PinPad({
  label,
  value,
  onChange,
  maxLength = 12,
  testId,
  eraseLabel,
  keypad = true,
}: {
  label: string;
  value: string;
  onChange: (pin: string) => void;
  maxLength?: number;
  testId?: string;
  eraseLabel: string;
  /** Show the on-screen keypad (one per screen; a second field uses the phone's keyboard). */
  keypad?: boolean;
}) {
  const id = useId();
  const press = (digit: string) => {
    if (value.length < maxLength) onChange(value + digit);
  };
  return (
    <div className="pinpad">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        pattern="[0-9]*"
        maxLength={maxLength}
        value={value}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value.replace(/[^0-9]/g, '').slice(0, maxLength))}
        className="pin-input"
      />
      {/* The keypad types into the field above, which is what assistive technology uses. */}
      {keypad && (
        <div className="pin-keys" aria-hidden="true">
          {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
            <button
              type="button"
              key={d}
              className="secondary"
              tabIndex={-1}
              onClick={() => press(d)}
            >
              {d}
            </button>
          ))}
          <span />
          <button type="button" className="secondary" tabIndex={-1} onClick={() => press('0')}>
            0
          </button>
          <button
            type="button"
            className="secondary"
            tabIndex={-1}
            aria-label={eraseLabel}
            onClick={() => onChange(value.slice(0, -1))}
          >
            ⌫
          </button>
        </div>
      )}
    </div>
  );
}
