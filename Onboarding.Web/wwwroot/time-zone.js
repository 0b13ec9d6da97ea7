// The browser's time zone, so pages show times in local time (the claim page, the dashboard).
export function timeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    // Older browsers: the page shows UTC.
    return null;
  }
}
