// Text for HTML: escaping for element content and attributes, and JSON that is safe inside a <script> element.
// Must never emit user text (tags, paths, notes) unescaped.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>`, `&` and the line separators U+2028/2029 are
 * written as \\u escapes, so no value can close the element or break the parser (OWASP XSS prevention, rule 3.1).
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
