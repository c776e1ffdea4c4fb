/**
 * HTML escaping for everything the views put in a page.
 */

/**
 * Escape text for HTML (element content and quoted attribute values), so
 * nothing from the request or an error message runs as markup.
 *
 * @example
 * escapeHtml(`<a href="x">'&'</a>`); // "&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
