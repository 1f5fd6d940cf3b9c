import type { ComponentChildren } from 'preact';

/** A titled part of a page, named by its heading for assistive technology. */
export function Section({ id, title, level = 2, children }: {
  id: string;
  title: ComponentChildren;
  level?: 2 | 3;
  children: ComponentChildren;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section class={`section level-${level}`} aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`}>{title}</Heading>
      {children}
    </section>
  );
}
