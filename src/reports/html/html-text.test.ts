import { describe, expect, it } from 'vitest';
import { escapeHtml, scriptJson } from './html-text.js';

describe('html text', () => {
  it('escapes markup in text and attributes', () => {
    expect(escapeHtml(`<b a="x">'&'</b>`)).toBe('&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;');
  });

  it('writes JSON that cannot close its script element and parses back to the same value', () => {
    const value = { tag: '</script><script>alert(1)</script>', line: 'a\u2028b' };
    const text = scriptJson(value);
    expect(text, 'no literal "<" survives').not.toMatch(/</);
    expect(JSON.parse(text), 'the escapes are plain JSON').toEqual(value);
  });
});
