/** An error as the engine worded it: it names the file and the problem, so it is shown as is. */
export function ErrorMessage({ title, message, onDismiss }: { title: string; message: string; onDismiss?: () => void }) {
  return (
    <div class="error" role="alert">
      <strong>{title}</strong>
      <p class="error-text">{message}</p>
      {onDismiss && (
        <button type="button" class="secondary" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
