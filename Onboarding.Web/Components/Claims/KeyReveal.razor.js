// Copies the API key from its read-only field. The Clipboard API needs a secure context (https or
// localhost); elsewhere the field is selected and copied the old way.
export async function copyFrom(field) {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}
