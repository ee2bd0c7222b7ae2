import styles from './style.module.css';

interface Props<V extends string> {
  legend: string;
  name: string;
  options: readonly { value: V; label: string }[];
  value: V | null;
  onChange: (value: V) => void;
}

/** A one-of choice shown as large tappable chips (radio buttons underneath, for a11y). */
export function Chips<V extends string>({ legend, name, options, value, onChange }: Props<V>) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div class={styles.chips}>
        {options.map((o) => (
          <label key={o.value} class={styles.chip} data-checked={value === o.value}>
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
