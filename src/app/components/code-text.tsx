/** Plain text where `backquoted` parts are code (how the target profiles write commands in their descriptions). */
export function CodeText({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, index) => (index % 2 === 1 ? <code>{part}</code> : part))}
    </>
  );
}
