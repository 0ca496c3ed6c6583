// Escaping by construction: the `html` tag escapes every interpolated value unless it is already markup built by
// `html` itself (or marked with `trusted`), so a captured prompt, answer, model name or tag always renders as text.

/** Markup that is already safe to insert. Only `html` and `trusted` make one. */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text as HTML text or attribute value: the characters that end text or an attribute become entities. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"'`]/g, (c) => ENTITIES[c] as string);

/** Markup written in this module tree (never data): constant fragments such as CSS. */
export const trusted = (value: string): Markup => new Markup(value);

type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof Markup) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Template tag: literal parts are markup, every interpolation is escaped (arrays are joined, null/false are dropped). */
export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as Value) + (strings[i + 1] ?? '');
  return new Markup(out);
}
