import { explainError } from '../errors.ts';

/** An API error in words, announced to screen readers; nothing when there is no error. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const { message, fields, requestId } = explainError(error);
  const fieldMessages = Object.entries(fields);
  return (
    <div className="error" role="alert">
      <p>{message}</p>
      {fieldMessages.length > 0 && (
        <ul>
          {fieldMessages.map(([field, text]) => (
            <li key={field}>
              <strong>{field}</strong>: {text}
            </li>
          ))}
        </ul>
      )}
      {requestId && <p className="request-id">Request id: {requestId}</p>}
    </div>
  );
}
