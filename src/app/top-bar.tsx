/** The app's name, on every screen. */
export function TopBar() {
  return (
    <div class="top-bar">
      <img src="/icons/icon.svg" alt="" width={28} height={28} />
      <span class="app-name">VM Ferry</span>
      <span class="muted tagline">virtual appliances, between hypervisors, offline</span>
    </div>
  );
}
