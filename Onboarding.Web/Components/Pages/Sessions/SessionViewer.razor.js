// Reports the tab's visibility to the viewer (it polls every second while visible, every 30 s when hidden)
// and swaps the rotated view token into the address bar without a navigation.
const listeners = new Map();
let nextId = 1;

const isVisible = () => document.visibilityState === 'visible';

export function connect(viewer) {
  const id = nextId++;
  const listener = () => {
    viewer.invokeMethodAsync('OnVisibilityChanged', isVisible()).catch(() => { });
  };
  document.addEventListener('visibilitychange', listener);
  listeners.set(id, listener);
  let timeZone = null;
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    // Older browsers: the page shows UTC.
  }
  return { id, visible: isVisible(), timeZone };
}

export function disconnect(id) {
  const listener = listeners.get(id);
  if (listener) {
    document.removeEventListener('visibilitychange', listener);
    listeners.delete(id);
  }
}

export function showToken(token) {
  const url = new URL(window.location.href);
  url.searchParams.set('t', token);
  // Keep Blazor's history state; only the address changes.
  history.replaceState(history.state, '', url);
}
