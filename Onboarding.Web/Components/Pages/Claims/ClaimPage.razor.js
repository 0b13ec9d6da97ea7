// Tells the claim page the browser's time zone, so the link's expiry is shown in local time.
export function timeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    // Older browsers: the page shows UTC.
    return null;
  }
}
