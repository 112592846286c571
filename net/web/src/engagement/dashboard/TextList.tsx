// A list of short texts edited in place (poll choices, prediction outcomes): one input each,
// "Add" up to `max`, remove down to `min`.
export function TextList({
  id,
  label,
  values,
  min,
  max,
  maxLength,
  onChange,
}: {
  id: string;
  label: string;
  values: string[];
  min: number;
  max: number;
  maxLength: number;
  onChange: (v: string[]) => void;
}) {
  return (
    <fieldset class="eng-fieldset" id={id}>
      <legend>{label}</legend>
      {values.map((v, i) => (
        <div class="dash-row" key={i}>
          <input
            data-testid={`${id}-input`}
            aria-label={`${label} ${i + 1}`}
            value={v}
            maxLength={maxLength}
            onInput={(e) => onChange(values.map((x, j) => (j === i ? (e.target as HTMLInputElement).value : x)))}
          />
          {values.length > min && (
            <button type="button" class="btn btn-small" aria-label={`Remove ${label.toLowerCase()} ${i + 1}`} onClick={() => onChange(values.filter((_, j) => j !== i))}>
              ✕
            </button>
          )}
        </div>
      ))}
      {values.length < max && (
        <button type="button" class="btn btn-small" data-testid={`${id}-add`} onClick={() => onChange([...values, ''])}>
          Add
        </button>
      )}
    </fieldset>
  );
}

/** The first error of a field, as a small alert under it. */
export function FieldError({ text, id }: { text: string | undefined; id?: string }) {
  return text ? (
    <p class="form-error" role="alert" id={id}>
      {text}
    </p>
  ) : null;
}
