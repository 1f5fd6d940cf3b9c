/** The recipe part of this page's address (the fragment), and a link to this app with another one. */
export function currentFragment(): string {
  return window.location.hash;
}

export function linkWithFragment(fragment: string): string {
  const url = new URL(window.location.href);
  url.hash = fragment;
  return url.href;
}

/** Shows the recipe in the address bar without a navigation or a history entry. */
export function replaceFragment(fragment: string): void {
  history.replaceState(history.state, '', linkWithFragment(fragment));
}
